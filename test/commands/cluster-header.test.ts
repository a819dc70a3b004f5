// route_cluster_header through the real CLI, as a hostile tenant would use it: namespace `evil`
// routes on a header naming the cluster, to reach namespace `bank`'s backend past bank's own
// routes and listener. Without --allow-cluster-header the route is refused (NotAllowed, the flag
// named), nothing served carries a cluster_header, and bank is served as before; with the flag (or
// its variable) it is served, and the janitor warns at startup.
import { describe, expect, it } from 'vitest';
import type { CheckReport } from '../../src/commands/check.js';
import { spawnCli, until } from '../e2e/support.js';
import { runCli, writeCluster } from './support.js';

const CLUSTER = `services:
  bank/svc/ledger:
    endpoints: [127.0.0.2]
    expose#0: { port: 8443, listener_port: 10081, vhosts: [vhost#0] }
    vhost#0: { domains: [ledger.bank.test], routes: [route#0] }
    route#0: { match_prefix: /public/ }
  evil/svc/proxy:
    endpoints: [127.0.0.3]
    expose#0: { port: 8080, listener_port: 10080, vhosts: [vhost#0] }
    vhost#0: { domains: [proxy.evil.test], routes: [route#0] }
    route#0: { match_prefix: /, route_cluster_header: x-target }
`;

describe('--allow-cluster-header', () => {
  const file = writeCluster(CLUSTER);

  it('without it, the route naming its cluster by header is refused, and only the other tenant is served', async () => {
    const r = await runCli(['check', '--source', `file:${file}`, '-o', 'json']);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as CheckReport;
    const evil = report.services.find((s) => s.path === 'evil/svc/proxy');
    expect(evil?.problems).toContainEqual(expect.objectContaining({ section: 'route#0', keyword: 'route_cluster_header', reason: 'NotAllowed', value: 'x-target', message: expect.stringContaining('--allow-cluster-header') }));
    expect(report.services.find((s) => s.path === 'bank/svc/ledger')?.problems).toEqual([]);
    const t = await runCli(['translate', '--source', `file:${file}`, '-o', 'json']);
    expect(t.stdout).not.toContain('cluster_header');
    expect(t.stdout).toContain('bank/svc/ledger.expose#0');
    expect(t.stdout).not.toContain('evil/svc/proxy.expose#0');
  });

  it('with the flag, or XDS_ALLOW_CLUSTER_HEADER, the route is served with its cluster_header', async () => {
    expect((await runCli(['check', '--source', `file:${file}`, '--allow-cluster-header'])).code).toBe(0);
    expect((await runCli(['check', '--source', `file:${file}`], { XDS_ALLOW_CLUSTER_HEADER: 'true' })).code).toBe(0);
    const t = await runCli(['translate', '--source', `file:${file}`, '--allow-cluster-header', '-o', 'json']);
    expect(t.code).toBe(0);
    expect(t.stdout).toMatch(/"cluster_header": ?"x-target"/);
  });

  it('the janitor warns at startup when the flag is on', async () => {
    const j = spawnCli(['--source', `file:${file}`, '--port', '0', '--admin', 'none', '--janitor-socket', 'none', '--allow-cluster-header']);
    try {
      await j.ports();
      await until(() => j.stdout().includes('--allow-cluster-header'), 5000, 'the startup warning');
      expect(j.stdout()).toMatch(/"level":"warn".*--allow-cluster-header: a route with route_cluster_header lets its clients name any cluster/);
    } finally {
      j.child.kill('SIGTERM');
      await j.exit;
    }
  });
});
