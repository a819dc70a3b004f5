// The recording of a real OpenSVC 2.1 daemon (daemon_status.final.json) through the step, as the
// janitor's first snapshot: what Envoy is given, every resource accepted by the validator.
import { describe, expect, it } from 'vitest';
import { goodTls } from '../model/support/certs.js';
import { loadDaemonStatus } from '../model/support/state.js';
import { Gateway, type Json } from './support/gateway.js';

const WEB1 = 'test/svc/web1';
const state = loadDaemonStatus(new URL('../fixtures/opensvc-v2.1/daemon_status.final.json', import.meta.url).pathname);

function served(): Gateway {
  const g = new Gateway({ secrets: { 'test/sec/web1-front-cert': goodTls } });
  const out = g.apply(state);
  // the cluster object and the secret are not services: they get no status
  expect([...out.statuses].filter(([, st]) => st !== undefined).map(([p]) => p)).toEqual([WEB1]);
  expect(out.statuses.get(WEB1)).toMatchObject({ valid: true, problems: [], served: true });
  expect(out.allocations).toEqual([]);
  return g;
}

describe('daemon_status.final.json through the step', () => {
  it('gives the three listeners, the clusters and their endpoints, the TLS chain\'s routes and the secret, all valid', () => {
    const g = served();
    expect(g.names('listener')).toEqual(['0.0.0.0:1026/tcp', '0.0.0.0:443/tcp', '0.0.0.0:8080/tcp']);
    const clusters = [`${WEB1}.expose#0`, `${WEB1}.expose#1`, `${WEB1}.expose#2`];
    expect(g.names('cluster')).toEqual(clusters);
    expect(g.names('endpoint')).toEqual(clusters);
    expect(g.names('route')).toEqual([`0.0.0.0:443/tcp/${WEB1}.expose#1`]);
    expect(g.names('secret')).toEqual(['tls_certificate/test/sec/web1-front-cert']);
    for (const kind of ['listener', 'route', 'cluster', 'endpoint', 'secret'] as const) {
      for (const name of g.names(kind)) expect(g.violations(kind, name), `${kind} ${name}`).toEqual([]);
    }
  });

  it('terminates TLS for web1.acme.org on 443 and routes /live then / to expose#1', () => {
    const g = served();
    const [chain] = g.get('listener', '0.0.0.0:443/tcp')['filter_chains'] as Json[];
    expect(chain?.['filter_chain_match']).toEqual({ server_names: ['web1.acme.org'] });
    expect(JSON.stringify(chain?.['filters'])).toContain(`"route_config_name":"0.0.0.0:443/tcp/${WEB1}.expose#1"`);
    const [vhost, ...more] = g.get('route', `0.0.0.0:443/tcp/${WEB1}.expose#1`)['virtual_hosts'] as Json[];
    expect(more).toEqual([]);
    expect(vhost?.['domains']).toEqual(['web1.acme.org', 'web1.acme.org:443']);
    expect(vhost?.['routes']).toEqual([
      { name: 'route#0', match: { prefix: '/live' }, route: { cluster: `${WEB1}.expose#1`, timeout: '30s' } },
      { name: 'route#1', match: { prefix: '/' }, route: { cluster: `${WEB1}.expose#1` } },
    ]);
  });

  it('sends each expose to the instance\'s ip on its own port', () => {
    const g = served();
    const ports = ['expose#0', 'expose#1', 'expose#2'].map((rid) => {
      const cla = JSON.stringify(g.get('endpoint', `${WEB1}.${rid}`));
      expect(cla).toContain('"address":"127.0.0.12"');
      return /"port_value":(\d+)/.exec(cla)?.[1];
    });
    expect(ports).toEqual(['80', '443', '22']);
  });
});
