// The stand-in OpenSVC daemon of the bench: test/support/fake-daemon (real NUL-framed protocol on a
// real unix socket) serving the synthetic cluster. Times are read on the monotonic clock that the
// clients process reads too (process.hrtime), so "patch emitted → client decoded" spans processes.
import { startFakeDaemon, type FakeDaemon } from '../../test/support/fake-daemon/index.js';
import { createCluster, daemonStatus, secrets, type BenchCluster, type Stanza } from './cluster.js';
import { applyInPlace } from './in-place.js';

export const monotonicMs = (): number => Number(process.hrtime.bigint()) / 1e6;

export interface StandIn {
  readonly socketPath: string;
  readonly cluster: BenchCluster;
  /** When the first daemon_status reply was handed to the kernel whole (ms, monotonic), and its size. */
  statusSent(): { at: number; bytes: number } | undefined;
  /** Emit one patch; returns the monotonic time taken just before it is written. */
  emit(stanzas: Stanza[]): number;
  /** Requests received, per action (daemon_status, events, get_secret_key, …). */
  requests(action: string): number;
  close(): Promise<void>;
}

export async function startStandIn(socketPath: string, services: number): Promise<StandIn> {
  const cluster = createCluster(services);
  const status = daemonStatus(cluster);
  let sent: { at: number; bytes: number } | undefined;
  const daemon: FakeDaemon = await startFakeDaemon({
    socketPath,
    status,
    secrets: secrets(cluster),
    adoptStatus: true,
    onStatusSent: (bytes) => void (sent ??= { at: monotonicMs(), bytes }),
  });
  // like the real daemon, every request is followed by a listener.stats patch: the janitor's
  // silence probe counts on it (without it, a janitor busy for 2 minutes drops the connection)
  daemon.statsNoise(true);
  return {
    socketPath,
    cluster,
    statusSent: () => sent,
    emit(stanzas) {
      if (daemon.status() !== status) {
        // the stand-in replaced its status (a port write-back): its own copy-on-write path
        const at = monotonicMs();
        daemon.emitPatch(stanzas);
        return at;
      }
      // written first, the status brought up to date right after and in place: the stand-in's own
      // copy-on-write costs ~1 ms per patch at 1,000 services (~9 ms at 10,000) and must not count
      const at = monotonicMs();
      daemon.emitPatch(stanzas, false);
      for (const stanza of stanzas) applyInPlace(status, stanza);
      return at;
    },
    requests: (action) => daemon.count(action),
    close: () => daemon.close(),
  };
}
