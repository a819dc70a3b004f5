// SIGTERM with 1,000 streams open (from another process): every stream is ended, the janitor
// exits 0 within 5 seconds (the requirement), the unix socket file is removed.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { getText, spawnCli, tempCluster } from '../e2e/support.js';
import { openStreams, within } from './support/streams.js';

const cluster = tempCluster();
afterAll(() => cluster.cleanup());

it('SIGTERM with 1,000 open streams: all ended, exit 0 within 5 s, socket removed', async () => {
  const unix = path.join(cluster.dir, 'xds.sock');
  const janitor = spawnCli(['--source', `file:${cluster.file}`, '-p', '0', '--admin', '127.0.0.1:0', '--janitor-socket', unix, '-P', '1']);
  const streams = openStreams(`127.0.0.1:${(await janitor.ports()).xds}`, 1000);
  try {
    const { admin } = await janitor.ports();
    await within(streams.ready, 60_000, '1,000 streams served');
    expect((await getText(`http://127.0.0.1:${admin ?? 0}/metrics`)).body).toMatch(/^xds_connected_streams 1000$/m);
    const started = Date.now();
    janitor.child.kill('SIGTERM');
    expect(await within(janitor.exit, 10_000, 'the janitor exit')).toEqual({ code: 0, signal: null });
    expect(Date.now() - started).toBeLessThan(5000);
    const ended = await within(streams.ended, 10_000, 'every stream ended');
    expect(Object.values(ended).reduce((a, b) => a + b, 0)).toBe(1000);
    expect(ended).toEqual({ 0: 1000 });
    expect(existsSync(unix)).toBe(false);
  } finally {
    streams.kill();
    if (janitor.child.exitCode === null) janitor.child.kill('SIGKILL');
  }
}, 120_000);
