// 1,000 streams from another process, connected and disconnected in bulk: every one is served,
// the admin server answers all along, and the books are empty once they are gone.
import { afterAll, expect, it } from 'vitest';
import { getText, spawnCli, tempCluster, until } from '../e2e/support.js';
import { openStreams, within } from './support/streams.js';

const cluster = tempCluster();
afterAll(() => cluster.cleanup());

/** Ask /healthz again and again until stop(); every answer must come (a hang guard, no timing). */
function keepAsking(admin: string): { stop(): Promise<number> } {
  let running = true;
  let answers = 0;
  const loop = (async () => {
    while (running) {
      // a guard against a hang only: a loaded CI machine may take seconds to serve 1,000 streams
      const r = await within(getText(`${admin}/healthz`), 30_000, '/healthz');
      expect(r).toMatchObject({ status: 200, body: 'ok\n' });
      answers++;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  })();
  return { stop: async () => ((running = false), await loop, answers) };
}

const openCount = async (admin: string) => Number(/^xds_connected_streams (\d+)$/m.exec((await getText(`${admin}/metrics`)).body)?.[1]);

it('1,000 streams connect and disconnect in bulk; /healthz answers throughout', async () => {
  const janitor = spawnCli(['--source', `file:${cluster.file}`, '-p', '0', '--admin', '127.0.0.1:0', '--janitor-socket', 'none', '-P', '1']);
  try {
    const ports = await janitor.ports();
    const admin = `http://127.0.0.1:${ports.admin ?? 0}`;
    let health = keepAsking(admin);
    const streams = openStreams(`127.0.0.1:${ports.xds}`, 1000);
    await within(streams.ready, 60_000, '1,000 streams served');
    expect(await health.stop()).toBeGreaterThan(0);
    expect(await openCount(admin)).toBe(1000);
    // the janitor's log reaches us through a pipe, a little after the streams are served
    await until(() => (janitor.stdout().match(/"msg":"client connected"/g) ?? []).length === 1000, 30_000, 'every connection logged');

    health = keepAsking(admin);
    streams.close();
    expect(Object.values(await within(streams.ended, 30_000, 'streams ended')).reduce((a, b) => a + b, 0)).toBe(1000);
    await until(async () => (await openCount(admin)) === 0, 30_000, 'no stream left');
    expect(await health.stop()).toBeGreaterThan(0);
    await until(() => (janitor.stdout().match(/"msg":"client disconnected"/g) ?? []).length === 1000, 30_000, 'every disconnection logged');
    streams.kill();
  } finally {
    janitor.child.kill('SIGTERM');
    await janitor.exit;
  }
}, 120_000);
