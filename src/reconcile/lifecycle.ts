// The janitor's own state for readiness and metrics: has the first snapshot been served, is the
// source live or stale, is it shutting down. Logs the transitions operators care about.
import type { Logger } from '../log.js';

export type SourceStatus = 'connecting' | 'live' | 'stale';

export interface Lifecycle {
  snapshot(): void;
  stale(reason: string): void;
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
  let servedOnce = false;
  let stopping = false;
  let pendingPush: number | undefined;
  let markServed: () => void = () => undefined;
  const served = new Promise<void>((resolve) => (markServed = resolve));
  onSourceState(status);

  return {
    snapshot() {
      if (status === 'stale') logger.info({ source: sourceName }, 'source resynced');
      else if (status === 'connecting') logger.info({ source: sourceName }, 'source connected');
      status = 'live';
      onSourceState(status);
    },
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
      return { ready: reasons.length === 0, reasons };
    },
    sourceStatus: () => status,
    whenServed: () => served,
  };
}
