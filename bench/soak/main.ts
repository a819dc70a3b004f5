// npm run soak -- [--minutes 10] [--services 200] [--seed 1]
//
// Churn against the real janitor (the CLI, a child process) following the OpenSVC stand-in: service
// edits (routes, backend ports), endpoint changes, secret rotations, services deleted and created
// again, daemon restarts and client reconnects, while an Envoy-like Delta client and a SotW client
// hold what they receive. Every checkpoint stops the churn and waits for both clients to hold
// exactly what a fresh janitor would serve for the daemon's status then (the pipeline's step from
// an empty state); a checkpoint they do not reach within its deadline is a wrong state. Prints the
// janitor's RSS at start, peak and end, and the wrong states seen (must be 0).
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { TYPE, type TypeUrl } from '../../src/xds/types.js';
import { closedPort, spawnCli } from '../../test/e2e/support.js';
import { connectEnvoyView, type EnvoyView } from '../../test/replay/envoy-view.js';
import { startFakeDaemon } from '../../test/support/fake-daemon/index.js';
import { allSecrets, daemonStatus, newService, secretPath, secretValues, type SoakService } from './cluster.js';
import { differences, referenceView, type View } from './reference.js';

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  return Number.isFinite(v) && v > 0 ? v : fallback;
};
const MINUTES = arg('minutes', 10);
const SERVICES = arg('services', 200);
let seed = arg('seed', 1);
const random = (): number => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function rssKb(pid: number): { rss: number; hwm: number } {
  const text = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(/\d+/.exec(text.split('\n').find((l) => l.startsWith(key)) ?? '')?.[0] ?? 0);
  return { rss: kb('VmRSS:'), hwm: kb('VmHWM:') };
}

