// The server under test as a child process: the janitor through its real command line, or the
// baseline server (bench/baseline/). Both follow the stand-in daemon's socket and write their bound
// ports to a file; the bench reads their CPU and memory from /proc and stops them with SIGTERM.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { monotonicMs } from '../daemon/standin.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export type ServerKind = 'janitor' | 'baseline';
export type Transport = 'unix' | 'tcp';

export interface ServerOptions {
  readonly kind: ServerKind;
  /** The stand-in daemon's socket (ignored with `source`). */
  readonly daemonSocket: string;
  /** A scratch folder for the ports file, the log and the xDS unix socket. */
  readonly dir: string;
  readonly transport: Transport;
  /** `tsx`: src/cli.ts through tsx; `dist`: the built CLI (bin/xds.js, after `npm run build`). */
  readonly janitorBuild: 'tsx' | 'dist';
  /** Start node with --cpu-prof, profiles written here at exit. */
  readonly cpuProfDir?: string;
  /** Janitor only: `file:PATH` instead of the stand-in daemon. */
  readonly source?: string;
}

export interface RunningServer {
  readonly kind: ServerKind;
  readonly pid: number;
  /** Monotonic ms at spawn. */
  readonly spawnedAt: number;
  /** gRPC target of the xDS server (`unix:/path` or `127.0.0.1:port`). */
  readonly target: string;
  /** The last lines of its output. */
  logTail(lines?: number): string;
  /** Still running. */
  alive(): boolean;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves with how long it took to exit. */
  stop(graceMs?: number): Promise<{ readonly ms: number; readonly killed: boolean }>;
  /** .cpuprofile files written at exit (with cpuProfDir). */
  profiles(): string[];
}

function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('XDS_') && k !== 'OPENSVC_LSNR_SOCK') env[k] = v;
  return env;
}

function command(o: ServerOptions, portsFile: string, unixPath: string | undefined): string[] {
  const prof = o.cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${o.cpuProfDir}`] : [];
  if (o.kind === 'baseline') {
    return [...prof, '--import', 'tsx', path.join(ROOT, 'bench/baseline/main.ts'),
      '--sock', o.daemonSocket, '--ports-file', portsFile, '--unix', unixPath ?? 'none'];
  }
  const entry = o.janitorBuild === 'dist' ? [path.join(ROOT, 'bin/xds.js')] : ['--import', 'tsx', path.join(ROOT, 'src/cli.ts')];
  if (o.janitorBuild === 'dist' && !existsSync(path.join(ROOT, 'dist/cli.js'))) throw new Error('--janitor dist: run `npm run build` first');
  const source = o.source ? ['--source', o.source] : ['--sock', o.daemonSocket];
  return [...prof, ...entry, ...source, '--port', '0', '--admin', '127.0.0.1:0', '--ports-file', portsFile,
    '--janitor-socket', unixPath ? `unix://${unixPath}` : 'none', '--log-level', 'warn'];
}

interface Ports {
  readonly xds: number;
  readonly unix?: string;
}

async function waitPorts(file: string, child: ChildProcess, logTail: () => string, timeoutMs: number): Promise<Ports> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`server exited before listening:\n${logTail()}`);
    try {
      return JSON.parse(readFileSync(file, 'utf8')) as Ports;
    } catch {
      // not written yet (or half written)
    }
    if (Date.now() > deadline) throw new Error(`no ports file after ${timeoutMs} ms:\n${logTail()}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export async function startServer(o: ServerOptions): Promise<RunningServer> {
  const portsFile = path.join(o.dir, `${o.kind}.ports.json`);
  const logFile = path.join(o.dir, `${o.kind}.log`);
  const unixPath = o.transport === 'unix' ? path.join(o.dir, `${o.kind}-xds.sock`) : undefined;
  const out = openSync(logFile, 'w');
  const spawnedAt = monotonicMs();
  const child = spawn(process.execPath, command(o, portsFile, unixPath), { cwd: ROOT, env: cleanEnv(), stdio: ['ignore', out, out] });
  closeSync(out);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const logTail = (lines = 20): string => {
    try {
      return readFileSync(logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
    } catch {
      return '';
    }
  };
  const stop = async (graceMs = 30_000): Promise<{ ms: number; killed: boolean }> => {
    const t0 = performance.now();
    if (child.exitCode !== null || child.signalCode !== null) return { ms: 0, killed: false };
    child.kill('SIGTERM');
    let killed = false;
    const timer = setTimeout(() => {
      killed = true;
      child.kill('SIGKILL');
    }, graceMs);
    await exited;
    clearTimeout(timer);
    return { ms: performance.now() - t0, killed };
  };
  let ports: Ports;
  try {
    ports = await waitPorts(portsFile, child, logTail, 120_000);
  } catch (err) {
    await stop(1000);
    throw err;
  }
  return {
    kind: o.kind,
    pid: child.pid ?? 0,
    spawnedAt,
    target: unixPath ? `unix:${ports.unix ?? unixPath}` : `127.0.0.1:${ports.xds}`,
    logTail,
    alive: () => child.exitCode === null && child.signalCode === null,
    stop,
    profiles: () =>
      o.cpuProfDir && existsSync(o.cpuProfDir)
        ? readdirSync(o.cpuProfDir).filter((f) => f.endsWith('.cpuprofile')).map((f) => path.join(o.cpuProfDir ?? '', f))
        : [],
  };
}
