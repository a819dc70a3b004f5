// Each kind of change, sent by the stand-in daemon over a real unix socket, is reported as exactly
// the affected services (and secrets) — the cases the Python janitor's path matching missed included.
import { afterEach, describe, expect, it } from 'vitest';
import { createOpenSvcSource } from '../../../src/source/opensvc/index.js';
import type { Json } from '../../../src/source/opensvc/json.js';
import type { Stanza } from '../../../src/source/opensvc/patch.js';
import { deriveClusterState } from '../../../src/source/opensvc/state.js';
import type { Source } from '../../../src/source/types.js';
import { startFakeDaemon, type FakeDaemon } from '../../support/fake-daemon/index.js';
import { at, clone, fixture, recordedPatch, recorder, tempSocket } from './helpers.js';

const WEB1 = 'test/svc/web1';
const CERT = 'test/sec/web1-front-cert';

/** Initial recording plus a second node `vm2` carrying the same instances, and a scaler `test/svc/web`. */
function twoNodeStatus(): Json {
  const status = clone(fixture('daemon_status.initial.json')) as Record<string, unknown>;
  const nodes = at(status, 'monitor', 'nodes');
  nodes['vm2'] = clone(nodes['vm']);
  const slave = (i: number) => ({
    kind: 'svc', avail: 'up', scaler_slave: true,
    resources: { 'ip#1': { status: 'up', type: 'ip', label: `10.0.0.${i}`, info: { ipaddr: `10.0.0.${i}`, expose: ['expose#0'] } } },
  });
  const statuses = at(status, 'monitor', 'nodes', 'vm', 'services', 'status');
  statuses['test/svc/web'] = { kind: 'svc', avail: 'up', scaler_slaves: ['0.web', '1.web'], resources: {} };
  statuses['test/svc/0.web'] = slave(0);
  statuses['test/svc/1.web'] = slave(1);
  Object.assign(at(status, 'monitor', 'services'), { 'test/svc/web': {}, 'test/svc/0.web': {}, 'test/svc/1.web': {} });
  return status as Json;
}

