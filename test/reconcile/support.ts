// The reconcile loop on its own: a real cache and the real pipeline, cluster states written as
// cluster files, and a fake source whose secret fetches and write-backs the test controls.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Remembered } from '../../src/pipeline/index.js';
import { createReconciler, type ReconcileHooks, type Reconciler } from '../../src/reconcile/loop.js';
import { parseCluster } from '../../src/source/file/cluster.js';
import type { ClusterState, SecretValues, Source } from '../../src/source/types.js';
import { createResourceCache, type CacheEvent, type ResourceCache } from '../../src/xds/cache.js';
import { ROOT, closedPort } from '../e2e/support.js';
import { captureLog, type CapturedLog } from '../support/log.js';

const pem = (file: string): string => readFileSync(path.join(ROOT, file), 'utf8');
export const CERT: SecretValues = { certificate_chain: pem('examples/certs/web.crt'), private_key: pem('examples/certs/web.key') };
export const ROTATED: SecretValues = { certificate_chain: pem('test/janitor/certs/rotated.crt'), private_key: pem('test/janitor/certs/rotated.key') };

/** `ns/svc/<name>`: one TCP expose, listener port `port + 10000`. */
export function service(name: string, port: number, extra = ''): string {
  return `  ns/svc/${name}:\n    endpoints: [10.0.0.1]\n    expose#0: { port: ${port}, listener_port: ${port + 10000}${extra} }\n`;
}

/** `ns/svc/<name>` terminating TLS with the secret `ns/sec/<secret>` (default `<name>-cert`). */
export function tlsService(name: string, port: number, secret = `${name}-cert`): string {
  return (
    service(name, port, ', vhosts: [vhost#0], listener_certificates: [certificate#0]') +
    `    vhost#0: { domains: [${name}.example], routes: [route#0] }\n    route#0: { match_prefix: / }\n    certificate#0: { certificate_secret: ${secret} }\n`
  );
}

export function state(services: string): ClusterState {
  const r = parseCluster(`services:\n${services}`, '/');
  if (!r.ok) throw new Error(r.problem.message);
  return r.cluster.state;
}

export const change = (s: ClusterState, services: readonly string[], secrets: readonly string[] = []) => ({ kind: 'change' as const, state: s, services: new Set(services), secrets: new Set(secrets) });

/** A source whose secrets the test sets, holds (fetches wait for release) or fails. */
export interface FakeSource {
  readonly source: Pick<Source, 'getSecret' | 'setListenerPort'>;
  /** Every getSecret call, in order. */
  readonly calls: string[];
  /** Every setListenerPort call, as `path rid=port`. */
  readonly writes: string[];
  readonly values: Map<string, SecretValues>;
  /** Fetches of `path` from now on wait until released. */
  hold(path: string): void;
  /** Release every waiting fetch; `keepHolding` leaves later ones held. */
  release(keepHolding?: boolean): void;
  waiting(): number;
  /** The next `times` fetches of `path` fail with `message` (Infinity: until told otherwise). */
  fail(path: string, times: number, message?: string): void;
}

export function fakeSource(values: Record<string, SecretValues> = {}): FakeSource {
  const held = new Set<string>();
  const waiting: (() => void)[] = [];
  const failures = new Map<string, { left: number; message: string }>();
  const calls: string[] = [];
  const writes: string[] = [];
  const map = new Map(Object.entries(values));
  const source: FakeSource['source'] = {
    async getSecret(p) {
      calls.push(p);
      const failure = failures.get(p);
      if (failure !== undefined && failure.left > 0) {
        failure.left -= 1;
        throw new Error(failure.message);
      }
      if (held.has(p)) await new Promise<void>((resolve) => waiting.push(resolve));
      const v = map.get(p);
      if (v === undefined) throw new Error(`no secret ${p}`);
      return v;
    },
    setListenerPort: async (p, rid, port) => {
      writes.push(`${p} ${rid}=${port}`);
    },
  };
  return {
    source, calls, writes, values: map,
    hold: (p) => held.add(p),
    release(keepHolding = false) {
      if (!keepHolding) held.clear();
      for (const w of waiting.splice(0)) w();
    },
    waiting: () => waiting.length,
    fail: (p, times, message = 'daemon said no') => failures.set(p, { left: times, message }),
  };
}

export type BatchInfo = Parameters<NonNullable<ReconcileHooks['onBatch']>>[0];

export interface LoopSetup {
  readonly cache: ResourceCache;
  readonly reconciler: Reconciler;
  readonly fake: FakeSource;
  readonly log: CapturedLog;
  /** Every cache event after setup (ready events excluded). */
  readonly applied: CacheEvent[];
  readonly batches: BatchInfo[];
  readonly hooks: { readonly conflicts: string[]; readonly secretFailures: string[]; readonly remembered: Remembered[] };
}

export async function setupLoop(opts: { secrets?: Record<string, SecretValues>; target?: 'cluster' | 'memory'; backoffMs?: number } = {}): Promise<LoopSetup> {
  const cache = createResourceCache();
  const applied: CacheEvent[] = [];
  cache.subscribe((e) => void (e.changes.length > 0 && applied.push(e)));
  const fake = fakeSource(opts.secrets);
  const log = captureLog();
  const batches: BatchInfo[] = [];
  const hooks = { conflicts: [] as string[], secretFailures: [] as string[], remembered: [] as Remembered[] };
  const backoff = opts.backoffMs ?? 5;
  const reconciler = createReconciler({
    config: { gateway: 'gw', portRange: { min: 1025, max: 65535 } },
    cache,
    source: fake.source,
    portWriteBack: opts.target === 'memory' ? { target: 'memory', why: '--read-only' } : { target: 'cluster' },
    envoyAdminPort: await closedPort(),
    secretConcurrency: 8,
    secretBackoff: { minMs: backoff, maxMs: backoff * 4 },
    logger: log.logger,
    hooks: {
      onBatch: (b) => batches.push(b),
      onConflict: (c) => hooks.conflicts.push(`${c.loser} < ${c.holder}: ${c.what}`),
      onSecretFailure: (p) => hooks.secretFailures.push(p),
      // a copy: the loop hands its live maps
      onRemembered: (r) => hooks.remembered.push({ holders: new Map(r.holders), ages: new Map(r.ages) }),
    },
  });
  return { cache, reconciler, fake, log, applied, batches, hooks };
}

/** Names a change set or cache event upserted, as `type-suffix name`. */
export function upserted(e: CacheEvent | undefined): string[] {
  return (e?.changes ?? []).flatMap((c) => c.upserted.map((n) => `${c.typeUrl.split('.').pop() ?? ''} ${n}`));
}
