// What the rebuild orchestration needs from the model (src/model/), as one narrow interface: the
// janitor passes the real functions in (src/build/model-api.ts), so this folder never reaches
// into the model's files by itself.
import type { ClusterState, SecretValues } from '../source/types.js';
import type { Problem, Result, ServiceModel } from '../model/types.js';

export interface BuildContext {
  readonly gateway: string;
  /** Values of a secret object (`<ns>/sec/<name>`), undefined when unknown or unreadable. */
  readonly secrets: (secretPath: string) => SecretValues | undefined;
  /** The port allocated for `listener_port = 0` of an expose, when one was. */
  readonly listenerPort: (servicePath: string, rid: string) => number | undefined;
}

/** One allocation the janitor made and writes back through the source. */
export interface PortAllocation {
  readonly service: string;
  readonly rid: string;
  readonly port: number;
}

/** An address and port something listens on (Envoy's own listeners). */
export interface ListenAddress {
  readonly address: string;
  readonly port: number;
}

export interface ModelApi {
  /** Services that are served by this gateway's janitor at all (svc objects, scaler slaves excluded). */
  isService(state: ClusterState, path: string): boolean;
  referencedSecrets(state: ClusterState, path: string, gateway: string): readonly string[];
  buildService(state: ClusterState, path: string, ctx: BuildContext): Result<ServiceModel>;
  resolveConflicts(models: readonly ServiceModel[]): { readonly accepted: readonly ServiceModel[]; readonly problems: readonly Problem[] };
  /** True when the service asks `listener_port = 0` somewhere (reads that service only). */
  needsPort(state: ClusterState, path: string, gateway: string): boolean;
  /**
   * Ports to allocate now (exposes asking `listener_port = 0` without one yet), given the ports
   * Envoy itself listens on and the allocations already made (never moved).
   */
  allocatePorts(
    state: ClusterState,
    gateway: string,
    envoyPorts: readonly ListenAddress[],
    previous: readonly PortAllocation[],
  ): { readonly allocations: readonly PortAllocation[]; readonly problems: readonly Problem[] };
}