describe('change detection over a real unix socket', () => {
  let fake: FakeDaemon | undefined;
  let source: Source | undefined;
  let cleanup: (() => void) | undefined;
  afterEach(async () => {
    await source?.close();
    await fake?.close();
    cleanup?.();
  });

  async function follow() {
    const sock = tempSocket();
    cleanup = sock.cleanup;
    fake = await startFakeDaemon({ socketPath: sock.path, status: twoNodeStatus() });
    const rec = recorder();
    source = createOpenSvcSource({ socketPath: sock.path, backoff: { minMs: 10, maxMs: 100 } });
    await source.start(rec.push);
    const snapshot = await rec.next();
    expect(snapshot.kind).toBe('snapshot');
    const daemon = fake;
    /** Edit a copy of the daemon's status, let it emit the diff, return the next source event. */
    async function edit(mutate: (status: Record<string, unknown>) => void) {
      const next = clone(daemon.status()) as Record<string, unknown>;
      mutate(next);
      expect(daemon.setStatus(next)).toBeDefined();
      return rec.next();
    }
    async function expectChange(event: Awaited<ReturnType<typeof rec.next>>, services: string[], secrets: string[] = []) {
      expect(event.kind).toBe('change');
      if (event.kind !== 'change') return;
      expect([...event.services].sort()).toEqual(services.sort());
      expect([...event.secrets].sort()).toEqual(secrets.sort());
      expect(event.state).toEqual(deriveClusterState(daemon.status()));
    }
    return { rec, daemon, edit, expectChange };
  }

  const res = (s: Record<string, unknown>, node: string, path: string, ...rest: string[]) =>
    at(s, 'monitor', 'nodes', node, 'services', 'status', path, 'resources', ...rest);

  it('resource info edit, new resource, expose list append and edit, ipaddr change', async () => {
    const { edit, expectChange } = await follow();
    await expectChange(await edit((s) => (res(s, 'vm', WEB1, 'route#0', 'info')['match_prefix'] = '/live')), [WEB1]);
    await expectChange(
      await edit((s) => (res(s, 'vm2', WEB1)['expose#2'] = { status: 'n/a', type: 'expose.envoy', label: 'x', info: { port: 22, listener_port: 0 } })),
      [WEB1],
    );
    await expectChange(await edit((s) => (res(s, 'vm', WEB1, 'ip#1', 'info')['expose'] as string[]).push('expose#2')), [WEB1]);
    await expectChange(await edit((s) => ((res(s, 'vm', WEB1, 'ip#1', 'info')['expose'] as string[])[0] = 'expose#9')), [WEB1]);
    await expectChange(await edit((s) => (res(s, 'vm2', WEB1, 'ip#1', 'info')['ipaddr'] = '127.0.0.12')), [WEB1]);
  });

  it('instance add and delete, node removal, null node and its return', async () => {
    const { edit, expectChange, daemon, rec } = await follow();
    const web2 = { kind: 'svc', avail: 'down', resources: { 'expose#0': { status: 'n/a', type: 'expose.envoy', info: { port: 6379 } } } };
    await expectChange(await edit((s) => (at(s, 'monitor', 'nodes', 'vm2', 'services', 'status')['test/svc/web2'] = web2)), ['test/svc/web2']);
    await expectChange(await edit((s) => delete at(s, 'monitor', 'nodes', 'vm2', 'services', 'status')['test/svc/web2']), ['test/svc/web2']);
    const vm2 = clone(at(daemon.status(), 'monitor', 'nodes', 'vm2'));
    const onVm2 = ['cluster', WEB1, CERT];
    await expectChange(await edit((s) => delete at(s, 'monitor', 'nodes')['vm2']), onVm2);
    await expectChange(await edit((s) => (at(s, 'monitor', 'nodes')['vm2'] = vm2)), onVm2);
    daemon.emitPatch([[['monitor', 'nodes', 'vm2'], null]]); // a peer's journal head deletion
    await expectChange(await rec.next(), onVm2);
    await expectChange(await edit((s) => (at(s, 'monitor', 'nodes')['vm2'] = vm2)), onVm2);
  });

  it('a scaler slave change is reported as its scaler', async () => {
    const { edit, expectChange } = await follow();
    await expectChange(await edit((s) => (res(s, 'vm', 'test/svc/1.web', 'ip#1', 'info')['ipaddr'] = '10.0.0.9')), ['test/svc/web']);
  });

  it('secret change (recorded patch 60 shape), secret status touch, new secret object', async () => {
    const { expectChange, daemon, rec, edit } = await follow();
    daemon.emitPatch(recordedPatch(49).data as Stanza[], false); // only the secret's status.updated: nothing
    daemon.emitPatch(recordedPatch(60).data as Stanza[], false);
    const event = await rec.next();
    expect(event).toMatchObject({ kind: 'change' });
    if (event.kind === 'change') {
      expect([...event.services]).toEqual([]);
      expect([...event.secrets]).toEqual([CERT]);
    }
    const sec = { updated: 1, kind: 'sec', monitor: { status: 'idle' } };
    await expectChange(
      await edit((s) => {
        at(s, 'monitor', 'nodes', 'vm', 'services', 'status')['test/sec/other'] = sec;
        at(s, 'monitor', 'services')['test/sec/other'] = {};
      }),
      ['test/sec/other'],
      ['test/sec/other'],
    );
  });

  it('listener.stats noise and other non-monitor patches give nothing', async () => {
    const { edit, expectChange, daemon, rec } = await follow();
    for (const id of [39, 40, 41, 42, 44, 52]) daemon.emitPatch(recordedPatch(id).data as Stanza[], false);
    daemon.emitPatch([[['monitor', 'transitions'], 3], [['monitor', 'nodes', 'vm', 'stats', 'score'], 12]]);
    await expectChange(await edit((s) => (res(s, 'vm', WEB1, 'route#1', 'info')['match_prefix'] = '/x')), [WEB1]);
    expect(rec.events.map((e) => e.kind)).toEqual(['snapshot', 'change']);
  });
});
