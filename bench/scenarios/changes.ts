// Changes one at a time: arm what the clients must see, emit the patch (t0), wait until every
// client saw it (per client time - t0), pause, next. The server's CPU is read around the series.
// One change goes first, outside the series and its percentiles, for either server: the first
// change after the initial sync runs its code paths for the first time (V8 compiles functions
// lazily, on first call), a one-time cost reported on its own (`first`).
import type { ExpectItem } from '../clients/protocol.js';
import { addressPatch, claName, markerAddress, markerPrefix, routePatch, type Stanza } from '../daemon/cluster.js';
import { quantile, type Value } from '../harness/figures.js';
import { Timeout } from '../harness/clients.js';
import { cpuMs, quiet } from '../harness/proc.js';
import type { Session } from '../harness/session.js';

export interface Change {
  /** Expectation id and marker number. */
  readonly id: number;
  readonly stanzas: Stanza[];
  readonly items: readonly ExpectItem[];
}

export interface ChangeSeries {
  /** The change before the series: until the last client had it (Infinity: timed out). */
  readonly first: number;
  /** Per change: until the last client had it (Infinity: timed out). */
  readonly all: number[];
  /** Per (change, client). */
  readonly perClient: number[];
  readonly timeouts: number;
  /** Server CPU over the series, per change. */
  readonly cpuPerChange: number;
  readonly window: { readonly fromMs: number; readonly toMs: number };
}

const MAX_TIMEOUTS = 3;
const GAP_MS = 20;
let nextId = 0;

/** A fresh id, also the change's marker number (unique addresses and prefixes per process). */
export const changeId = (): number => ++nextId;

/** Service k of the cluster gets a new, unique address on one of its two nodes. */
export function endpointChange(session: Session, k: number): Change {
  const id = changeId();
  const address = markerAddress(id);
  return {
    id,
    stanzas: addressPatch(session.standIn.cluster, k, id % 2, address),
    items: [{ kind: 'endpoint', name: claName(k, 'expose#0'), address }],
  };
}

/** route#2 of service k gets a new, unique match_prefix. */
export function routeChange(session: Session, k: number): Change {
  const id = changeId();
  const marker = markerPrefix(id);
  return { id, stanzas: routePatch(session.standIn.cluster, k, 2, marker), items: [{ kind: 'route', marker }] };
}

/** The services the changes touch: spread over the cluster, never twice in a row. */
export const pick = (i: number, services: number): number => (i * 7919) % services;

export async function changeSeries(session: Session, count: number, make: (i: number) => Change, timeoutMs: number): Promise<ChangeSeries> {
  const pid = session.server.pid;
  await quiet(pid);
  const firstTimes = await reach(session, make(count), timeoutMs);
  const first = firstTimes === undefined ? Infinity : Math.max(...firstTimes);
  await quiet(pid);
  const all: number[] = [];
  const perClient: number[] = [];
  let timeouts = 0;
  const fromMs = Number(process.hrtime.bigint()) / 1e6;
  const cpu0 = cpuMs(pid);
  for (let i = 0; i < count && timeouts < MAX_TIMEOUTS; i++) {
    const times = await reach(session, make(i), timeoutMs);
    if (times === undefined) {
      timeouts++;
      all.push(Infinity);
    } else {
      all.push(Math.max(...times));
      perClient.push(...times);
    }
  }
  const toMs = Number(process.hrtime.bigint()) / 1e6;
  return { first, all, perClient, timeouts, cpuPerChange: (cpuMs(pid) - cpu0) / all.length, window: { fromMs, toMs } };
}

/** One change: per client, how long after the patch it had it (undefined: timed out); then the pause. */
async function reach(session: Session, change: Change, timeoutMs: number): Promise<number[] | undefined> {
  await session.clients.arm([{ id: change.id, items: change.items }]);
  const t0 = session.standIn.emit(change.stanzas);
  let times: number[] | undefined;
  try {
    times = (await session.clients.reached(change.id, timeoutMs)).map((t) => t - t0);
  } catch (err) {
    if (!(err instanceof Timeout)) throw err;
  }
  await new Promise((resolve) => setTimeout(resolve, GAP_MS));
  return times;
}

/** A quantile where a timed-out sample is +infinity: `timeout` when the quantile falls on one. */
export function q(xs: readonly number[], p: number): Value {
  if (xs.length === 0) return null;
  const v = quantile(xs, p);
  return Number.isFinite(v) ? v : 'timeout';
}
