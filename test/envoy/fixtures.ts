// Hand-built IR fixtures for the envoy translation tests.
import { clusterName, vhostName } from '../../src/model/names.js';
import type { Certificate, Endpoint, Expose, Route, SecretModel, ServiceModel, VirtualHost } from '../../src/model/types.js';

export function expose(path: string, rid: string, over: Partial<Expose> = {}): Expose {
  return {
    rid,
    clusterName: clusterName(path, rid),
    protocol: 'tcp',
    port: 8080,
    listener: { address: '0.0.0.0', port: 1026, protocol: over.protocol ?? 'tcp' },
    allocatedPort: false,
    lbPolicy: 'ROUND_ROBIN',
    sni: [],
    vhosts: [],
    listenerCertificates: [],
    clusterCertificates: [],
    http2: true,
    ...over,
  };
}

export function endpoint(address: string, node: string, over: Partial<Endpoint> = {}): Endpoint {
  return { address, port: 8080, node, health: 'HEALTHY', ...over };
}

export function route(rid: string, cluster: string, over: Partial<Route> = {}): Route {
  return { rid, match: { kind: 'prefix', value: '/' }, action: { kind: 'route', cluster, hashPolicies: [] }, ...over };
}

export function vhost(path: string, exposeRid: string, rid: string, hostnames: readonly string[], port: number, routes: readonly Route[]): VirtualHost {
  const domains = hostnames.flatMap((h) => (port === 80 || port === 443 ? [h, `${h}:${port}`] : [`${h}:${port}`]));
  return { rid, name: vhostName(path, exposeRid, rid), domains, hostnames, routes };
}

/** An HTTP expose on `port` with one vhost `vhost#0` routing `/` to its own cluster. */
export function httpExpose(path: string, rid: string, hostnames: readonly string[], port = 80, over: Partial<Expose> = {}): Expose {
  const routes = [route('route#0', clusterName(path, rid))];
  return expose(path, rid, {
    listener: { address: '0.0.0.0', port, protocol: 'tcp' },
    vhosts: [vhost(path, rid, 'vhost#0', hostnames, port, routes)],
    ...over,
  });
}

export function certificate(rid: string, tlsSecret: string, validationSecret?: string): Certificate {
  return validationSecret ? { rid, tlsSecret, validationSecret } : { rid, tlsSecret };
}

export function service(path: string, exposes: readonly Expose[], secrets: readonly SecretModel[] = []): ServiceModel {
  const parts = path.split('/');
  return { path, namespace: parts.length >= 3 ? (parts[0] ?? 'root') : 'root', exposes, secrets };
}

/** Fisher-Yates with a seeded LCG: a reproducible shuffle. */
export function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let s = seed;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) % 2147483648;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}
