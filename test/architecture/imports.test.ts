// Data flows one way: source → model → envoy → validate → pipeline (pure) → reconcile (timing and I/O)
// → xds, with ports beside the pipeline and admin beside everything, reading only what it is handed.
// A module may import from the layers it reads from, never from the ones it feeds. src/xds is
// generic and knows nothing of OpenSVC; src/proto is a leaf everyone may use.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = path.resolve(__dirname, '../../src');

/**
 * Which layers each layer may import from (besides itself). A layer is a folder of src/ or a file
 * at its top. Every layer must be listed: a new folder is a decision, made here.
 */
const ALLOWED: Record<string, readonly string[]> = {
  proto: [],
  source: ['proto'],
  model: ['source', 'proto'],
  envoy: ['model', 'proto'],
  validate: ['envoy', 'model', 'proto'],
  ports: ['model', 'source', 'log.ts'],
  // the pipeline hands the xDS cache a change set: it may name the cache's types, nothing else of it
  pipeline: ['validate', 'envoy', 'model', 'ports', 'source', 'proto', 'xds'],
  reconcile: ['pipeline', 'ports', 'model', 'source', 'xds', 'log.ts'],
  xds: ['proto'],
  // admin shows what it is handed: the loop (reconcile) and admin never import each other
  admin: ['xds', 'pipeline', 'model', 'proto', 'config.ts', 'log.ts', 'version.ts'],
  commands: ['pipeline', 'admin', 'model', 'ports', 'source', 'proto', 'xds', 'config.ts', 'flags.ts'],
  'access.ts': ['config.ts', 'xds'],
  'cli.ts': ['commands', 'config.ts', 'flags.ts', 'version.ts', 'janitor.ts'],
  'config.ts': ['flags.ts', 'log.ts', 'xds'],
  'flags.ts': ['log.ts', 'xds'],
  'janitor.ts': ['access.ts', 'admin', 'config.ts', 'log.ts', 'reconcile', 'source', 'version.ts', 'xds'],
  'log.ts': [],
  'version.ts': [],
};

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const full = path.join(dir, entry);
    if (statSync(full).isDirectory()) return filesUnder(full);
    return full.endsWith('.ts') ? [full] : [];
  });
}

/** The folder of src/ a file is in, or the file's own name when it sits at the top of src/. */
function layerOf(file: string): string {
  return path.relative(SRC, file).split(path.sep)[0] ?? '';
}

function relativeImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specifiers = [...text.matchAll(/(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]/g)].map((m) => m[1] ?? '');
  return specifiers.filter((s) => s.startsWith('.'));
}

describe('import direction', () => {
  const files = filesUnder(SRC);
  const layered = files.filter((f) => layerOf(f) in ALLOWED);

  it('every file of src/ is in a layer the rules name', () => {
    expect(files.filter((f) => !(layerOf(f) in ALLOWED)).map((f) => path.relative(SRC, f))).toEqual([]);
    expect(layered.length).toBeGreaterThan(100);
  });

  it.each(Object.keys(ALLOWED))('%s imports only from the layers it reads', (layer) => {
    const offending: string[] = [];
    for (const file of layered.filter((f) => layerOf(f) === layer)) {
      for (const spec of relativeImports(file)) {
        const target = layerOf(path.resolve(path.dirname(file), spec).replace(/\.js$/, '.ts'));
        if (target !== layer && !(ALLOWED[layer] ?? []).includes(target)) {
          offending.push(`${path.relative(SRC, file)} imports ${spec} (${target})`);
        }
      }
    }
    expect(offending).toEqual([]);
  });
});
