// Following the daemon's status over one events subscription: snapshot, patches, resyncs, checks.
//
// Rules: a full resync (daemon_status again, then a `snapshot` event) after every (re)connect, after a
// gap in patch ids, after a patch that cannot be applied, and after garbage on the stream.
//
// The snapshot race: daemon_status carries no patch id, and the daemon coalesces stanzas (they are in
// its data before they are emitted), so a patch received around the snapshot may already be in it.
// Our choice: subscribe first, buffer the patches that arrive while daemon_status is in flight, then
// apply them on the snapshot *leniently* (a stanza that cannot be applied, e.g. deleting a key already
// gone, is skipped: it is in the snapshot); the first patch after the snapshot is applied leniently
// too (it may carry coalesced stanzas from before it). Every later patch is strict: an error resyncs.
// Re-applied sets are idempotent, so the state converges; a gap inside the buffer resyncs again.
//
// A fresh status is not published at once when the daemon is not ready or when it would withdraw
// most of what is published: gate.ts decides (warm-up, hold, confirmation). Meanwhile patches are
// applied to the fresh status, and nothing is emitted but `held` with its reason.
//
// Patches are applied in place (patch.ts) and the published ClusterState is updated in place: only
// the services a patch changed get a new ServiceState (changes.ts), so a patch costs what it touches.
//
// Anti-entropy (verify): a fresh daemon_status compared with the followed state, each difference
// logged, counted and repaired (verify.ts), then announced as one `change`. Objects touched by a patch
// while the status was in flight are left out: they are moving, the next check sees them.
//
// Only stanzas under `monitor` are applied: the rest (listener.stats, scheduler, …) is noise for the
// janitor, skipped without copying anything; its ids are still tracked.
import type { Logger } from 'pino';
import type { ClusterState, SourceCounter, SourceEvent, VerifyResult } from '../types.js';
import { applyTracked, computeChange, emptyTouched } from './changes.js';
import { createGate } from './gate.js';
import { field, isObject, type Json } from './json.js';
import { applyPatch, parseStanzas, stanzaUnder, type JsonDocument, type Stanza } from './patch.js';
import type { LiveClusterState } from './state.js';
import { checkAgainst } from './verify.js';

interface Patch {
  readonly id: number;
  readonly stanzas: Stanza[];
}

export interface FollowerHooks {
  readonly emit: (event: SourceEvent) => void;
  readonly fetchStatus: () => Promise<unknown>;
  /** The snapshot could not be fetched: the connection is to be dropped and retried. */
  readonly fail: (reason: string) => void;
  readonly log: Logger;
  /** Longest wait for initializing nodes before a snapshot that withdraws little is published anyway (ms). */
  readonly warmupMs: number;
  /** Delay before a doubtful snapshot from a ready daemon is fetched again to confirm it (ms, default 5 s). */
  readonly confirmMs?: number;
  /** Counts resyncs, held snapshots and anti-entropy findings. */
  readonly count?: (counter: SourceCounter, n?: number) => void;
}

export interface Follower {
  /** A new events subscription is open: forget ids and resync. */
  connected(): void;
  /** The subscription ended: ignore what is in flight. */
  disconnected(): void;
  onMessage(text: string): void;
  /** The published state (a live view), undefined before the first snapshot. */
  current(): ClusterState | undefined;
  /** Compare the followed state with a fresh daemon status; repair and announce what differs. */
  verify(): Promise<VerifyResult>;
}

type Phase = 'idle' | 'syncing' | 'pending' | 'following';

