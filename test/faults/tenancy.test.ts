// Issue 10, tenants live: the real CLI follows the OpenSVC stand-in on its unix socket (then a
// cluster file); namespace acme is served *.victim.org and shop.victim.org on port 80. A younger
// service of namespace mallory arrives (a daemon patch, a file edit) and tries attack 1 (www.victim.org, exact, under the
// wildcard) and attack 3 (a /login path on shop.victim.org). A real xDS client sees the victim's
// RouteConfiguration unchanged (same version, no update sent), the attacker's own expose served;
// /services shows the two refused exposes with both sides named, and the log says so.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ServiceStatus } from '../../src/pipeline/index.js';
import type { JsonObject } from '../../src/source/opensvc/json.js';
import { TYPE } from '../../src/xds/types.js';
import { closedPort, getJson, spawnCli, tempCluster, until, type Spawned } from '../e2e/support.js';
import { connectEnvoyView, type EnvoyView } from '../replay/envoy-view.js';
import { SECRETS } from '../replay/stack.js';
import { startFakeDaemon } from '../support/fake-daemon/index.js';
import { finalStatus, statuses } from './support.js';

const VICTIM = 'acme/svc/web';
const ATTACKER = 'mallory/svc/web';
const ROUTES = '0.0.0.0:80/tcp';
const STATUS = ['monitor', 'nodes', 'vm', 'services', 'status'];

const res = (type: string, info: JsonObject): JsonObject => ({ type, status: 'n/a', info });

/** A service as the daemon reports it: one ip listing every expose, and its sections. */
function service(ip: string, sections: Record<string, JsonObject>): JsonObject {
  const exposes = Object.keys(sections).filter((rid) => rid.startsWith('expose#'));
  return { kind: 'svc', avail: 'up', resources: { 'ip#0': { type: 'ip', status: 'up', info: { ipaddr: ip, expose: exposes } }, ...sections } };
}

const victim = service('10.9.0.1', {
  'expose#0': res('expose.envoy', { port: 8080, protocol: 'tcp', listener_port: 80, vhosts: ['vhost#0'] }),
  'vhost#0': res('vhost.envoy', { domains: ['*.victim.org', 'shop.victim.org'], routes: ['route#0'] }),
  'route#0': res('route.envoy', { match_prefix: '/' }),
});

const attacker = service('10.9.0.9', {
  'expose#0': res('expose.envoy', { port: 8080, protocol: 'tcp', listener_port: 80, vhosts: ['vhost#0'] }),
  'expose#1': res('expose.envoy', { port: 8080, protocol: 'tcp', listener_port: 80, vhosts: ['vhost#1'] }),
  'expose#2': res('expose.envoy', { port: 8080, protocol: 'tcp', listener_port: 8081, vhosts: ['vhost#2'] }),
  'vhost#0': res('vhost.envoy', { domains: ['www.victim.org'], routes: ['route#0'] }),
  'vhost#1': res('vhost.envoy', { domains: ['shop.victim.org'], routes: ['route#1'] }),
  'vhost#2': res('vhost.envoy', { domains: ['mallory.org'], routes: ['route#0'] }),
  'route#0': res('route.envoy', { match_prefix: '/' }),
  'route#1': res('route.envoy', { match_path: '/login' }),
});

const VICTIM_YAML = `  acme/svc/web:
    endpoints: [10.9.0.1]
    expose#0: { port: 8080, listener_port: 80, vhosts: [vhost#0] }
    vhost#0: { domains: ["*.victim.org", shop.victim.org], routes: [route#0] }
    route#0: { match_prefix: / }
`;
const ATTACKER_YAML = `  mallory/svc/web:
    endpoints: [10.9.0.9]
    expose#0: { port: 8080, listener_port: 80, vhosts: [vhost#0] }
    expose#1: { port: 8080, listener_port: 80, vhosts: [vhost#1] }
    expose#2: { port: 8080, listener_port: 8081, vhosts: [vhost#2] }
    vhost#0: { domains: [www.victim.org], routes: [route#0] }
    vhost#1: { domains: [shop.victim.org], routes: [route#1] }
    vhost#2: { domains: [mallory.org], routes: [route#0] }
    route#0: { match_prefix: / }
    route#1: { match_path: /login }
`;

