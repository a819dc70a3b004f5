// Following the daemon's status over one events subscription: snapshot, patches, resyncs.
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
// A daemon that has just started is not ready (seen live on 2.1): its status shows its own node with
// `monitor.status: "init"` and no objects, then its first patch replaces `monitor` with
// `{"nodes": {}, "services": {}}`, then the node comes back in `init`, objects appear, and
// the node turns `rejoin`/`idle`. Publishing any of that would empty the gateway, so the snapshot is
// deferred, patches still applied, until at least one node is known and none is in `init`, or until
// `warmupMs` has passed (then it is published anyway, with a warning).
//
// Only stanzas under `monitor` are applied: the rest (listener.stats, scheduler, …) is noise for the
// janitor, skipped without copying anything; its ids are still tracked.
import type { Logger } from 'pino';
import type { ClusterState, SourceEvent } from '../types.js';
import { computeChange } from './changes.js';
import { dig, field, isObject, type Json } from './json.js';
import { applyPatch, parseStanzas, stanzaUnder, type Stanza } from './patch.js';
import { deriveClusterState, liveNodes } from './state.js';

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
  /** Longest wait for initializing nodes before a snapshot is published anyway (ms). */
  readonly warmupMs: number;
}

export interface Follower {
  /** A new events subscription is open: forget ids and resync. */
  connected(): void;
  /** The subscription ended: ignore what is in flight. */
  disconnected(): void;
  onMessage(text: string): void;
  current(): ClusterState | undefined;
}

export function createFollower(hooks: FollowerHooks): Follower {
  let raw: Json | undefined;
  let cluster: ClusterState | undefined;
  let lastId: number | undefined;
  let syncing = false;
  let again = false;
  let lenientNext = false;
  let buffer: Patch[] = [];
  let generation = 0;
  let warming: NodeJS.Timeout | undefined;

  /** Why this status is not worth publishing yet, or undefined when it is. */
  function notReady(status: Json): string | undefined {
    const nodes = liveNodes(status);
    if (nodes.length === 0) return 'no node known yet';
    const init = nodes.filter(([, node]) => dig(node, ['monitor', 'status']) === 'init').map(([name]) => name);
    return init.length > 0 ? `nodes initializing: ${init.join(', ')}` : undefined;
  }

  function publish(): void {
    stopWarming();
    if (raw === undefined) return;
    cluster = deriveClusterState(raw);
    hooks.log.info({ services: cluster.services.size }, 'snapshot');
    hooks.emit({ kind: 'snapshot', state: cluster });
  }

  function stopWarming(): void {
    if (warming) clearTimeout(warming);
    warming = undefined;
  }

  function resync(reason: string, pending: Patch[]): void {
    hooks.log.info({ reason }, 'fetching the daemon status');
    syncing = true;
    again = false;
    buffer = pending;
    const mine = ++generation;
    hooks.fetchStatus().then(
      (reply) => mine === generation && finishSync(reply),
      (err: unknown) => mine === generation && abort(err instanceof Error ? err.message : String(err)),
    );
  }

  function abort(reason: string): void {
    syncing = false;
    generation++;
    hooks.fail(`daemon_status failed: ${reason}`);
  }

  function finishSync(reply: unknown): void {
    if (!isObject(field(reply, 'monitor'))) return abort(`not a daemon status (status ${String(field(reply, 'status'))})`);
    let next = reply as Json;
    let skipped = 0;
    for (const patch of buffer) {
      const result = applyPatch(next, patch.stanzas, { lenient: true });
      if (result.ok) {
        next = result.state;
        skipped += result.skipped;
      }
    }
    raw = next;
    syncing = false;
    lenientNext = true;
    hooks.log.debug({ buffered: buffer.length, skipped }, 'daemon status fetched');
    buffer = [];
    const waiting = notReady(next);
    if (waiting && !warming) {
      hooks.log.info({ why: waiting, maxMs: hooks.warmupMs }, 'daemon not ready: snapshot deferred');
      warming = setTimeout(() => {
        hooks.log.warn({ why: notReady(raw ?? null) }, 'daemon still not ready: publishing the snapshot anyway');
        publish();
      }, hooks.warmupMs);
    } else if (!waiting) {
      publish();
    }
    if (again) resync('changes during the last resync', []);
  }

  function onPatch(patch: Patch): void {
    const gap = lastId !== undefined && patch.id !== lastId + 1;
    if (gap) hooks.log.warn({ expected: (lastId ?? 0) + 1, got: patch.id }, 'gap in patch ids');
    lastId = patch.id;
    if (syncing) {
      buffer.push(patch);
      again ||= gap;
      return;
    }
    if (gap || raw === undefined) return resync('gap in patch ids', [patch]);
    if (patch.stanzas.length === 0) return;
    const result = applyPatch(raw, patch.stanzas, { lenient: lenientNext });
    lenientNext = false;
    if (!result.ok) {
      hooks.log.warn({ id: patch.id, stanza: result.stanza, err: result.error }, 'patch does not apply');
      return resync('patch apply error', []);
    }
    if (warming || cluster === undefined) {
      raw = result.state;
      if (!notReady(raw)) publish();
      return;
    }
    const change = computeChange(cluster, raw, result.state, patch.stanzas);
    raw = result.state;
    cluster = change.state;
    if (change.services.size === 0 && change.secrets.size === 0) return;
    hooks.emit({ kind: 'change', state: change.state, services: change.services, secrets: change.secrets });
  }

  function garbage(why: string): void {
    hooks.log.warn({ why }, 'unreadable message on the events stream');
    if (syncing) again = true;
    else resync('garbage on the events stream', []);
  }

  return {
    connected() {
      lastId = undefined;
      resync('connected', []);
    },
    disconnected() {
      stopWarming();
      generation++;
      syncing = false;
      buffer = [];
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
  };
}
