// The janitor's own state for readiness and metrics: has the first snapshot been served, is the
// source live or stale, is it shutting down. Logs the transitions operators care about.
import type { Logger } from '../log.js';

export type SourceStatus = 'connecting' | 'live' | 'stale' | 'held';

export interface Lifecycle {
  snapshot(): void;
  stale(reason: string): void;
  /** The source holds back what it read (the last state is served): not ready, with the source's reason. */
  held(reason: string): void;
  /** The source's hold is over: it resumed without a change, or a change came. */
  resumed(): void;
  served(): void;
  shutdown(): void;
  /** A batch was applied; `changed` when it changed what is served (for the push latency metric). */
  batchApplied(eventAt: number, changed: boolean): void;
  /** The push latency of the last applied change, measured once by the first response after it. */
  takePendingPush(): number | undefined;
  readiness(): { ready: boolean; reasons: string[] };
  sourceStatus(): SourceStatus;
  whenServed(): Promise<void>;
}

/** `onSourceState` hears every state change of the source (for metrics). */
export function createLifecycle(sourceName: string, logger: Logger, onSourceState: (state: SourceStatus) => void = () => undefined): Lifecycle {
  let status: SourceStatus = 'connecting';
  let staleReason = '';
  let heldReason = '';
  let wasConnected = false;
  let servedOnce = false;
  let stopping = false;
  let pendingPush: number | undefined;
  let markServed: () => void = () => undefined;
  const served = new Promise<void>((resolve) => (markServed = resolve));
  onSourceState(status);

  function resume(): void {
    if (status !== 'held') return;
    logger.info({ source: sourceName }, 'source resumed');
    status = wasConnected ? 'live' : 'connecting';
    onSourceState(status);
  }

  return {
    snapshot() {
      if (status === 'stale' || (status === 'held' && wasConnected)) logger.info({ source: sourceName }, 'source resynced');
      else if (status !== 'live') logger.info({ source: sourceName }, 'source connected');
      status = 'live';
      wasConnected = true;
      onSourceState(status);
    },
    held(reason) {
      if (status !== 'held' || reason !== heldReason) logger.warn({ source: sourceName, reason }, 'source held: serving the last state');
      status = 'held';
      heldReason = reason;
      // the last state is kept, as when stale
      if (wasConnected) onSourceState(status);
    },
    resumed: resume,
    stale(reason) {
      // the source itself says why, once (e.g. "daemon connection lost"): one line per event
      if (status !== 'stale') logger.debug({ source: sourceName, reason }, 'source lost: serving the last state');
      status = 'stale';
      staleReason = reason;
      onSourceState(status);
    },
    served() {
      servedOnce = true;
      markServed();
    },
    shutdown() {
      stopping = true;
    },
    batchApplied(eventAt, changed) {
      if (changed) pendingPush ??= eventAt;
    },
    takePendingPush() {
      const at = pendingPush;
      pendingPush = undefined;
      return at;
    },
    readiness() {
      const reasons: string[] = [];
      if (stopping) reasons.push('shutting down');
      if (!servedOnce) reasons.push('first snapshot not served yet');
      if (status === 'connecting') reasons.push(`source ${sourceName} not connected yet`);
      if (status === 'stale') reasons.push(`source ${sourceName} stale: ${staleReason}`);
      if (status === 'held') reasons.push(`source ${sourceName} held: ${heldReason}`);
      return { ready: reasons.length === 0, reasons };
    },
    sourceStatus: () => status,
    whenServed: () => served,
  };
}