describe('a younger service of another namespace (the real CLI)', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  /** The CLI started with `args`, and a Delta client holding the victim's RouteConfiguration. */
  async function start(args: readonly string[]): Promise<{ cli: Spawned; view: EnvoyView; admin: string }> {
    const cli = spawnCli([...args, '--name', 'gw', '--port', '0', '--admin', '127.0.0.1:0', '--janitor-socket', 'none', '--envoy-port', String(await closedPort()), '--insecure-sds-over-tcp']);
    cleanups.push(async () => {
      cli.child.kill('SIGTERM');
      await cli.exit;
    });
    const ports = await cli.ports();
    const view = await connectEnvoyView(`127.0.0.1:${ports.xds}`, 'envoy-tenancy', 'delta');
    cleanups.push(() => view.close());
    await until(() => view.names(TYPE.route).includes(ROUTES), 10_000, "the victim's RouteConfiguration");
    return { cli, view, admin: `http://127.0.0.1:${ports.admin ?? 0}` };
  }

  /** Let the attacker arrive (`arrive`), then check that the victim lost nothing and the attacker is told why. */
  async function attack(s: { cli: Spawned; view: EnvoyView; admin: string }, arrive: () => void): Promise<void> {
    const { cli, view, admin } = s;
    const before = view.held(TYPE.route).get(ROUTES);
    const mark = view.seen.length;
    arrive();
    await until(() => view.names(TYPE.cluster).includes(`${ATTACKER}.expose#2`), 10_000, "the attacker's own expose");

    // the victim's routes: the same message and version, and no RouteConfiguration update for it since
    expect(view.held(TYPE.route).get(ROUTES)).toEqual(before);
    expect(view.seen.slice(mark).filter((x) => x.typeUrl === TYPE.route && x.names.includes(ROUTES))).toEqual([]);
    const hosts = (view.message(TYPE.route, ROUTES)['virtual_hosts'] as { name: string; domains: string[] }[]).map((h) => [h.name, h.domains]);
    expect(hosts).toEqual([[`${VICTIM}.expose#0.vhost#0`, ['*.victim.org', '*.victim.org:80', 'shop.victim.org', 'shop.victim.org:80']]]);
    expect(view.names(TYPE.cluster).filter((c) => c.startsWith(ATTACKER))).toEqual([`${ATTACKER}.expose#2`]);

    const { body } = await getJson(`${admin}/services`);
    const st = (body as ServiceStatus[]).find((x) => x.path === ATTACKER);
    expect(st).toMatchObject({ valid: false, served: true, clusters: [`${ATTACKER}.expose#2`] });
    expect(st?.exposes.map((e) => [e.rid, e.served, e.conflict?.holder ?? null, e.conflict?.what ?? null])).toEqual([
      ['expose#0', false, `${VICTIM} expose#0`, "host name www.victim.org (under *.victim.org, namespace acme's: a wildcard covers the names it matches)"],
      ['expose#1', false, `${VICTIM} expose#0`, "host name shop.victim.org (namespace acme's: a host name belongs to the first namespace served with it, on every listener)"],
      ['expose#2', true, null, null],
    ]);
    expect((body as ServiceStatus[]).find((x) => x.path === VICTIM)).toMatchObject({ valid: true, served: true });
    await until(() => cli.stdout().includes('"msg":"conflict: the holder keeps it"'), 5000, 'the conflict logged');
    expect(cli.stdout()).toContain(`"loser":"${ATTACKER}.expose#0","holder":"${VICTIM}.expose#0","what":"host name www.victim.org (under *.victim.org`);
    expect(cli.stdout()).toContain(`"loser":"${ATTACKER}.expose#1","holder":"${VICTIM}.expose#0","what":"host name shop.victim.org (namespace acme's`);
  }

  it('following the OpenSVC stand-in: takes neither a name under the victim\'s wildcard nor a path on its host name', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'xds-tenancy-'));
    const status = finalStatus();
    statuses(status)[VICTIM] = victim;
    const daemon = await startFakeDaemon({ socketPath: path.join(dir, 'lsnr.sock'), status, secrets: SECRETS });
    cleanups.push(async () => {
      await daemon.close();
      rmSync(dir, { recursive: true, force: true });
    });
    const s = await start(['--sock', daemon.socketPath]);
    await attack(s, () => daemon.emitPatch([[[...STATUS, ATTACKER], attacker]]));
  }, 60_000);

  it('following a cluster file: the same', async () => {
    const cluster = tempCluster(`services:\n${VICTIM_YAML}`);
    cleanups.push(() => cluster.cleanup());
    const s = await start(['--source', `file:${cluster.file}`]);
    await attack(s, () => cluster.write(`services:\n${VICTIM_YAML}${ATTACKER_YAML}`));
  }, 60_000);
});
