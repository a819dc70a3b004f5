// Random gateways for property tests: services with random exposes (plain TCP, SNI passthrough,
// UDP, plain HTTP, TLS-terminated HTTP with or without client certificates) on shared and own
// listeners. `collide` draws ports, names and filter_config_data from small pools so that services
// meet on the same keys; without it every service keeps to names and ports of its own and only
// shares the :80/:8080 plain-HTTP chains and the :443/:8443 TLS listeners.
import fc from 'fast-check';
import type { Json, ServiceSpec, Services } from './gateway.js';
import { l4, svc, udp, web } from './specs.js';

const KINDS = ['tcp', 'sni', 'udp', 'http', 'https'] as const;

interface ExposeSeed {
  readonly kind: (typeof KINDS)[number];
  readonly a: number;
  readonly b: number;
  readonly routes: readonly Json[];
  readonly validation: boolean;
}

const ROUTES: readonly Json[] = [
  { match_prefix: '/' },
  { match_prefix: '/api', route_timeout: '5s' },
  { match_path: '/x' },
  { match_regex: '^/v[0-9]+' },
  { match_prefix: '/old', redirect_https_redirect: true },
];

const IPS = ['10.0.0.1', '10.0.0.2', { ip: '10.0.0.3', status: 'down' }] as const;

const exposeSeed: fc.Arbitrary<ExposeSeed> = fc.record({
  kind: fc.constantFrom(...KINDS),
  a: fc.nat(2),
  b: fc.nat(1),
  routes: fc.shuffledSubarray([...ROUTES], { minLength: 1 }),
  validation: fc.boolean(),
});

const serviceSeed = fc.record({
  exposes: fc.array(exposeSeed, { minLength: 1, maxLength: 3 }),
  ips: fc.subarray([...IPS], { minLength: 1 }),
});

const SHARED_NAMES: readonly (readonly string[])[] = [['a.org'], ['b.org'], ['a.org', '*.b.org']];
const FILTER_CONFIG = [undefined, '{"stream_idle_timeout": "60s"}', '{"stream_idle_timeout": "600s"}'] as const;

function exposeSpec(si: number, i: number, e: ExposeSeed, collide: boolean): ServiceSpec {
  const own = `s${si}-${i}.org`;
  const names = collide ? (SHARED_NAMES[e.a] ?? []) : [own, `*.${own}`];
  switch (e.kind) {
    case 'tcp':
      return l4(i, collide ? 2000 + e.a : 20000 + si * 10 + i);
    case 'sni':
      return l4(i, 8443, { sni: collide ? names.filter((n) => !n.startsWith('*')) : [`t${si}-${i}.org`] });
    case 'udp':
      return udp(i, collide ? 5353 + e.a : 5300 + si * 10 + i);
    case 'http': {
      const fcd = collide ? FILTER_CONFIG[e.a] : undefined;
      return web(i, { listenerPort: [80, 8080][e.b] ?? 80, domains: names, routes: e.routes, ...(fcd !== undefined && { expose: { filter_config_data: fcd } }) });
    }
    case 'https':
      return web(i, { listenerPort: [443, 8443][e.b] ?? 443, domains: names, routes: e.routes, tls: e.validation ? { validation: 'ca' } : {} });
  }
}

/** A random gateway: 1 to `max` services `test/svc/s<i>`. */
export function gateway(collide: boolean, max = 5): fc.Arbitrary<Services> {
  return fc.array(serviceSeed, { minLength: 1, maxLength: max }).map((seeds) => {
    const out: Record<string, ServiceSpec> = {};
    seeds.forEach((s, si) => {
      out[`test/svc/s${si}`] = svc([...s.ips], ...s.exposes.map((e, i) => exposeSpec(si, i, e, collide)));
    });
    return out;
  });
}
