// Data flows one way: source → model → envoy → (janitor) → xds. A module may import from the
// layers it reads from, never from the ones it feeds. src/xds is generic and knows nothing of
// OpenSVC; src/proto is a leaf everyone may use.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = path.resolve(__dirname, '../../src');

/** Which top-level folders of src/ each layer may import from (besides itself). */
const ALLOWED: Record<string, readonly string[]> = {
  proto: [],
  source: ['proto'],
  model: ['source', 'proto'],
  envoy: ['model', 'source', 'proto'],
  validate: ['envoy', 'model', 'proto'],
  xds: ['proto'],
};

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const full = path.join(dir, entry);
    if (statSync(full).isDirectory()) return filesUnder(full);
    return full.endsWith('.ts') ? [full] : [];
  });
}

function layerOf(file: string): string {
  return path.relative(SRC, file).split(path.sep)[0] ?? '';
}

function relativeImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specifiers = [...text.matchAll(/(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]/g)].map((m) => m[1] ?? '');
  return specifiers.filter((s) => s.startsWith('.'));
}

describe('import direction', () => {
  const layered = filesUnder(SRC).filter((f) => layerOf(f) in ALLOWED);

  it('finds the layered modules', () => {
    expect(layered.length).toBeGreaterThan(0);
  });

  it.each(Object.keys(ALLOWED))('%s imports only from the layers it reads', (layer) => {
    const offending: string[] = [];
    for (const file of layered.filter((f) => layerOf(f) === layer)) {
      for (const spec of relativeImports(file)) {
        const target = layerOf(path.resolve(path.dirname(file), spec));
        if (target !== layer && !(ALLOWED[layer] ?? []).includes(target)) {
          offending.push(`${path.relative(SRC, file)} imports ${spec} (${target})`);
        }
      }
    }
    expect(offending).toEqual([]);
  });
});
