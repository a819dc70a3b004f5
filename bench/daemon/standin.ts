// The stand-in OpenSVC daemon of the bench: test/support/fake-daemon (real NUL-framed protocol on a
// real unix socket) serving the synthetic cluster. Times are read on the monotonic clock that the
// clients process reads too (process.hrtime), so "patch emitted → client decoded" spans processes.
import { startFakeDaemon, type FakeDaemon } from '../../test/support/fake-daemon/index.js';
import { createCluster, daemonStatus, secrets, type BenchCluster, type Stanza } from './cluster.js';

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
  let sent: { at: number; bytes: number } | undefined;
  const daemon: FakeDaemon = await startFakeDaemon({
    socketPath,
    status: daemonStatus(cluster),
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
      const at = monotonicMs();
      daemon.emitPatch(stanzas);
      return at;
    },
    requests: (action) => daemon.count(action),
    close: () => daemon.close(),
  };
}