export function createFollower(hooks: FollowerHooks): Follower {
  const count = hooks.count ?? (() => undefined);
  let doc: JsonDocument | undefined;
  let cluster: LiveClusterState | undefined;
  let phase: Phase = 'idle';
  let lastId: number | undefined;
  let again = false;
  let lenientNext = false;
  let buffer: Patch[] = [];
  let generation = 0;
  let fetched = false;
  let heldReason: string | undefined;
  let verifying: { readonly touched: Set<string>; readonly result: Promise<VerifyResult> } | undefined;

  const gate = createGate({
    log: hooks.log,
    warmupMs: hooks.warmupMs,
    confirmMs: hooks.confirmMs ?? 5000,
    raw: () => doc?.root ?? null,
    published: () => cluster,
    publish,
    hold,
    refetch: (reason) => resync(reason, []),
  });

  function publish(state: LiveClusterState): void {
    cluster = state;
    phase = 'following';
    heldReason = undefined;
    hooks.log.info({ services: state.services.size }, 'snapshot');
    hooks.emit({ kind: 'snapshot', state });
  }

  function hold(reason: string): void {
    if (reason === heldReason) return;
    if (heldReason === undefined) count('heldSnapshots');
    heldReason = reason;
    hooks.log.warn({ reason }, 'snapshot held');
    hooks.emit({ kind: 'held', reason });
  }

  function resync(reason: string, pending: Patch[]): void {
    hooks.log.info({ reason }, 'fetching the daemon status');
    if (fetched) count('resyncs');
    fetched = true;
    phase = 'syncing';
    again = false;
    buffer = pending;
    const mine = ++generation;
    hooks.fetchStatus().then(
      (reply) => mine === generation && finishSync(reply),
      (err: unknown) => mine === generation && abort(err instanceof Error ? err.message : String(err)),
    );
  }

  function abort(reason: string): void {
    phase = 'idle';
    generation++;
    hooks.fail(`daemon_status failed: ${reason}`);
  }

  function finishSync(reply: unknown): void {
    if (!isObject(field(reply, 'monitor'))) return abort(`not a daemon status (status ${String(field(reply, 'status'))})`);
    const next: JsonDocument = { root: reply as Json };
    let skipped = 0;
    for (const patch of buffer) {
      const result = applyPatch(next, patch.stanzas, { lenient: true });
      if (result.ok) skipped += result.skipped;
    }
    hooks.log.debug({ buffered: buffer.length, skipped }, 'daemon status fetched');
    doc = next;
    phase = 'pending';
    lenientNext = true;
    buffer = [];
    gate.offer();
    if (again) resync('changes during the last resync', []);
  }

  function onPatch(patch: Patch): void {
    const gap = lastId !== undefined && patch.id !== lastId + 1;
    if (gap) hooks.log.warn({ expected: (lastId ?? 0) + 1, got: patch.id }, 'gap in patch ids');
    lastId = patch.id;
    if (phase === 'syncing') {
      buffer.push(patch);
      again ||= gap;
      return;
    }
    if (gap || doc === undefined || phase === 'idle') return resync('gap in patch ids', [patch]);
    if (patch.stanzas.length === 0) return;
    const lenient = lenientNext;
    lenientNext = false;
    if (phase === 'following' && cluster) return follow(doc, cluster, patch, lenient);
    const result = applyPatch(doc, patch.stanzas, { lenient });
    if (result.ok) gate.patched();
    else applyError(patch, result);
  }

  function follow(current: JsonDocument, live: LiveClusterState, patch: Patch, lenient: boolean): void {
    const touched = emptyTouched();
    const result = applyTracked(current, patch.stanzas, touched, lenient);
    if (!result.ok) return applyError(patch, result);
    const change = computeChange(live, current.root, touched);
    for (const path of verifying ? change.touched : []) verifying?.touched.add(path);
    if (change.services.size > 0 || change.secrets.size > 0) hooks.emit({ kind: 'change', state: live, services: change.services, secrets: change.secrets });
  }

  function applyError(patch: Patch, failed: { readonly error: string; readonly stanza: number }): void {
    hooks.log.warn({ id: patch.id, stanza: failed.stanza, err: failed.error }, 'patch does not apply');
    resync('patch apply error', []);
  }

  function garbage(why: string): void {
    hooks.log.warn({ why }, 'unreadable message on the events stream');
    if (phase === 'syncing') again = true;
    else resync('garbage on the events stream', []);
  }

  function verify(): Promise<VerifyResult> {
    if (phase !== 'following') return Promise.resolve({ checked: false, differences: 0, reason: `not following the daemon (${phase})` });
    if (verifying) return verifying.result;
    const mine = generation;
    const touched = new Set<string>();
    const result = hooks
      .fetchStatus()
      .then(
        (reply) => check(mine, touched, reply),
        (err: unknown): VerifyResult => ({ checked: false, differences: 0, reason: `daemon_status failed: ${err instanceof Error ? err.message : String(err)}` }),
      )
      .finally(() => (verifying = undefined));
    verifying = { touched, result };
    return result;
  }

  function check(mine: number, touched: ReadonlySet<string>, reply: unknown): VerifyResult {
    if (mine !== generation || phase !== 'following' || !doc || !cluster) return { checked: false, differences: 0, reason: 'resynced meanwhile' };
    if (!isObject(field(reply, 'monitor'))) return { checked: false, differences: 0, reason: 'not a daemon status' };
    count('antiEntropyChecks');
    const outcome = checkAgainst(doc, cluster, reply as Json, touched, hooks.log);
    if (outcome.kind === 'nodes differ') {
      count('antiEntropyRepairs');
      resync('anti-entropy: nodes differ', []);
      return { checked: true, differences: 1 };
    }
    const { differences, change } = outcome;
    if (differences === 0) return { checked: true, differences };
    count('antiEntropyRepairs', differences);
    lenientNext = true; // a patch already in the fresh status may still be on its way
    if (change && (change.services.size > 0 || change.secrets.size > 0)) hooks.emit({ kind: 'change', state: cluster, services: change.services, secrets: change.secrets });
    return { checked: true, differences };
  }

  return {
    connected() {
      lastId = undefined;
      resync('connected', []);
    },
    disconnected() {
      gate.reset();
      generation++;
      phase = 'idle';
      buffer = [];
      heldReason = undefined;
    },
    onMessage(text) {
      let message: unknown;
      try {
        message = JSON.parse(text);
      } catch {
        return garbage('not JSON');
      }
      if (!isObject(message)) return garbage('not an object');
      if (message['kind'] !== 'patch') return; // named daemon events: not needed, the patches say it all
      const id = message['id'];
      const stanzas = parseStanzas(message['data']);
      if (typeof id !== 'number' || !Number.isInteger(id)) return garbage('patch without an id');
      if (typeof stanzas === 'string') return garbage(stanzas);
      onPatch({ id, stanzas: stanzas.filter((stanza) => stanzaUnder(stanza, 'monitor')) });
    },
    current: () => cluster,
    verify,
  };
}
