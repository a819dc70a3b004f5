// When a fresh daemon status is published. A (re)starting daemon is not believed when it suddenly
// says "nothing" (issue seen live: a restart whose node stayed in `init` longer than the warm-up
// published an empty cluster, and every listener was withdrawn).
//
// A snapshot is doubtful when it would withdraw more than half of the services with exposes that
// are published now (a service with an expose that is absent, or has no expose left, is withdrawn),
// or, with nothing published yet, when it holds no service with an expose at all. Then:
//   - while a node is initializing (or none is known), it is held: nothing is published, however
//     long that lasts; once every node has left `init`, the daemon's word is taken (confirmed);
//   - from a ready daemon, it is held and the status fetched again `confirmMs` later; published if
//     the second one withdraws the same services, else the second one is judged the same way.
// Held means: the last published state stays as it is, and a `held` event says why.
//
// A snapshot that is not doubtful is published at once when the daemon is ready, else once its nodes
// leave `init`, or after `warmupMs` anyway (the daemon's own objects may be slow to load).
import type { Logger } from 'pino';
import { doubtAbout } from '../doubt.js';
import type { ClusterState } from '../types.js';
import { dig, type Json } from './json.js';
import { deriveClusterState, liveNodes, type LiveClusterState } from './state.js';

/** Why this status is not worth publishing yet (no node known, nodes initializing), or undefined when it is. */
export function notReady(status: Json): string | undefined {
  const nodes = liveNodes(status);
  if (nodes.length === 0) return 'no node known yet';
  const init = nodes.filter(([, node]) => dig(node, ['monitor', 'status']) === 'init').map(([name]) => name);
  return init.length > 0 ? `nodes initializing: ${init.join(', ')}` : undefined;
}

export interface GateHooks {
  readonly log: Logger;
  readonly warmupMs: number;
  readonly confirmMs: number;
  /** The raw status as it is now (fetched, then patched). */
  readonly raw: () => Json;
  /** What is published now. */
  readonly published: () => ClusterState | undefined;
  readonly publish: (state: LiveClusterState) => void;
  readonly hold: (reason: string) => void;
  /** Fetch the daemon status again (then offer it again). */
  readonly refetch: (reason: string) => void;
}

export interface Gate {
  /** A fresh status is there (raw): publish it, or wait, or hold it. */
  offer(): void;
  /** A patch was applied to the status not published yet. */
  patched(): void;
  /** The status went away (published, lost, closed): stop waiting, forget the evidence. */
  reset(): void;
}

export function createGate(h: GateHooks): Gate {
  let warming: NodeJS.Timeout | undefined;
  let confirming: NodeJS.Timeout | undefined;
  let waiting: string | undefined;
  let warmedUp = false;
  let sawInit = false;
  let firstRound: readonly string[] | undefined;

  function clearTimers(): void {
    clearTimeout(warming);
    clearTimeout(confirming);
    warming = undefined;
    confirming = undefined;
  }

  function reset(): void {
    clearTimers();
    waiting = undefined;
    warmedUp = false;
    sawInit = false;
    firstRound = undefined;
  }

  function publish(state: LiveClusterState, why?: string): void {
    if (why) h.log.info({ services: state.services.size }, why);
    reset();
    h.publish(state);
  }

  function decide(): void {
    waiting = notReady(h.raw());
    const candidate = deriveClusterState(h.raw());
    const doubt = doubtAbout(h.published(), candidate, 'the daemon status');
    if (!doubt) {
      if (!waiting) return publish(candidate);
      if (warmedUp) {
        h.log.warn({ why: waiting }, 'daemon still not ready: publishing the snapshot anyway');
        return publish(candidate);
      }
      if (!warming) {
        h.log.info({ why: waiting, maxMs: h.warmupMs }, 'daemon not ready: snapshot deferred');
        warming = setTimeout(() => {
          warmedUp = true;
          decide();
        }, h.warmupMs);
      }
      return;
    }
    if (waiting) {
      sawInit = true;
      return h.hold(`${doubt.reason} while the daemon is not ready (${waiting}): the last state is kept until it is`);
    }
    if (sawInit) return publish(candidate, 'the daemon left init: its snapshot is confirmed');
    if (firstRound && sameList(firstRound, doubt.withdrawn)) return publish(candidate, 'a second daemon status agrees: its snapshot is confirmed');
    firstRound = doubt.withdrawn;
    h.hold(`${doubt.reason}: the last state is kept, the daemon status is fetched again in ${h.confirmMs} ms to confirm`);
    clearTimeout(confirming);
    confirming = setTimeout(() => {
      confirming = undefined;
      h.refetch('confirming a snapshot that withdraws most services');
    }, h.confirmMs);
  }

  return {
    offer() {
      // the warm-up runs on across resyncs (a gap while warming must not restart it)
      clearTimeout(confirming);
      confirming = undefined;
      decide();
    },
    patched() {
      // only the moment the daemon turns ready is worth a decision (deriving is O(cluster))
      if (waiting && !notReady(h.raw())) {
        clearTimeout(warming);
        warming = undefined;
        decide();
      }
    },
    reset,
  };
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
