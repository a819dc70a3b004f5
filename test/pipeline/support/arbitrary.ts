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

const TENANTS = ['a', 'b', 'c'] as const;
/** Names that meet: exact, deeper, suffix wildcards over them, the catch-all, a prefix wildcard, a trailing dot. */
const DOMAINS = ['v.org', 'www.v.org', '*.v.org', 'a.b.v.org', '*.b.v.org', 'x.org', '*', 'shop.*', 'www.v.org.'] as const;
const SNI = ['www.v.org', '*.v.org', 'a.b.v.org', '*.b.v.org', 'x.org'] as const;
const ADDRESSES = ['0.0.0.0', '10.0.0.5'] as const;

/** The tenants' namespaces (each TLS expose names `certificate_secret: cert` in its own). */
export const TENANT_NAMESPACES: readonly string[] = TENANTS;

const tenantExpose = fc.record({
  kind: fc.constantFrom('http', 'https', 'sni', 'tcp'),
  names: fc.subarray([...DOMAINS], { minLength: 1, maxLength: 2 }),
  sni: fc.subarray([...SNI], { minLength: 1, maxLength: 2 }),
  port: fc.constantFrom(80, 8080),
  address: fc.constantFrom(...ADDRESSES),
  data: fc.constantFrom(...FILTER_CONFIG),
  routes: fc.shuffledSubarray([{ match_prefix: '/' }, { match_path: '/login' }, { match_prefix: '/.well-known/acme-challenge/' }], { minLength: 1 }),
});
type TenantExpose = typeof tenantExpose extends fc.Arbitrary<infer T> ? T : never;

function tenantSpec(i: number, e: TenantExpose): ServiceSpec {
  switch (e.kind) {
    case 'http':
      return web(i, { listenerPort: e.port, domains: e.names, routes: e.routes, ...(e.data !== undefined && { expose: { filter_config_data: e.data } }) });
    case 'https':
      return web(i, { domains: e.names, routes: e.routes, tls: {} });
    case 'sni':
      return l4(i, 443, { sni: e.sni, listener_addr: e.address });
    case 'tcp':
      return l4(i, 2000, { listener_addr: e.address });
  }
}

/** A random gateway of services `<a|b|c>/svc/s<i>` whose host names, chains and addresses meet across namespaces. */
export function tenantGateway(max = 5): fc.Arbitrary<Services> {
  const service = fc.record({ ns: fc.constantFrom(...TENANTS), exposes: fc.array(tenantExpose, { minLength: 1, maxLength: 2 }) });
  return fc.array(service, { minLength: 1, maxLength: max }).map((seeds) => {
    const out: Record<string, ServiceSpec> = {};
    seeds.forEach((s, i) => {
      out[`${s.ns}/svc/s${i}`] = svc(`10.0.1.${i + 1}`, ...s.exposes.map((e, j) => tenantSpec(j, e)));
    });
    return out;
  });
}

/**
 * A history of gateways: a random first one, then edits, each giving one service (an existing
 * one, or a new one) new exposes, so that older services change after younger ones arrived.
 */
export function tenantHistory(max = 4): fc.Arbitrary<Services[]> {
  const edit = fc.record({ pick: fc.nat(max), ns: fc.constantFrom(...TENANTS), exposes: fc.array(tenantExpose, { minLength: 1, maxLength: 2 }) });
  return fc.tuple(tenantGateway(max), fc.array(edit, { minLength: 1, maxLength: 4 })).map(([first, edits]) => {
    const states: Services[] = [first];
    for (const e of edits) {
      const last = states[states.length - 1] ?? {};
      const paths = Object.keys(last);
      const path = paths[e.pick] ?? `${e.ns}/svc/n${states.length}`;
      states.push({ ...last, [path]: svc(`10.0.2.${states.length}`, ...e.exposes.map((x, j) => tenantSpec(j, x))) });
    }
    return states;
  });
}
