// The README is the operator's reference: every keyword the model reads has a row in its keyword
// table, the cluster file accepts the same keywords, and every problem reason code is explained.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SECTION_KEYWORDS } from '../../src/model/vocabulary.js';
import { GROUPS } from '../../src/source/file/keywords.js';

const ROOT = path.resolve(__dirname, '../..');
const README = readFileSync(path.join(ROOT, 'README.md'), 'utf8');

function section(title: RegExp, text: string): string {
  const start = text.search(title);
  expect(start, `README section ${title}`).toBeGreaterThanOrEqual(0);
  const rest = text.slice(start + 1);
  const end = rest.search(/\n##+ /);
  return end < 0 ? rest : rest.slice(0, end);
}

/** Keyword aliases the model accepts besides the driver's own names. */
const ALIASES = new Set(['header_name']);

describe('README', () => {
  const keywords = README.split('<!-- keywords:start -->')[1]?.split('<!-- keywords:end -->')[0] ?? '';

  it.each(Object.entries(SECTION_KEYWORDS))('documents every %s keyword in the keyword table', (type, list) => {
    const group = type.split('.')[0] ?? '';
    const table = section(new RegExp(`### ${group} \\(`), keywords);
    const missing = list.filter((kw) => !table.includes(`| \`${kw}\``) && !table.includes(`alias \`${kw}\``));
    expect(missing).toEqual([]);
  });

  it('accepts in cluster files exactly the keywords the model reads', () => {
    for (const [type, list] of Object.entries(SECTION_KEYWORDS)) {
      const group = type.split('.')[0] ?? '';
      const fileKeywords = Object.keys(GROUPS[group]?.keywords ?? {}).sort();
      expect(fileKeywords, group).toEqual(list.filter((kw) => !ALIASES.has(kw)).sort());
    }
  });

  it('explains every problem reason code', () => {
    const types = readFileSync(path.join(ROOT, 'src/model/types.ts'), 'utf8');
    const union = /export type Reason =([^;]+);/.exec(types)?.[1] ?? '';
    const reasons = [...union.matchAll(/'([A-Za-z]+)'/g)].map((m) => m[1]);
    expect(reasons.length).toBeGreaterThan(10);
    const errors = section(/## Errors/, README);
    expect(reasons.filter((r) => !errors.includes(`\`${r}\``))).toEqual([]);
  });
});
