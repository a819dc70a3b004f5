// Compiling ahead of the step (src/pipeline/ahead.ts): a service compiled ahead gives the step the
// same units it would compile itself, the step takes a result only for the content it was compiled
// from, and a service the step would not compile (unchanged) is not compiled ahead.
import { describe, expect, it } from 'vitest';
import { compileAhead, createPipelineState, step, type Ahead } from '../../src/pipeline/index.js';
import { CONFIG, changeSetText, fileCluster, secretEntry } from './support/gateway.js';
import { l4, SECRETS, svc, web } from './support/specs.js';

const secrets = (p: string) => (SECRETS[p] === undefined ? undefined : secretEntry(SECRETS[p]));

const SERVICES = {
  'test/svc/a': svc('10.0.0.1', l4(0, 9000), web(1, { domains: ['a.org'], tls: {} })),
  'test/svc/b': svc('10.0.0.2', web(0, { domains: ['b.org'], routes: [{ match_prefix: '/' }, { match_path: '/x' }] })),
  'test/svc/c': svc('10.0.0.3', l4(0, 9001)),
};

describe('compiling ahead', () => {
  it('gives the step the units it would compile itself: the same change set, every service taken', () => {
    const cluster = fileCluster(SERVICES);
    const paths = Object.keys(SERVICES);
    const alone = step(createPipelineState(CONFIG), { cluster, changed: paths, secrets });
    const state = createPipelineState(CONFIG);
    const ahead = new Map(paths.map((p) => [p, compileAhead(state, cluster, p, secrets)] as const));
    const asked = new Set<string>();
    const withAhead = step(state, {
      cluster,
      changed: paths,
      secrets,
      ahead: (path) => {
        asked.add(path);
        return ahead.get(path);
      },
    });
    expect(changeSetText(withAhead.changeSet)).toEqual(changeSetText(alone.changeSet));
    expect([...asked].sort()).toEqual(paths.sort());
    // the units served are the ones compiled ahead
    for (const p of paths) {
      const a = ahead.get(p);
      expect(a?.compiled.ok && [...a.compiled.units.values()].every((u) => withAhead.state.core.services.get(p)?.served.get(u.rid) === u)).toBe(true);
    }
  });

  it('a result for other content is not taken, and an unchanged service is not compiled ahead', () => {
    const before = fileCluster(SERVICES);
    const first = step(createPipelineState(CONFIG), { cluster: before, changed: Object.keys(SERVICES), secrets });
    const stale: Ahead | undefined = compileAhead(first.state, fileCluster({ ...SERVICES, 'test/svc/c': svc('10.0.0.3', l4(0, 9002)) }), 'test/svc/c', secrets);
    expect(stale).toBeDefined();
    expect(compileAhead(first.state, before, 'test/svc/a', secrets)).toBeUndefined();
    const after = fileCluster({ ...SERVICES, 'test/svc/c': svc('10.0.0.3', l4(0, 9003)) });
    const next = step(first.state, { cluster: after, changed: ['test/svc/c'], secrets, ahead: (path) => (path === 'test/svc/c' ? stale : undefined) });
    const served = [...(next.state.core.services.get('test/svc/c')?.served.values() ?? [])];
    expect(served.length).toBe(1);
    expect(stale?.compiled.ok && [...stale.compiled.units.values()].includes(served[0] as never)).toBe(false);
    expect(changeSetText(next.changeSet).join('\n')).toContain('9003');
    expect(changeSetText(next.changeSet).join('\n')).not.toContain('9002');
  });
});
