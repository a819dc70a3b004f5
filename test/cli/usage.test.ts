// Usage errors of the real CLI that used to get past the flags: a non-unix --janitor-socket URL and
// a cluster file that is not there. Exit code 2, one line on stderr, and nothing started: the
// xDS port given is already taken, so a janitor that tried to bind it first would fail otherwise.
import { spawnSync } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ROOT } from '../e2e/support.js';

let busy: Server;
let busyPort = 0;

beforeAll(async () => {
  busy = createServer();
  await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', () => resolve()));
  const address = busy.address();
  busyPort = typeof address === 'object' && address ? address.port : 0;
});

afterAll(async () => {
  await new Promise<void>((resolve) => busy.close(() => resolve()));
});

function run(args: readonly string[], env: NodeJS.ProcessEnv = {}) {
  return spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src/cli.ts'), '-p', String(busyPort), '--admin', 'none', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 30_000,
    env: { ...process.env, ...env },
  });
}

it.each([
  [['--janitor-socket', 'tcp://127.0.0.1:50051'], 'xds: --janitor-socket: "tcp://127.0.0.1:50051" is not a unix socket (unix:///path, a path, or none; TCP is --port and --listen)'],
  [['--janitor-socket', 'http://localhost:9902'], 'xds: --janitor-socket: "http://localhost:9902" is not a unix socket (unix:///path, a path, or none; TCP is --port and --listen)'],
  [['--source', 'file:does/not/exist.yaml'], 'xds: --source: "file:does/not/exist.yaml": no such file'],
  [['--source', 'file:test'], 'xds: --source: "file:test": not a file'],
])('%j: exit code 2, one line, nothing bound', (args, line) => {
  const r = run(args);
  expect(r.stderr).toBe(`${line}\n`);
  expect(r.stdout).toBe('');
  expect(r.status).toBe(2);
});

it('names the variable when the missing cluster file came from XDS_SOURCE', () => {
  const r = run([], { XDS_SOURCE: 'file:/nonexistent/cluster.yaml' });
  expect(r.stderr).toBe('xds: XDS_SOURCE: "file:/nonexistent/cluster.yaml": no such file\n');
  expect(r.status).toBe(2);
});
