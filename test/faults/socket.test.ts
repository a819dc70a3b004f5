// The xDS unix socket belongs to one janitor: a second janitor started on the same path refuses
// to start (the socket answers) and the first keeps serving on it; a socket left by a killed
// janitor (nobody answers) is taken over. `--port none` leaves the unix socket as the only door.
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { TYPE } from '../../src/xds/types.js';
import { spawnCli, startTestJanitor, tempCluster, type Spawned } from '../e2e/support.js';
import { connectAds } from '../xds/support/client.js';
import { within } from './support/streams.js';

const cluster = tempCluster();
const unix = path.join(cluster.dir, 'xds.sock');
const running: Spawned[] = [];
afterAll(() => {
  for (const j of running) if (j.child.exitCode === null) j.child.kill('SIGKILL');
  cluster.cleanup();
});

const start = (): Spawned => {
  const j = spawnCli(['--source', `file:${cluster.file}`, '-p', '0', '--admin', 'none', '--janitor-socket', unix, '-P', '1']);
  running.push(j);
  return j;
};

async function servesOnSocket(nodeId: string): Promise<string[]> {
  const c = await connectAds({ unixPath: unix, nodeId, variant: 'sotw' });
  try {
    c.request(TYPE.cluster);
    return (await c.nextSotw(TYPE.cluster, { timeoutMs: 10_000 })).resources.map((r) => r.name);
  } finally {
    c.close();
  }
}

it('a second janitor on a live socket exits 1 and names it; the first keeps serving', async () => {
  const first = start();
  await first.ports();
  expect(statSync(unix).isSocket()).toBe(true);
  const second = start();
  expect(await within(second.exit, 30_000, 'the second janitor exit')).toEqual({ code: 1, signal: null });
  expect(second.stdout()).toContain(`cannot listen on unix socket ${unix}: ${unix} is in use: another process serves on it`);
  expect(await servesOnSocket('after-second')).toContain('demo/svc/web.expose#0');
  expect(first.child.exitCode).toBe(null);

  // killed without cleaning up: the socket file stays, nobody answers on it
  first.child.kill('SIGKILL');
  await first.exit;
  expect(existsSync(unix)).toBe(true);
  const third = start();
  await third.ports();
  expect(await servesOnSocket('after-takeover')).toContain('demo/svc/web.expose#0');
  third.child.kill('SIGTERM');
  expect(await third.exit).toEqual({ code: 0, signal: null });
}, 90_000);

it('--port none: no TCP listener, the unix socket serves everything, secrets included', async () => {
  const only = path.join(cluster.dir, 'only.sock');
  const j = await startTestJanitor({ source: `file:${cluster.file}`, port: 'none', janitorSocket: only });
  try {
    await j.janitor.ready;
    expect(j.janitor.ports.xds).toBeUndefined();
    expect(j.log()).not.toContain('"risk"');
    const c = await connectAds({ unixPath: only, nodeId: 'unix-only', variant: 'delta' });
    c.subscribe(TYPE.secret, ['tls_certificate/demo/sec/web-cert']);
    expect((await c.nextDelta(TYPE.secret)).resources.map((r) => r.name)).toEqual(['tls_certificate/demo/sec/web-cert']);
    c.close();
  } finally {
    await j.close();
  }
});

it('--port none without a unix socket is refused at start', async () => {
  await expect(startTestJanitor({ source: `file:${cluster.file}`, port: 'none', janitorSocket: 'none' })).rejects.toThrow('no xDS listener: --port none needs a unix socket (--janitor-socket)');
});
