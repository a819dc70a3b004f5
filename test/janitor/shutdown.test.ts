// SIGINT (as SIGTERM, tested in test/e2e): open streams end with status OK, the unix socket file
// is removed, the process exits 0 within 5 s.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { TYPE } from '../../src/xds/types.js';
import { connectAds } from '../xds/support/client.js';
import { spawnCli, tempCluster } from '../e2e/support.js';

const cluster = tempCluster();
afterAll(() => cluster.cleanup());

it('SIGINT: streams closed cleanly, socket removed, exit 0 within 5 s', async () => {
  const unix = path.join(cluster.dir, 'xds.sock');
  const janitor = spawnCli(['--source', `file:${cluster.file}`, '-p', '0', '--admin', 'none', '--janitor-socket', unix, '-P', '1']);
  try {
    const ports = await janitor.ports();
    expect(existsSync(unix)).toBe(true);
    const streams = await Promise.all([
      connectAds({ unixPath: unix, nodeId: 'a', variant: 'delta' }),
      connectAds({ address: `127.0.0.1:${ports.xds}`, nodeId: 'b', variant: 'sotw' }),
    ]);
    for (const s of streams) {
      if (s === streams[0]) s.subscribe(TYPE.cluster, []);
      else s.request(TYPE.cluster);
      await s.nextResponse(TYPE.cluster, { timeoutMs: 5000 });
    }
    const started = Date.now();
    janitor.child.kill('SIGINT');
    expect(await janitor.exit).toEqual({ code: 0, signal: null });
    expect(Date.now() - started).toBeLessThan(5000);
    for (const s of streams) expect((await s.ended).code).toBe(0);
    expect(existsSync(unix)).toBe(false);
    for (const s of streams) s.close();
  } finally {
    if (janitor.child.exitCode === null) janitor.child.kill('SIGKILL');
  }
});
