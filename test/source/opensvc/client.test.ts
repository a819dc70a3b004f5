// The OpenSVC source against the stand-in daemon over a real unix socket: snapshot, patches, resyncs
// (gap, garbage, apply error, restart, cut message, snapshot race), reconnects, warm-up, idle probe.
import { describe, expect, it } from 'vitest';
import type { Json } from '../../../src/source/opensvc/json.js';
import { deriveClusterState } from '../../../src/source/opensvc/state.js';
import type { FakeDaemon } from '../../support/fake-daemon/index.js';
import { at, clone, delay, fixture, recordedEvents, until, type Recorder } from './helpers.js';
import { CERT, WEB1, edited, routePrefix, sourceHarness } from './harness.js';

describe('OpenSVC source over a real unix socket', () => {
  const { setup, live, follow, logLines } = sourceHarness();

  it('starts with a snapshot equal to the daemon status, then follows patches', async () => {
    const { rec, daemon } = await live();
    expect(rec.events[0]).toEqual({ kind: 'snapshot', state: deriveClusterState(daemon.status()) });
    expect(daemon.requests.slice(0, 2)).toEqual(['events', 'daemon_status']); // subscribe first
    daemon.setStatus(edited(daemon.status(), routePrefix('/live')));
    const change = await rec.next();
    expect(change).toMatchObject({ kind: 'change', services: new Set([WEB1]) });
    expect(change.kind === 'change' && change.state).toEqual(deriveClusterState(daemon.status()));
  });

  it('replaying the recorded stream over the socket: the scenario\'s changes, then the recorded final state', async () => {
    const { rec, daemon } = await live();
    for (const { msg } of recordedEvents()) daemon.emitRaw(msg);
    const expected: [string[], string[]][] = [
      [[WEB1], []], // 43 route#0.match_prefix
      [[WEB1], []], // 45 expose#2 and ip#1.info.expose append
      [[WEB1], []], // 47 ipaddr
      [['test/svc/web2'], []], // 51 created
      [['test/svc/web2'], []], // 58 deleted
      [[], [CERT]], // 60 secret change
      [[WEB1], []], // 65 listener_port write-back
    ];
    for (const [services, secrets] of expected) {
      const event = await rec.next();
      expect(event.kind).toBe('change');
      if (event.kind !== 'change') return;
      expect([[...event.services], [...event.secrets]]).toEqual([services, secrets]);
    }
    const last = rec.events.at(-1);
    expect(last?.kind === 'change' && last.state).toEqual(deriveClusterState(fixture('daemon_status.final.json')));
    await delay(50);
    expect(rec.unseen()).toEqual([]);
    expect(daemon.count('daemon_status')).toBe(1);
  });

  async function expectOneResync(rec: Recorder, daemon: FakeDaemon, before: number, staleFirst = false) {
    if (staleFirst) expect((await rec.next()).kind).toBe('stale');
    const event = await rec.next();
    expect(event.kind).toBe('snapshot');
    expect(event.kind === 'snapshot' && event.state).toEqual(deriveClusterState(daemon.status()));
    await delay(60);
    expect(daemon.count('daemon_status')).toBe(before + 1);
    expect(rec.unseen()).toEqual([]);
    // and it keeps following afterwards
    daemon.setStatus(edited(daemon.status(), routePrefix(`/after-${before}`)));
    expect(await rec.next()).toMatchObject({ kind: 'change', services: new Set([WEB1]) });
  }

  it('a gap in patch ids leads to exactly one resync and the right state', async () => {
    const { rec, daemon } = await live();
    daemon.setStatus(edited(daemon.status(), routePrefix('/first'))); // ids are only known from the first patch on
    await rec.next('change');
    daemon.skipIds(3);
    daemon.setStatus(edited(daemon.status(), routePrefix('/gap')));
    await expectOneResync(rec, daemon, 1);
  });

  it('garbage on the stream leads to exactly one resync', async () => {
    const { rec, daemon } = await live();
    daemon.sendGarbage();
    await expectOneResync(rec, daemon, 1);
  });

  it('a patch that cannot apply leads to exactly one resync', async () => {
    const { rec, daemon } = await live();
    daemon.setStatus(edited(daemon.status(), routePrefix('/one'))); // first patch after a snapshot is lenient
    await rec.next('change');
    daemon.emitPatch([[['monitor', 'nodes', 'vm', 'services', 'status', 'test/svc/none', 'avail'], 'up']], false);
    await expectOneResync(rec, daemon, 1);
  });

  it('a daemon restart (ids back to 1, new status) leads to stale then exactly one resync', async () => {
    const { rec, daemon } = await live();
    await daemon.restart(edited(daemon.status(), routePrefix('/restarted')));
    await expectOneResync(rec, daemon, 1, true);
    expect(daemon.patches.at(-1)?.id).toBe(1);
  });

  it('a message cut mid-way by a dying connection: stale, then a snapshot with what it carried', async () => {
    const { rec, daemon } = await live();
    daemon.dropMidMessage(edited(daemon.status(), routePrefix('/cut')));
    await expectOneResync(rec, daemon, 1, true);
  });

  it('snapshot race: patches already in a late snapshot are re-applied leniently, without a resync loop', async () => {
    const { rec, daemon } = await live();
    daemon.holdStatusReplies(150);
    daemon.sendGarbage();
    await until(() => daemon.count('daemon_status') === 2);
    // while the reply is held, the status changes; the late snapshot includes all of it, so
    // re-applying the route edit (its parent is gone) and the delete (already gone) cannot work
    const statuses = (s: Record<string, unknown>) => at(s, 'monitor', 'nodes', 'vm', 'services', 'status');
    daemon.setStatus(edited(daemon.status(), routePrefix('/gone-soon')));
    daemon.setStatus(edited(daemon.status(), (s) => (statuses(s)['test/svc/web2'] = { kind: 'svc', resources: {} })));
    daemon.setStatus(edited(daemon.status(), (s) => delete at(s, 'monitor', 'nodes', 'vm', 'services', 'status', WEB1, 'resources')['route#0']));
    const event = await rec.next();
    expect(event.kind).toBe('snapshot');
    expect(event.kind === 'snapshot' && event.state).toEqual(deriveClusterState(daemon.status()));
    daemon.holdStatusReplies(0);
    await delay(60);
    expect(daemon.count('daemon_status')).toBe(2);
    expect(rec.unseen()).toEqual([]);
  });

  /** What a 2.1 daemon reports right after a restart (seen live): its node in `init`, no instances yet. */
  function initializingStatus(status: Json): Json {
    return edited(status, (s) => {
      const node = at(s, 'monitor', 'nodes', 'vm');
      node['monitor'] = { status: 'init', status_updated: 1 };
      at(node, 'services')['status'] = {};
    });
  }

  it('a restarting daemon still initializing: held (not an empty snapshot), the complete one once it is ready', async () => {
    const { rec, daemon } = await live();
    const complete = daemon.status();
    await daemon.restart(initializingStatus(complete));
    expect((await rec.next()).kind).toBe('stale');
    const held = await rec.next();
    expect(held).toEqual({ kind: 'held', reason: expect.stringMatching(/withdraw 1 of the 1 services with exposes \(test\/svc\/web1\) while the daemon is not ready \(nodes initializing: vm\)/) });
    await until(() => daemon.subscribers() === 1 && daemon.count('daemon_status') === 2);
    // the sequence a real 2.1 daemon streams next: monitor emptied, own node back in init, objects
    const initNode = clone(at(daemon.status(), 'monitor', 'nodes', 'vm'));
    daemon.emitPatch([[['monitor'], { nodes: {}, services: {} }]]);
    daemon.emitPatch([[['monitor', 'nodes', 'vm'], initNode as Json]]);
    await delay(50);
    expect(rec.unseen()).toEqual([]); // the same reason holds: not said again
    daemon.setStatus(complete);
    const event = await rec.next();
    expect(event).toEqual({ kind: 'snapshot', state: deriveClusterState(complete) });
  });

  it('held, then the daemon goes away again: stale is said again (the hold is not the last word)', async () => {
    const { rec, daemon } = await live();
    await daemon.restart(initializingStatus(daemon.status()));
    expect((await rec.next()).kind).toBe('stale');
    expect((await rec.next()).kind).toBe('held');
    await daemon.stop();
    expect(await rec.next()).toMatchObject({ kind: 'stale', reason: expect.any(String) });
  });

  it('a node stuck in init with its objects loaded: the snapshot is published after warmupMs anyway', async () => {
    const { daemon, source: first } = await live();
    await first.close();
    const stuck = edited(daemon.status(), (s) => (at(s, 'monitor', 'nodes', 'vm')['monitor'] = { status: 'init', status_updated: 1 }));
    await daemon.restart(stuck);
    const { rec: late } = await follow(daemon.socketPath, { warmupMs: 150 });
    await delay(60);
    expect(late.events).toEqual([]); // deferred while the node initializes
    const event = await late.next();
    expect(event).toEqual({ kind: 'snapshot', state: deriveClusterState(stuck) });
  });

  it('a quiet but live stream: the idle probe gets an answer on the stream, nothing else happens', async () => {
    const { rec, daemon, source: first } = await live();
    await first.close();
    daemon.statsNoise(true);
    const { rec: quiet } = await follow(daemon.socketPath, { idleMs: 60 });
    await quiet.next('snapshot');
    const before = daemon.count('daemon_status');
    await delay(400);
    expect(daemon.count('daemon_status')).toBeGreaterThan(before + 2); // probed several times
    expect(daemon.count('events')).toBe(2); // the first source's subscription and this one: no reconnect
    expect(quiet.unseen()).toEqual([]);
    expect(rec.unseen()).toEqual([]);
  });

  it('a hung daemon (stream open, silent): stale after the probe, then a resync on a new subscription', async () => {
    const { daemon, source: first } = await live();
    await first.close();
    const { rec: hung } = await follow(daemon.socketPath, { idleMs: 60 });
    await hung.next('snapshot');
    daemon.muteEvents();
    expect((await hung.next()).kind).toBe('stale');
    expect(await hung.next()).toEqual({ kind: 'snapshot', state: deriveClusterState(daemon.status()) });
    expect(daemon.count('events')).toBe(3);
  });

  it('keeps the last state while the daemon is away, then resyncs when it is back', async () => {
    const { rec, daemon } = await live();
    const before = rec.events[0];
    await daemon.stop();
    const stale = await rec.next();
    expect(stale).toMatchObject({ kind: 'stale', reason: expect.any(String) });
    await delay(250); // several failed reconnect attempts
    expect(rec.unseen()).toEqual([]); // one stale, no empty state
    await daemon.start();
    const back = await rec.next();
    expect(back).toEqual(before);
    expect(rec.events.filter((e) => e.kind === 'stale')).toHaveLength(1);
  });

  it('waits for a daemon that is not there yet: the first event is still a snapshot', async () => {
    const { rec, startDaemon } = await setup({ startDaemon: false });
    await delay(100);
    expect(rec.events).toEqual([]);
    await startDaemon();
    expect((await rec.next()).kind).toBe('snapshot');
    // the operator is told once, at warn level, not once per attempt
    const warned = logLines().filter((l) => l.msg === 'cannot reach the OpenSVC daemon, retrying');
    expect(warned).toHaveLength(1);
    expect(warned[0]).toMatchObject({ level: 40, socket: expect.stringContaining('.sock') });
    expect(logLines().filter((l) => l.msg === 'reconnecting').length).toBeGreaterThan(1);
  });
});
