// A janitor on the OpenSVC source against the stand-in daemon, with two Envoy-like clients (Delta
// and SotW) holding what they were sent, for the fault tests: everything real but the daemon.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { createOpenSvcSource, type OpenSvcSourceOptions } from '../../src/source/opensvc/index.js';
import type { Source } from '../../src/source/types.js';
import { TYPE } from '../../src/xds/types.js';
import { getJson, getText, startTestJanitor, until, type RunningJanitor } from '../e2e/support.js';
import { recordedStatus } from '../replay/daemon.js';
import { connectEnvoyView, type EnvoyView } from '../replay/envoy-view.js';
import { everything } from '../replay/observe.js';
import { SECRETS } from '../replay/stack.js';
import { startFakeDaemon, type FakeDaemon } from '../support/fake-daemon/index.js';

export type Status = Record<string, unknown>;

/** The recorded final status (web1: three exposes, one of them HTTPS with its certificate). */
export function finalStatus(): Status {
  return structuredClone(recordedStatus('final')) as Status;
}

export function node(status: Status, name = 'vm'): Record<string, unknown> {
  const nodes = (status['monitor'] as Record<string, Record<string, Record<string, unknown>>>)['nodes'];
  const found = nodes?.[name];
  if (!found) throw new Error(`no node ${name}`);
  return found;
}

/** Services of a node's status (`monitor.nodes.<n>.services.status`). */
export function statuses(status: Status, name = 'vm'): Record<string, Record<string, unknown>> {
  return (node(status, name)['services'] as Record<string, Record<string, Record<string, unknown>>>)['status'] ?? {};
}

/** What a 2.1 daemon reports right after a restart (seen live): its node in `init`, no instances yet. */
export function initializing(status: Status): Status {
  const next = structuredClone(status);
  node(next)['monitor'] = { status: 'init', status_updated: 1 };
  (node(next)['services'] as Record<string, unknown>)['status'] = {};
  return next;
}

export interface OpenSvcStack {
  readonly daemon: FakeDaemon;
  readonly source: Source;
  readonly janitor: RunningJanitor;
  /** [Delta, SotW] */
  readonly views: readonly EnvoyView[];
  readiness(): Promise<{ status: number; reasons: string[] }>;
  metrics(): Promise<string>;
  /** Both clients hold the same as each other and something of every type. */
  settled(): Promise<void>;
  close(): Promise<void>;
}

/** `prepare` runs on the stand-in before the janitor starts (failures to meet it with). */
export async function startOpenSvcStack(status: Status, options: Partial<OpenSvcSourceOptions> = {}, flags: Record<string, string | boolean> = {}, prepare?: (daemon: FakeDaemon) => void): Promise<OpenSvcStack> {
  const dir = mkdtempSync(path.join(tmpdir(), 'xds-faults-'));
  const daemon = await startFakeDaemon({ socketPath: path.join(dir, 'lsnr.sock'), status, secrets: SECRETS });
  prepare?.(daemon);
  const source = createOpenSvcSource({ socketPath: daemon.socketPath, logger: pino({ level: 'silent' }), backoff: { minMs: 20, maxMs: 100 }, ...options });
  // these tests are about the source: their clients read secrets over plain loopback TCP
  const janitor = await startTestJanitor({ name: 'gw', insecureSdsOverTcp: true, ...flags }, { source });
  await janitor.janitor.ready;
  const views = [await connectEnvoyView(janitor.xds, 'envoy-delta', 'delta'), await connectEnvoyView(janitor.xds, 'envoy-sotw', 'sotw')];
  const stack: OpenSvcStack = {
    daemon,
    source,
    janitor,
    views,
    async readiness() {
      const r = await getJson(`${janitor.admin}/readyz`);
      return { status: r.status, reasons: (r.body as { reasons?: string[] }).reasons ?? [] };
    },
    metrics: async () => (await getText(`${janitor.admin}/metrics`)).body,
    async settled() {
      const full = (v: EnvoyView) => [TYPE.listener, TYPE.cluster, TYPE.endpoint, TYPE.route, TYPE.secret].every((t) => v.names(t).length > 0);
      await until(() => views.every(full) && JSON.stringify(everything(views[0] as EnvoyView)) === JSON.stringify(everything(views[1] as EnvoyView)), 10_000, 'both clients holding the same state');
    },
    async close() {
      for (const v of views) v.close();
      await janitor.close();
      await daemon.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return stack;
}

/** Removals any client was sent since `marks` (one mark per view). */
export function removalsSince(views: readonly EnvoyView[], marks: readonly number[]): string[] {
  return views.flatMap((v, i) => v.seen.slice(marks[i] ?? 0).flatMap((s) => s.removed));
}
