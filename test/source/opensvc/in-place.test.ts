// The follower against a reference: any sequence of daemon status edits, streamed as the 2.1 daemon
// diffs them, applied in place, leaves the published ClusterState equal to the state derived from
// the daemon's status; each change event names exactly the services whose state changed; a service
// that did not change keeps its ServiceState object, and a ServiceState handed out never changes.
import fc from 'fast-check';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { createFollower } from '../../../src/source/opensvc/follower.js';
import type { Json } from '../../../src/source/opensvc/json.js';
import { deriveClusterState, sameService } from '../../../src/source/opensvc/state.js';
import type { ServiceState, SourceEvent } from '../../../src/source/types.js';
import { journaledDiff } from '../../support/fake-daemon/diff.js';

type Status = { monitor: { nodes: Record<string, { monitor: { status: string }; services: { status: Record<string, unknown>; config: Record<string, unknown> } }>; services: Record<string, unknown> } };

const NODES = ['n1', 'n2'];
const PATHS = ['ns/svc/a', 'ns/svc/b', 'ns/svc/c', 'ns/svc/d', 'ns/sec/cert'];

function instance(port: number, ip: string) {
  return {
    avail: 'up',
    resources: {
      'ip#0': { type: 'ip', status: 'up', info: { ipaddr: ip, expose: ['expose#0'] } },
      'expose#0': { type: 'expose.envoy', status: 'n/a', info: { port, listener_port: 8000 + port } },
    },
  };
}

function base(): Status {
  const nodes: Status['monitor']['nodes'] = {};
  for (const n of NODES) {
    const status: Record<string, unknown> = {};
    const config: Record<string, unknown> = {};
    for (const p of PATHS.slice(0, 3)) {
      status[p] = instance(80, `10.0.0.${n === 'n1' ? 1 : 2}`);
      config[p] = { updated: 1, csum: 'a' };
    }
    nodes[n] = { monitor: { status: 'idle' }, services: { status, config } };
  }
  return { monitor: { nodes, services: Object.fromEntries(PATHS.slice(0, 3).map((p) => [p, {}])) } };
}

type Edit = { kind: 'port' | 'ip' | 'drop' | 'add' | 'shell' | 'unlist' | 'secret' | 'expose list' | 'node'; node: number; path: number; n: number };

function edit(status: Status, e: Edit): Status {
  const next = structuredClone(status);
  if (e.kind === 'node') {
    // the second node goes away whole, or comes back whole (a node joining with its instances)
    if (next.monitor.nodes['n2']) delete next.monitor.nodes['n2'];
    else next.monitor.nodes['n2'] = base().monitor.nodes['n2'] as Status['monitor']['nodes'][string];
    return next;
  }
  const node = next.monitor.nodes[NODES[e.node % NODES.length] as string];
  const path = PATHS[e.path % PATHS.length] as string;
  if (!node) return next;
  const inst = node.services.status[path] as Partial<ReturnType<typeof instance>> | undefined;
  const resources = inst?.resources;
  if (e.kind === 'port' && resources) resources['expose#0'].info.port = e.n;
  if (e.kind === 'ip' && resources) resources['ip#0'].info.ipaddr = `10.1.0.${e.n % 250}`;
  if (e.kind === 'expose list' && resources) resources['ip#0'].info.expose = e.n % 2 === 0 ? [] : ['expose#0'];
  if (e.kind === 'drop') {
    delete node.services.status[path];
    delete node.services.config[path];
  }
  if (e.kind === 'add') {
    node.services.status[path] = path.includes('/sec/') ? { kind: 'sec' } : instance(e.n, '10.2.0.1');
    node.services.config[path] = { updated: e.n, csum: 'b' };
    next.monitor.services[path] = {};
  }
  if (e.kind === 'shell') node.services.status[path] = { monitor: { status: 'idle' } };
  if (e.kind === 'unlist') delete next.monitor.services[path];
  if (e.kind === 'secret' && node.services.config[path]) node.services.config[path] = { updated: e.n + 1000, csum: `c${e.n}` };
  return next;
}

const edits = fc.array(
  fc.record({ kind: fc.constantFrom<Edit['kind']>('port', 'ip', 'drop', 'add', 'shell', 'unlist', 'secret', 'expose list', 'node'), node: fc.nat(3), path: fc.nat(10), n: fc.integer({ min: 1, max: 200 }) }),
  { maxLength: 30 },
);

describe('the follower applies patches in place, against a reference', () => {
  it('published state = the daemon status derived; changes name exactly what changed; untouched services keep their objects', async () => {
    await fc.assert(
      fc.asyncProperty(edits, async (sequence) => {
        let status = base();
        const events: SourceEvent[] = [];
        const follower = createFollower({ emit: (e) => events.push(e), fetchStatus: async () => structuredClone(status), fail: (r) => expect.fail(r), log: pino({ level: 'silent' }), warmupMs: 10 });
        follower.connected();
        await new Promise((resolve) => setImmediate(resolve));
        expect(events.map((e) => e.kind)).toEqual(['snapshot']);
        const handedOut: [ServiceState, string][] = [];
        let id = 0;
        for (const e of sequence) {
          const next = edit(status, e);
          const before = deriveClusterState(status as unknown as Json);
          const after = deriveClusterState(next as unknown as Json);
          const live = follower.current();
          const kept = new Map(live?.services);
          for (const s of kept.values()) handedOut.push([s, JSON.stringify(s)]);
          const stanzas = journaledDiff(status as unknown as Json, next as unknown as Json);
          status = next;
          events.length = 0;
          if (stanzas.length > 0) follower.onMessage(JSON.stringify({ kind: 'patch', id: ++id, data: stanzas }));
          expect(follower.current()?.services).toEqual(after.services);
          const changed = new Set([...new Set([...before.services.keys(), ...after.services.keys()])].filter((p) => !sameService(before.services.get(p), after.services.get(p))));
          const change = events.find((x) => x.kind === 'change');
          const secretsChanged = change?.kind === 'change' ? change.secrets : new Set<string>();
          expect(change?.kind === 'change' ? change.services : new Set()).toEqual(changed);
          for (const p of secretsChanged) expect(p).toMatch(/\/sec\//);
          for (const [p, s] of kept) if (!changed.has(p)) expect(follower.current()?.services.get(p)).toBe(s);
        }
        for (const [s, text] of handedOut) expect(JSON.stringify(s)).toBe(text); // never changed after being handed out
        follower.disconnected();
      }),
      { numRuns: 200 },
    );
  });
});
