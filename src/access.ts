// The janitor's access rules for its xDS server: which nodes may connect (--allow-node) and who
// may receive private keys. The engine (src/xds) asks; this module decides.
//
// Secrets go only to streams that proved who they are (the 0660 unix socket, or TCP with a client
// certificate verified against --tls-ca), unless the operator accepts the risk with
// --insecure-sds-over-tcp; and only when named, never through a wildcard subscription. Which
// secrets exist at all is the pipeline's rule: it publishes a Secret only when a served Listener
// or Cluster references it, so a name nothing references is unknown to every client.
import type { Config } from './config.js';
import { TYPE, type AccessPolicy, type StreamInfo } from './xds/index.js';

type AccessConfig = Pick<Config, 'allowNodes' | 'insecureSdsOverTcp'>;

/** Streams whose peer is known: the unix socket (file permissions), or TCP with a verified client certificate. */
export const isAuthenticatedStream = (s: StreamInfo): boolean => s.transport === 'unix' || s.authenticated;

export function createAccessPolicy(config: AccessConfig): AccessPolicy {
  const allowed = new Set(config.allowNodes);
  return {
    admit(s) {
      if (allowed.size === 0 || allowed.has(s.nodeId) || allowed.has(s.nodeCluster)) return undefined;
      return `node "${s.nodeId}" (cluster "${s.nodeCluster}") is not allowed to connect to this janitor (--allow-node)`;
    },
    withhold(s, typeUrl, _name, via) {
      if (typeUrl !== TYPE.secret) return undefined;
      if (via === 'wildcard') return 'secrets are sent only when named, never for a wildcard subscription';
      if (!isAuthenticatedStream(s) && !config.insecureSdsOverTcp) {
        return 'secrets are not sent over TCP without mutual TLS: use the unix socket or --tls-ca (or accept the risk with --insecure-sds-over-tcp)';
      }
      return undefined;
    },
  };
}

export interface Warning {
  readonly message: string;
  readonly fields: Record<string, unknown>;
}

const isLoopback = (host: string): boolean =>
  host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host) || /^::ffff:127\./i.test(host);

/** What the operator must hear at startup about how exposed the xDS server is. */
export function securityWarnings(config: Pick<Config, 'listen' | 'port' | 'tls' | 'insecureSdsOverTcp'> & Partial<Pick<Config, 'allowCodeExtensions' | 'allowClusterHeader'>>, unixSocket: string | undefined): Warning[] {
  const mutual = config.tls?.ca !== undefined;
  const out: Warning[] = [];
  if (config.port !== undefined && !isLoopback(config.listen) && !mutual) {
    out.push({
      message: `xDS listens on ${config.listen}, beyond this host, without mutual TLS: anyone who reaches port ${config.port} can read the gateway's listeners, routes and clusters${config.insecureSdsOverTcp ? ' AND EVERY PRIVATE KEY' : ''}; use --tls-cert/--tls-key/--tls-ca or listen on loopback`,
      fields: { listen: config.listen, port: config.port, risk: 'configuration disclosure' },
    });
  }
  if (config.insecureSdsOverTcp && !mutual) {
    out.push({
      message: '--insecure-sds-over-tcp: private keys are served on TCP to any client: any local user can read every private key of the gateway',
      fields: { risk: 'private key disclosure' },
    });
  }
  if (!config.insecureSdsOverTcp && !mutual && unixSocket === undefined) {
    out.push({
      message: 'no xDS transport may carry secrets (no unix socket, no mutual TLS): TLS listeners will not get their certificates',
      fields: { risk: 'TLS listeners without certificates' },
    });
  }
  if (config.allowCodeExtensions === true) {
    out.push({
      message: "--allow-code-extensions: services' cluster_data/filter_config_data may run code inside Envoy (Lua, Wasm, Go, dynamic modules), which can read Envoy's files and keys and reach any cluster: every tenant must be trusted",
      fields: { risk: 'tenant code in the gateway' },
    });
  }
  if (config.allowClusterHeader === true) {
    out.push({
      message: "--allow-cluster-header: a route with route_cluster_header lets its clients name any cluster of the gateway, other namespaces' backends too: every tenant must be trusted",
      fields: { risk: 'cross-namespace routing' },
    });
  }
  return out;
}
