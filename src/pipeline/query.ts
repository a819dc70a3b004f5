// Read-only questions the reconcile loop and the admin pages ask of a pipeline state.
import { exposePorts } from '../ports/index.js';
import { clusterName } from '../model/names.js';
import { compareStrings } from '../proto/json.js';
import type { SecretUse } from '../model/referenced.js';
import type { ClusterState } from '../source/types.js';
import { contestedHolders } from './conflicts.js';
import { readServiceInputs, secretUses } from './inputs.js';
import type { PipelineState, Remembered } from './state.js';
import { serviceStatus } from './status.js';
import type { ServiceStatus } from './types.js';

/** Every service's status, by path order. */
export function serviceStatuses(state: PipelineState): ServiceStatus[] {
  const core = state.core;
  return [...core.services.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)).map((rec) => serviceStatus(core, rec));
}

/** Services whose definition names the secret object `path`. */
export function secretUsers(state: PipelineState, path: string): readonly string[] {
  return [...(state.core.secretUsers.get(path) ?? [])];
}

/** The secret objects a service's current definition names and how it uses each (read from the cluster, cheap). */
export function secretsNamedBy(state: PipelineState, cluster: ClusterState, path: string): ReadonlyMap<string, ReadonlySet<SecretUse>> {
  const svc = readServiceInputs(cluster, path, state.core.reads);
  return svc === undefined ? new Map() : secretUses(svc, state.core.config.gateway);
}

/** True when one of these services asks for a listener port it has not been given yet. */
export function needsAllocation(state: PipelineState, cluster: ClusterState, paths: Iterable<string>): boolean {
  const { ports, config } = state.core;
  for (const path of paths) {
    const svc = readServiceInputs(cluster, path, state.core.reads);
    if (svc === undefined) continue;
    for (const p of exposePorts(svc, config.gateway)) if (p.port === 0 && !ports.allocations.has(clusterName(path, p.rid))) return true;
  }
  return false;
}

/** What a restart should remember: contested keys with their holders, and the services' ages. */
export function remembered(state: PipelineState): Remembered {
  return { holders: contestedHolders(state.core.conflicts), ages: state.core.ages };
}

/**
 * The expiry of every certificate served (SDS secret name → notAfter, epoch seconds), for the
 * metric xds_certificate_expiry_timestamp_seconds{secret}. Certificates given as files on the Envoy
 * host are not read by the janitor and are absent.
 */
export function certificateExpiries(state: PipelineState): Map<string, number> {
  const out: [string, number][] = [];
  for (const [name, r] of state.core.secrets) if (r.notAfter !== undefined) out.push([name, r.notAfter]);
  return new Map(out.sort(([a], [b]) => compareStrings(a, b)));
}
