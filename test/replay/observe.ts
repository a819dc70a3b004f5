// What an operator looks at in Envoy, read from the views of test/replay/envoy-view.ts: listener and
// cluster names, the routes of each RouteConfiguration, the endpoints and their health, the secret
// names, and which responses a step produced (and how long after the event the last one arrived).
import { TYPE, type TypeUrl } from '../../src/xds/types.js';
import type { EnvoyView, Plain } from './envoy-view.js';

const SHORT: Record<string, string> = {
  [TYPE.listener]: 'LDS', [TYPE.route]: 'RDS', [TYPE.cluster]: 'CDS', [TYPE.endpoint]: 'EDS', [TYPE.secret]: 'SDS',
};

const list = (v: unknown): Plain[] => (Array.isArray(v) ? (v as Plain[]) : []);
const obj = (v: unknown): Plain => (v !== null && typeof v === 'object' ? (v as Plain) : {});

/** vhost name → domains and `prefix (timeout)` per route, in order. */
export function routesOf(view: EnvoyView, name: string): Record<string, { domains: unknown; routes: string[] }> {
  const out: Record<string, { domains: unknown; routes: string[] }> = {};
  for (const vh of list(view.message(TYPE.route, name)['virtual_hosts'])) {
    const routes = list(vh['routes']).map((r) => {
      const timeout = obj(obj(r['route'])['timeout'])['seconds'];
      return `${String(obj(r['match'])['prefix'])}${timeout === undefined ? '' : ` (timeout ${String(timeout)}s)`}`;
    });
    out[String(vh['name'])] = { domains: vh['domains'], routes };
  }
  return out;
}

/** cluster → `address:port HEALTH` of every endpoint. */
export function endpointsOf(view: EnvoyView): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [name, held] of view.held(TYPE.endpoint)) {
    out[name] = list(held.message['endpoints']).flatMap((l) =>
      list(l['lb_endpoints']).map((e) => {
        const sa = obj(obj(obj(e['endpoint'])['address'])['socket_address']);
        return `${String(sa['address'])}:${String(sa['port_value'])} ${String(e['health_status'] ?? 'UNKNOWN')}`;
      }),
    );
  }
  return out;
}

/** The certificate chain an SDS secret carries (inline_string or inline_bytes, decoded). */
export function chainOf(view: EnvoyView, name: string): string {
  const chain = obj(obj(view.message(TYPE.secret, name)['tls_certificate'])['certificate_chain']);
  if (typeof chain['inline_string'] === 'string') return chain['inline_string'];
  if (typeof chain['inline_bytes'] === 'string') return Buffer.from(chain['inline_bytes'], 'base64').toString('utf8');
  return '';
}

/** name → version of everything held of a type. */
export function versionsOf(view: EnvoyView, typeUrl: TypeUrl): Record<string, string> {
  return Object.fromEntries([...view.held(typeUrl)].map(([n, h]) => [n, h.version]));
}

/** Responses since `mark`, as `LDS +a +b -c` lines. */
export function responsesSince(view: EnvoyView, mark: number): string[] {
  return view.seen.slice(mark).map((s) => [SHORT[s.typeUrl] ?? s.typeUrl, ...s.names.map((n) => `+${n}`), ...s.removed.map((n) => `-${n}`)].join(' '));
}

/** Types that got a response since `mark`. */
export function typesSince(view: EnvoyView, mark: number): string[] {
  return [...new Set(view.seen.slice(mark).map((s) => SHORT[s.typeUrl] ?? s.typeUrl))].sort();
}

/** ms from t0 to the last response since `mark` (undefined when none). */
export function latencySince(view: EnvoyView, mark: number, t0: number): number | undefined {
  const last = view.seen.slice(mark).at(-1);
  return last ? last.at - t0 : undefined;
}

/** Everything a view holds, per type: name → message (for comparing two janitors). */
export function everything(view: EnvoyView): Record<string, Record<string, Plain>> {
  const types = [TYPE.listener, TYPE.route, TYPE.cluster, TYPE.endpoint, TYPE.secret];
  return Object.fromEntries(types.map((t) => [SHORT[t] ?? t, Object.fromEntries([...view.held(t)].sort(([a], [b]) => a.localeCompare(b)).map(([n, h]) => [n, h.message]))]));
}
