// The unit of the pipeline: one expose of one service, translated, checked and encoded, with the
// claims it makes on configuration it may share with other services. A unit is served whole (its
// routes on a shared host name aside, see routes.ts) or not at all.
import type { ListenerKind } from '../envoy/listener.js';
import type { Expose, ListenerAddress, RouteMatch } from '../model/types.js';
import type { JsonObject } from '../proto/json.js';
import type { Claim } from './claims.js';

/** One route of a plain-HTTP virtual host, for the merged virtual host of a shared host name. */
export interface RoutePart {
  readonly rid: string;
  readonly match: RouteMatch;
  /** Identity of the match: two routes with the same key on one host name collide. */
  readonly matchKey: string;
  readonly json: JsonObject;
}

/** A plain-HTTP virtual host this unit brings to its listener's shared RouteConfiguration. */
export interface VhostPart {
  readonly rid: string;
  readonly name: string;
  /** Lower-cased, as written (the domains are derived from them and the listener port). */
  readonly hostnames: readonly string[];
  readonly listenerPort: number;
  /** The whole VirtualHost, framed as RouteConfiguration.virtual_hosts (used when it shares no host name). */
  readonly framed: Uint8Array;
  readonly routes: readonly RoutePart[];
}

export interface ChainPart {
  readonly name: string;
  /** The FilterChain framed as Listener.filter_chains. */
  readonly framed: Uint8Array;
  readonly serverNames: readonly string[];
  /** The listener's shared plain-HTTP chain (every plain-HTTP expose on the listener joins it). */
  readonly shared: boolean;
}

export interface SecretPart {
  readonly name: string;
  readonly bytes: Uint8Array;
  /** A certificate's expiry (epoch seconds), when the janitor holds its PEM. */
  readonly notAfter?: number;
}

export interface ExposeUnit {
  /** The expose's cluster name (`<service>.<rid>`): its identity everywhere. */
  readonly id: string;
  readonly service: string;
  readonly rid: string;
  /**
   * What the pipeline still needs of the expose once it is compiled: its backend port and protocol
   * (the ClusterLoadAssignment) and what it brings to a shared plain-HTTP chain (claims.ts). The
   * model itself is not kept: 10,000 services' vhosts, routes and certificates would stay in memory
   * for nothing.
   */
  readonly backend: { readonly port: number; readonly protocol: Expose['protocol'] };
  readonly sharedChainContent: string;
  readonly listener: string;
  readonly address: ListenerAddress;
  readonly kind: ListenerKind;
  readonly cluster: Uint8Array;
  readonly chain?: ChainPart;
  /** UDP: the whole listener (a UDP listener serves one expose). */
  readonly udpListener?: Uint8Array;
  /** TLS-terminated HTTP: the chain's own RouteConfiguration. */
  readonly routeConfig?: { readonly name: string; readonly bytes: Uint8Array };
  readonly vhosts: readonly VhostPart[];
  readonly secrets: readonly SecretPart[];
  readonly claims: readonly Claim[];
}

export function sameBytes(a: Uint8Array | undefined, b: Uint8Array | undefined): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined) return false;
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(b);
}
