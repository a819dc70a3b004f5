// Shared by the janitor's tests: a temp copy of examples/, an in-process janitor on ephemeral
// ports with its log captured, a spawned janitor (the real CLI), and small HTTP helpers.
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync, renameSync, existsSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { parseConfig } from '../../src/config.js';
import type { RawOptions } from '../../src/flags.js';
import { createLogger } from '../../src/log.js';
import { startJanitor, type Janitor } from '../../src/janitor.js';
import type { Source } from '../../src/source/types.js';

export const ROOT = path.resolve(import.meta.dirname, '../..');

export interface TempCluster {
  readonly dir: string;
  readonly file: string;
  read(): string;
  /** Replace the file the way editors do: write a temp file, rename it over. */
  write(text: string): void;
  cleanup(): void;
}

export function tempCluster(text?: string): TempCluster {
  const dir = mkdtempSync(path.join(tmpdir(), 'xds-cluster-'));
  cpSync(path.join(ROOT, 'examples'), dir, { recursive: true });
  const file = path.join(dir, 'cluster.yaml');
  if (text !== undefined) writeFileSync(file, text);
  let n = 0;
  return {
    dir,
    file,
    read: () => readFileSync(file, 'utf8'),
    write(next) {
      const tmp = path.join(dir, `.cluster.yaml.${n++}.tmp`);
      writeFileSync(tmp, next);
      renameSync(tmp, file);
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export async function until(condition: () => boolean | Promise<boolean>, timeoutMs = 5000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** A TCP port nothing listens on (bound then released). */
export async function closedPort(): Promise<number> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export interface RunningJanitor {
  readonly janitor: Janitor;
  readonly admin: string;
  readonly xds: string;
  log(): string;
  close(): Promise<void>;
}

/** A janitor in this process on ephemeral ports. */
export async function startTestJanitor(raw: RawOptions, opts: { source?: Source } = {}): Promise<RunningJanitor> {
  const parsed = parseConfig({ port: '0', admin: '127.0.0.1:0', janitorSocket: 'none', envoyPort: String(await closedPort()), logLevel: 'debug', ...raw }, {});
  if (!parsed.ok) throw new Error(parsed.error);
  let text = '';
  const sink = new Writable({ write: (chunk, _enc, done) => ((text += String(chunk)), done()) });
  const janitor = await startJanitor(parsed.config, { logger: createLogger('debug', sink), ...(opts.source ? { source: opts.source } : {}) });
  return {
    janitor,
    admin: `http://127.0.0.1:${janitor.ports.admin ?? 0}`,
    xds: `127.0.0.1:${janitor.ports.xds}`,
    log: () => text,
    close: () => janitor.close(),
  };
}

export async function getJson(url: string): Promise<{ status: number; body: unknown }> {
  const response = await fetch(url);
  return { status: response.status, body: (await response.json()) as unknown };
}

export async function getText(url: string): Promise<{ status: number; body: string; contentType: string }> {
  const response = await fetch(url);
  return { status: response.status, body: await response.text(), contentType: response.headers.get('content-type') ?? '' };
}

export interface Spawned {
  readonly child: ChildProcess;
  stdout(): string;
  stderr(): string;
  readonly exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** The ports the janitor wrote with --ports-file, once it serves. */
  ports(): Promise<{ xds: number; admin?: number; unix?: string }>;
}

/** Run the CLI as a child process (`node --import tsx src/cli.ts` or `node dist/cli.js`). */
export function spawnCli(args: readonly string[], opts: { built?: boolean; env?: NodeJS.ProcessEnv } = {}): Spawned {
  const portsFile = path.join(mkdtempSync(path.join(tmpdir(), 'xds-ports-')), 'ports.json');
  const entry = opts.built ? [path.join(ROOT, 'dist/cli.js')] : ['--import', 'tsx', path.join(ROOT, 'src/cli.ts')];
  const child = spawn(process.execPath, [...entry, ...args], {
    cwd: ROOT,
    env: { ...process.env, XDS_PORTS_FILE: portsFile, GRPC_VERBOSITY: 'NONE', ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exit,
    async ports() {
      await until(() => existsSync(portsFile) && readFileSync(portsFile, 'utf8').endsWith('\n'), 15_000, `the janitor's ports file (stderr: ${err.slice(-500)})`);
      return JSON.parse(readFileSync(portsFile, 'utf8')) as { xds: number; admin?: number; unix?: string };
    },
  };
}
