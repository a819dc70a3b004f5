// Every resource name the janitor emits is built here, and only here. Names are the protocol's
// keys: operators and the Python janitor's users know them, and a naming bug is an outage.
import type { Protocol } from './types.js';

export interface ObjectPath {
  readonly namespace: string;
  readonly kind: string;
  readonly name: string;
}

/**
 * Split an OpenSVC object path. `ns/kind/name` is explicit; `kind/name` and a bare `name` live in
 * the root namespace (`root`), a bare name being a `svc`, except `cluster`: the cluster
 * configuration object (kind `ccfg`, as the daemon status shows it), never a service.
 */
export function splitPath(path: string): ObjectPath {
  const parts = path.split('/');
  if (parts.length >= 3) return { namespace: parts[0] ?? '', kind: parts[1] ?? '', name: parts.slice(2).join('/') };
  if (parts.length === 2) return { namespace: 'root', kind: parts[0] ?? '', name: parts[1] ?? '' };
  return { namespace: 'root', kind: path === 'cluster' ? 'ccfg' : 'svc', name: path };
}

/** The path of a secret object: `<ns>/sec/<name>`, or `sec/<name>` in the root namespace. */
export function secretPath(namespace: string, name: string): string {
  return namespace === 'root' ? `sec/${name}` : `${namespace}/sec/${name}`;
}

/** `test/svc/web1.expose#1`: the Cluster and its ClusterLoadAssignment. */
export function clusterName(servicePath: string, exposeRid: string): string {
  return `${servicePath}.${exposeRid}`;
}

/** Host part of a listener name: IPv6 in brackets. */
function hostPart(address: string): string {
  return address.includes(':') ? `[${address}]` : address;
}

/** `0.0.0.0:443/tcp`, `[::]:443/tcp`: the Listener. */
export function listenerName(address: string, port: number, protocol: Protocol): string {
  return `${hostPart(address)}:${port}/${protocol}`;
}

/** The RouteConfiguration of a listener's plain-HTTP filter chain is named like the listener. */
export function routeConfigName(address: string, port: number, protocol: Protocol): string {
  return listenerName(address, port, protocol);
}

/**
 * The RouteConfiguration of one TLS-terminating filter chain: the listener name, `/`, and the
 * chain's expose (its cluster name), e.g. `0.0.0.0:443/tcp/test/svc/web1.expose#1`. One per chain,
 * so a Host header can only reach the virtual hosts the chain's own certificate and client
 * certificate rule protect; named after the expose rather than its server names, so adding a
 * domain does not rename it.
 */
export function chainRouteConfigName(listener: string, exposeCluster: string): string {
  return `${listener}/${exposeCluster}`;
}

/** A virtual host that merges the routes several services bring for one host name on a shared RouteConfiguration. */
export function sharedVhostName(hostname: string): string {
  return `shared/${hostname}`;
}

/** `test/svc/web1.expose#1.vhost#0`: a VirtualHost, as the Python janitor named it. */
export function vhostName(servicePath: string, exposeRid: string, vhostRid: string): string {
  return `${clusterName(servicePath, exposeRid)}.${vhostRid}`;
}

/** `tls_certificate/<ns>/sec/<name>` for a `certificate_secret`. */
export function tlsSecretName(namespace: string, secret: string): string {
  return `tls_certificate/${secretPath(namespace, secret)}`;
}

/** `validation_context/<ns>/sec/<name>` for a `validation_secret`. */
export function validationSecretName(namespace: string, secret: string): string {
  return `validation_context/${secretPath(namespace, secret)}`;
}

/** `tls_certificate/<service path>/<certificate rid>` for `*_filename` / `*_inline_string` keywords. */
export function inlineTlsSecretName(servicePath: string, certificateRid: string): string {
  return `tls_certificate/${servicePath}/${certificateRid}`;
}
