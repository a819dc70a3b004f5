// What the real CLI writes, as an operator's log shipper reads it: nothing but JSON lines on
// stdout and stderr (the gRPC library's own lines included, with its tracing turned all on),
// levels as names, and one line per event: a daemon that cannot be reached, or that goes away, is
// logged once however many times the janitor retries; a missing /var/run/xds is one warning.
import { existsSync, rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOG_LEVELS } from '../../src/log.js';
import type { FakeDaemon } from '../support/fake-daemon/index.js';
import { startRecordedDaemon } from '../support/recorded-daemon.js';
import { tempSocket } from '../source/opensvc/helpers.js';
import { closedPort, getJson, spawnCli, until, type Spawned } from '../e2e/support.js';

interface Line {
  readonly level: string;
  readonly msg: string;
  readonly component?: string;
  readonly [key: string]: unknown;
}

const GRPC_ALL = { GRPC_VERBOSITY: 'DEBUG', GRPC_TRACE: 'all' };
const SERIOUS = new Set(['warn', 'error', 'fatal']);

/** Every line of both streams parsed; a line that is not a JSON object with a level name fails the test. */
function lines(run: Spawned): Line[] {
  return [...run.stdout().split('\n'), ...run.stderr().split('\n')]
    .filter((l) => l !== '')
    .map((l) => {
      let parsed: unknown;
      try {
        parsed = JSON.parse(l);
      } catch {
        throw new Error(`not a JSON line: ${l.slice(0, 300)}`);
      }
      const line = parsed as Line;
      expect(LOG_LEVELS, l.slice(0, 300)).toContain(line.level);
      expect(typeof line.msg, l.slice(0, 300)).toBe('string');
      return line;
    });
}

const count = (run: Spawned, msg: string): number => run.stdout().split('\n').filter((l) => l.includes(`"msg":"${msg}"`)).length;

async function stop(run: Spawned): Promise<void> {
  run.child.kill('SIGTERM');
  expect((await run.exit).code).toBe(0);
}

describe('the CLI log lines', () => {
  let daemon: FakeDaemon | undefined;
  const socket = tempSocket();
  const runs: Spawned[] = [];

  afterAll(async () => {
    for (const run of runs) if (run.child.exitCode === null) run.child.kill('SIGKILL');
    await daemon?.close();
    socket.cleanup();
  });

  it('a daemon never reached: JSON lines only, one warning over many retries, gRPC tracing as JSON', async () => {
    const run = spawnCli(['--sock', socket.path, '-p', '0', '--admin', '127.0.0.1:0', '-P', String(await closedPort()), '--log-level', 'debug'], { env: GRPC_ALL });
    runs.push(run);
    await until(() => count(run, 'reconnecting') >= 4, 30_000, 'four reconnect attempts');
    await stop(run);
    const all = lines(run);
    const serious = all.filter((l) => SERIOUS.has(l.level) && l.component !== 'grpc');
    const expected = ['cannot reach the OpenSVC daemon, retrying'];
    if (!existsSync('/var/run/xds')) {
      expected.push('xDS unix socket /var/run/xds/xds.sock not created: folder /var/run/xds does not exist; serving over TCP only (create the folder, or set --janitor-socket PATH, or --janitor-socket none)');
      // and with neither the socket nor mutual TLS, nothing may carry private keys: said once at startup
      expected.push('no xDS transport may carry secrets (no unix socket, no mutual TLS): TLS listeners will not get their certificates');
    }
    expect(serious.map((l) => l.msg).sort()).toEqual(expected.sort());
    // the gRPC library really spoke (all its tracers on), and only through the logger
    expect(all.filter((l) => l.component === 'grpc').length).toBeGreaterThan(0);
    expect(run.stderr()).toBe('');
  }, 60_000);

  it.skipIf(existsSync('/var/run/xds'))('a missing /var/run/xds: one warning naming the folder and the flag, no gRPC bind error', async () => {
    const run = spawnCli(['--source', 'file:examples/cluster.yaml', '-p', '0', '--admin', '127.0.0.1:0', '-P', String(await closedPort())], { env: { GRPC_VERBOSITY: 'ERROR' } });
    runs.push(run);
    const admin = `http://127.0.0.1:${(await run.ports()).admin ?? 0}`;
    await until(async () => (await getJson(`${admin}/readyz`)).status === 200, 30_000, 'ready');
    await stop(run);
    const mentions = lines(run).filter((l) => JSON.stringify(l).includes('/var/run/xds'));
    expect(mentions).toHaveLength(1);
    expect(mentions[0]).toMatchObject({ level: 'warn', folder: '/var/run/xds', socket: '/var/run/xds/xds.sock' });
    expect(mentions[0]?.msg).toContain('--janitor-socket');
  }, 60_000);

  describe('a daemon that goes away', () => {
    beforeAll(async () => {
      rmSync(socket.path, { force: true });
      // the certificate web1 names, so every service is valid and the loss is the only thing to say
      daemon = await startRecordedDaemon(socket.path);
    });

    it('is logged once while the janitor retries, and its return once', async () => {
      // a unix socket of its own: a transport that may carry secrets, so no startup warning either
      const run = spawnCli(['--sock', socket.path, '-p', '0', '--admin', '127.0.0.1:0', '-P', String(await closedPort()), '--janitor-socket', `unix://${socket.path}.xds`, '--log-level', 'debug'], { env: GRPC_ALL });
      runs.push(run);
      const admin = `http://127.0.0.1:${(await run.ports()).admin ?? 0}`;
      await until(async () => (await getJson(`${admin}/readyz`)).status === 200, 30_000, 'ready');
      expect(lines(run).filter((l) => SERIOUS.has(l.level) && l.component !== 'grpc').map((l) => l.msg)).toEqual([]);
      const before = lines(run).length;
      await daemon?.stop();
      await until(() => count(run, 'reconnecting') >= 4, 30_000, 'four reconnect attempts');
      const away = lines(run).slice(before);
      expect(away.filter((l) => SERIOUS.has(l.level) && l.component !== 'grpc').map((l) => l.msg)).toEqual(['daemon connection lost, keeping the last state']);
      await daemon?.start();
      await until(async () => (await getJson(`${admin}/readyz`)).status === 200, 30_000, 'ready again');
      await stop(run);
      expect(lines(run).filter((l) => l.msg === 'source resynced')).toHaveLength(1);
      expect(run.stderr()).toBe('');
    }, 90_000);
  });
});
