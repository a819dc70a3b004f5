// Golden pairs: test/golden/cases/<case>.yaml (a cluster file) → <case>.json (what Envoy gets
// and every problem). Regenerate after a deliberate change with `npm run golden`, then review
// the diff: a golden change is a behaviour change.
import { existsSync, readdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateMessage } from '../../src/validate/validate.js';
import { SECTION_KEYWORDS } from '../../src/model/vocabulary.js';
import { translateFile, type GoldenOutput } from './pipeline.js';

const CASES = path.join(__dirname, 'cases');
const UPDATE = process.env['UPDATE_GOLDEN'] === '1';
if (UPDATE && process.env['CI'] !== undefined && process.env['CI'] !== '') {
  // a CI run checks the goldens; it must never rewrite what it checks
  throw new Error('UPDATE_GOLDEN is refused when CI is set: regenerate goldens on a workstation and review the diff');
}
const inputs = readdirSync(CASES).filter((f) => f.endsWith('.yaml')).sort();

const KINDS = [
  ['listeners', 'envoy.config.listener.v3.Listener'],
  ['routes', 'envoy.config.route.v3.RouteConfiguration'],
  ['clusters', 'envoy.config.cluster.v3.Cluster'],
  ['endpoints', 'envoy.config.endpoint.v3.ClusterLoadAssignment'],
  ['secrets', 'envoy.extensions.transport_sockets.tls.v3.Secret'],
] as const;

function stable(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

describe('golden translation', () => {
  it.each(inputs)('%s', (input) => {
    const expectedFile = path.join(CASES, input.replace(/\.yaml$/, '.json'));
    const actual = translateFile(path.join(CASES, input));
    if (UPDATE) writeFileSync(expectedFile, stable(actual));
    expect(existsSync(expectedFile), `${expectedFile} missing: run npm run golden`).toBe(true);
    expect(stable(actual)).toBe(readFileSync(expectedFile, 'utf8'));
    if ('fileProblem' in actual) return;
    // Whatever is served passes the v3 proto validator.
    for (const [kind, message] of KINDS) {
      for (const resource of (actual as GoldenOutput)[kind]) expect(validateMessage(message, resource)).toEqual([]);
    }
  });

  it('has no expected output without an input', () => {
    const orphans = readdirSync(CASES)
      .filter((f) => f.endsWith('.json'))
      .filter((f) => !inputs.includes(f.replace(/\.json$/, '.yaml')));
    if (UPDATE) for (const f of orphans) unlinkSync(path.join(CASES, f));
    else expect(orphans).toEqual([]);
  });

  it('uses every keyword the model reads in some input', () => {
    const text = inputs.map((f) => readFileSync(path.join(CASES, f), 'utf8')).join('\n');
    const unused = Object.values(SECTION_KEYWORDS)
      .flat()
      .filter((kw) => kw !== 'header_name' && !new RegExp(`\\b${kw}:`).test(text));
    expect(unused).toEqual([]);
  });

  it('covers at least 60 cases, 20 of them invalid', () => {
    const outputs = inputs.map((f) => JSON.parse(readFileSync(path.join(CASES, f.replace(/\.yaml$/, '.json')), 'utf8')) as GoldenOutput | { fileProblem: unknown });
    const invalid = outputs.filter((o) => 'fileProblem' in o || Object.values(o.services).some((s) => !s.valid));
    expect(inputs.length).toBeGreaterThanOrEqual(60);
    expect(invalid.length).toBeGreaterThanOrEqual(20);
  });
});
