// `npm start` itself (the package.json script, on examples/cluster.yaml as committed), its ports
// moved by environment variables so it cannot collide with anything: an ADS client gets the
// example's clusters.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { TYPE } from '../../src/xds/types.js';
import { connectAds } from '../xds/support/client.js';
import { ROOT, until } from './support.js';

const dir = mkdtempSync(path.join(tmpdir(), 'xds-npm-start-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('npm start serves examples/ (ports from XDS_* variables)', async () => {
  const portsFile = path.join(dir, 'ports.json');
  const child = spawn('npm', ['start', '--silent'], {
    cwd: ROOT,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, XDS_PORT: '0', XDS_ADMIN: '127.0.0.1:0', XDS_JANITOR_SOCKET: `unix://${path.join(dir, 'xds.sock')}`, XDS_PORTS_FILE: portsFile, XDS_ENVOY_PORT: '1', GRPC_VERBOSITY: 'NONE' },
  });
  let err = '';
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  try {
    await until(() => existsSync(portsFile) && readFileSync(portsFile, 'utf8').endsWith('\n'), 20_000, `npm start (stderr: ${err.slice(-300)})`);
    const ports = JSON.parse(readFileSync(portsFile, 'utf8')) as { xds: number; unix: string };
    expect(ports.unix).toBe(path.join(dir, 'xds.sock'));
    const c = await connectAds({ address: `127.0.0.1:${ports.xds}`, nodeId: 'npm-start', variant: 'delta' });
    c.subscribe(TYPE.cluster, []);
    const r = await c.nextDelta(TYPE.cluster, { timeoutMs: 5000 });
    expect(r.resources.map((x) => x.name)).toContain('demo/svc/web.expose#1');
    c.close();
  } finally {
    if (child.pid !== undefined) process.kill(-child.pid, 'SIGTERM');
  }
}, 30_000);