function viewOf(v: EnvoyView): View {
  const out: View = new Map();
  for (const t of [TYPE.cluster, TYPE.endpoint, TYPE.listener, TYPE.route, TYPE.secret] as TypeUrl[]) {
    out.set(t, new Map([...v.held(t)].map(([name, held]) => [name, JSON.stringify(held.message)])));
  }
  return out;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'xds-soak-'));
  const live: SoakService[] = Array.from({ length: SERVICES }, (_, i) => newService(i));
  let nextIndex = SERVICES;
  const daemon = await startFakeDaemon({ socketPath: path.join(dir, 'lsnr.sock'), status: daemonStatus(live), secrets: allSecrets(live) });
  daemon.statsNoise(true);
  const xdsSocket = path.join(dir, 'xds.sock');
  const janitor = spawnCli(['--sock', daemon.socketPath, '--port', '0', '--admin', '127.0.0.1:0', '--janitor-socket', `unix://${xdsSocket}`, '--envoy-port', String(await closedPort()), '--log-level', 'warn', '--anti-entropy-interval', '60']);
  await janitor.ports();
  const pid = janitor.child.pid ?? 0;
  const views: EnvoyView[] = [await connectEnvoyView(`unix:${xdsSocket}`, 'soak-delta', 'delta'), await connectEnvoyView(`unix:${xdsSocket}`, 'soak-sotw', 'sotw')];
  const counts = { edits: 0, endpoints: 0, rotations: 0, deletions: 0, creations: 0, restarts: 0, reconnects: 0, checkpoints: 0, wrong: 0 };
  const convergence: number[] = [];
  const publish = () => daemon.setStatus(daemonStatus(live));

  async function checkpoint(deadlineMs: number): Promise<void> {
    const reference = referenceView(daemon.status(), allSecrets(live), 'envoy');
    const started = performance.now();
    let diff: string[] = [];
    while (performance.now() - started < deadlineMs) {
      diff = views.flatMap((v) => differences(viewOf(v), reference).map((d) => `${v.variant}: ${d}`));
      if (diff.length === 0) break;
      await sleep(50);
    }
    counts.checkpoints += 1;
    if (diff.length === 0) convergence.push(performance.now() - started);
    else {
      counts.wrong += 1;
      console.log(`checkpoint ${counts.checkpoints}: not converged in ${deadlineMs} ms: ${diff.slice(0, 8).join('; ')}${diff.length > 8 ? ` (+${diff.length - 8})` : ''}`);
    }
  }

  const churn: (() => Promise<void> | void)[] = [
    () => { const s = pick(live); s.prefix = `/v${Math.floor(random() * 1000)}`; counts.edits += 1; publish(); },
    () => { const s = pick(live); s.port = 5000 + Math.floor(random() * 1000); counts.edits += 1; publish(); },
    () => { const s = pick(live); s.address = `10.${Math.floor(random() * 250)}.${Math.floor(random() * 250)}.${1 + Math.floor(random() * 250)}`; counts.endpoints += 1; publish(); },
    () => { const s = pick(live); s.status = s.status === 'up' ? 'down' : 'up'; counts.endpoints += 1; publish(); },
    () => { const s = pick(live); s.rotation += 1; daemon.setSecret(secretPath(s), 'certificate_chain', secretValues(s)['certificate_chain'] ?? ''); counts.rotations += 1; },
    () => {
      if (live.length < SERVICES / 2) return;
      live.splice(live.indexOf(pick(live)), 1);
      counts.deletions += 1;
      publish();
    },
    () => {
      const s = newService(nextIndex++);
      for (const [key, value] of Object.entries(secretValues(s))) daemon.setSecret(secretPath(s), key, value);
      live.push(s);
      counts.creations += 1;
      publish();
    },
  ];

  await checkpoint(60_000);
  const first = rssKb(pid);
  let peak = first.rss;
  const end = Date.now() + MINUTES * 60_000;
  let nextRestart = Date.now() + 60_000;
  let nextReconnect = Date.now() + 30_000;
  let nextCheckpoint = Date.now() + 15_000;
  while (Date.now() < end) {
    await pick(churn)();
    await sleep(20 + Math.floor(random() * 80));
    peak = Math.max(peak, rssKb(pid).rss);
    if (Date.now() > nextRestart) {
      nextRestart = Date.now() + 60_000;
      await daemon.restart(daemonStatus(live));
      counts.restarts += 1;
    }
    if (Date.now() > nextReconnect) {
      nextReconnect = Date.now() + 30_000;
      const i = Math.floor(random() * views.length);
      const old = views[i] as EnvoyView;
      old.close();
      views[i] = await connectEnvoyView(`unix:${xdsSocket}`, `soak-${old.variant}`, old.variant);
      counts.reconnects += 1;
    }
    if (Date.now() > nextCheckpoint) {
      await checkpoint(15_000);
      nextCheckpoint = Date.now() + 15_000;
    }
  }
  await checkpoint(30_000);
  const last = rssKb(pid);
  const failures = views.flatMap((v) => (v.failure() ? [`${v.variant}: ${v.failure()?.message ?? ''}`] : []));
  for (const v of views) v.close();
  janitor.child.kill('SIGTERM');
  await janitor.exit;
  await daemon.close();
  convergence.sort((a, b) => a - b);
  const mb = (kb: number) => `${(kb / 1024).toFixed(0)} MB`;
  const result = {
    date: new Date().toISOString(), minutes: MINUTES, services: SERVICES, ...counts,
    rss: { start: mb(first.rss), peak: mb(Math.max(peak, last.hwm)), end: mb(last.rss) },
    convergenceMs: { p50: Math.round(convergence[Math.floor(convergence.length / 2)] ?? 0), max: Math.round(convergence.at(-1) ?? 0) },
    protocolFailures: failures,
  };
  console.log(JSON.stringify(result, null, 2));
  console.log(`| minutes | services | edits | endpoint changes | rotations | deletions / creations | daemon restarts | reconnects | checkpoints | wrong states | RSS start / peak / end |`);
  console.log(`| ${MINUTES} | ${SERVICES} | ${counts.edits} | ${counts.endpoints} | ${counts.rotations} | ${counts.deletions} / ${counts.creations} | ${counts.restarts} | ${counts.reconnects} | ${counts.checkpoints} | ${counts.wrong} | ${result.rss.start} / ${result.rss.peak} / ${result.rss.end} |`);
  process.exit(counts.wrong === 0 && failures.length === 0 ? 0 : 1);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(2);
});
