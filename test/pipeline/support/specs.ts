// Services in the cluster file's vocabulary, built from a few parts: an L4 expose, a UDP expose, an
// HTTP expose (TLS-terminated when given a certificate) with its vhost and routes.
import { goodTls, pem } from '../../model/support/certs.js';
import type { Json, Secrets, ServiceSpec } from './gateway.js';

/** `test/sec/cert` (a good certificate and key) and `test/sec/ca` (a CA for client certificates). */
export const SECRETS: Secrets = { 'test/sec/cert': goodTls, 'test/sec/ca': { trusted_ca: pem.ca } };
export const TLS_CERT = 'tls_certificate/test/sec/cert';
export const CA = 'validation_context/test/sec/ca';

/** A service with an instance on node `local` at each address (every expose listed on each ip). */
export function svc(ips: string | readonly (string | { ip: string; status: string })[], ...parts: ServiceSpec[]): ServiceSpec {
  return Object.assign({ endpoints: typeof ips === 'string' ? [ips] : [...ips] }, ...parts) as ServiceSpec;
}

/** `expose#<i>`: plain TCP to port 8080, on `listener_port`. */
export function l4(i: number, listenerPort: number, expose: Json = {}): ServiceSpec {
  return { [`expose#${i}`]: { port: 8080, listener_port: listenerPort, ...expose } };
}

/** `expose#<i>`: UDP to port 53, on `listener_port`. */
export function udp(i: number, listenerPort: number, expose: Json = {}): ServiceSpec {
  return { [`expose#${i}`]: { port: 53, protocol: 'udp', listener_port: listenerPort, ...expose } };
}

export interface WebOptions {
  readonly listenerPort?: number;
  readonly domains: readonly string[];
  /** Route sections `route#<i><j>` in order; default one `match_prefix: /`. */
  readonly routes?: readonly Json[];
  /** TLS termination with `certificate#<i>` (certificate_secret `cert` unless given). */
  readonly tls?: { readonly secret?: string; readonly validation?: string };
  readonly expose?: Json;
}

/** `expose#<i>` to port 8080 with `vhost#<i>` and its routes; TLS-terminated when `tls` is given. */
export function web(i: number, o: WebOptions): ServiceSpec {
  const routes = o.routes ?? [{ match_prefix: '/' }];
  const rids = routes.map((_, j) => `route#${i}${j}`);
  const out: Record<string, unknown> = {
    [`expose#${i}`]: {
      port: 8080,
      listener_port: o.listenerPort ?? (o.tls ? 443 : 80),
      vhosts: [`vhost#${i}`],
      ...(o.tls && { listener_certificates: [`certificate#${i}`] }),
      ...o.expose,
    },
    [`vhost#${i}`]: { domains: [...o.domains], routes: rids },
  };
  routes.forEach((r, j) => (out[rids[j] ?? ''] = r));
  if (o.tls) out[`certificate#${i}`] = { certificate_secret: o.tls.secret ?? 'cert', ...(o.tls.validation !== undefined && { validation_secret: o.tls.validation }) };
  return out;
}
