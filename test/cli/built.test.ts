// The BUILT command (`npm run build`, then `node dist/cli.js`), as the Docker image runs it:
// --help, usage errors, and the Python janitor's flag spellings against a stand-in daemon.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeDaemon } from '../support/fake-daemon/index.js';
import { startRecordedDaemon } from '../support/recorded-daemon.js';
import { FLAGS } from '../../src/flags.js';
import { TYPE } from '../../src/xds/types.js';
import { connectAds } from '../xds/support/client.js';
import { ROOT, closedPort, getJson, spawnCli, until } from '../e2e/support.js';

const CLI = path.join(ROOT, 'dist/cli.js');

function run(args: readonly string[]) {
  return spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 20_000 });
}

beforeAll(() => {
  const build = spawnSync('npm', ['run', 'build'], { cwd: ROOT, encoding: 'utf8', timeout: 180_000 });
  // other modules' type errors must not hide the CLI: tsc still emits, and the CLI is what we test
  if (!existsSync(CLI)) throw new Error(`npm run build produced no dist/cli.js:\n${build.stdout}\n${build.stderr}`);
}, 200_000);

describe('xds --help', () => {
  it('lists every flag, its default and its environment variable', () => {
    const r = run(['--help']);
    expect(r.status).toBe(0);
    const help = r.stdout.replace(/\s+/g, ' ');
    for (const flag of ['-n, --name', '-p, --port', '-P, --envoy-port', '-r, --port-range', '-S, --socket', '--sock', '--janitor-socket', '-w, --max-workers', '--source', '--listen', '--admin', '--log-level', '--ports-file']) {
      expect(help).toContain(flag);
    }
    for (const flag of FLAGS) expect(help).toContain(flag.env);
    for (const d of ['envoy', '50051', '9901', '1025-65535', '256', 'opensvc', '127.0.0.1', '127.0.0.1:9902', 'unix:///var/run/xds/xds.sock']) {
      expect(help).toContain(`default: ${d}`);
    }
    expect(help).toContain('OPENSVC_LSNR_SOCK');
  });
});

describe('usage errors', () => {
  it.each([
    [['--bogus'], "xds: unknown option '--bogus'"],
    [['--port', 'abc'], 'xds: --port: "abc" is not an integer'],
    [['-r', '9-1'], 'xds: --port-range: "9-1" has MIN greater than MAX'],
    [['--source'], "xds: option '--source <source>' argument missing"],
    [['extra'], 'xds: too many arguments. Expected 0 arguments but got 1.'],
  ])('%j: exit code 2 and one line on stderr', (args, line) => {
    const r = run(args);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(`${line}\n`);
    expect(r.stdout).toBe('');
  });
});

describe('the Python janitor spellings', () => {
  let daemon: FakeDaemon;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'xds-built-'));
    daemon = await startRecordedDaemon(path.join(dir, 'lsnr.sock'));
  });
  afterAll(async () => {
    await daemon.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('--sock PATH --name NAME -p -P -r -w --janitor-socket: follows the daemon and serves over the unix socket', async () => {
    const unix = path.join(dir, 'xds.sock');
    const janitor = spawnCli(
      ['--sock', daemon.socketPath, '--name', 'test-gw', '-p', '0', '-P', String(await closedPort()), '-r', '2000-3000', '-w', '4', '--janitor-socket', `unix://${unix}`, '--admin', '127.0.0.1:0'],
      { built: true },
    );
    try {
      const ports = await janitor.ports();
      await until(async () => (await getJson(`http://127.0.0.1:${ports.admin ?? 0}/readyz`)).status === 200, 10_000, 'readiness');
      const c = await connectAds({ unixPath: unix, nodeId: 'python-flags', variant: 'sotw' });
      c.request(TYPE.cluster);
      const clusters = await c.nextSotw(TYPE.cluster, { timeoutMs: 5000 });
      expect(clusters.resources.map((r) => r.name).sort()).toEqual(['test/svc/web1.expose#0', 'test/svc/web1.expose#1', 'test/svc/web1.expose#2']);
      c.close();
      expect(daemon.requests).toContain('daemon_status');
      janitor.child.kill('SIGTERM');
      expect((await janitor.exit).code).toBe(0);
    } finally {
      if (janitor.child.exitCode === null) janitor.child.kill('SIGKILL');
    }
  });
});
