// Compiling ahead of the step. The step is one synchronous call; compiling a service and building
// its ClusterLoadAssignments is most of a large batch (the cold start: every service at once), so
// the reconcile loop may do it for a large batch's services before calling it, a slice at a time,
// letting the event loop run between slices (admin, health, gRPC connections). A result carries the
// content keys of what it was made from (inputs.ts), and the step takes it only when they are still
// the keys it computes itself: a service changed in between is compiled again by the step. Pure:
// the same service gives the same units and assignments either way.
import { allocatedPort } from '../ports/index.js';
import type { ModelContext } from '../model/context.js';
import type { ClusterState } from '../source/types.js';
import { compileService, type Compiled } from './compile.js';
import { assignmentBytes, type Assignment } from './endpoints.js';
import { configInputs, endpointsKey, readServiceInputs } from './inputs.js';
import type { PipelineCore, PipelineState } from './state.js';
import type { SecretEntry } from './types.js';
import type { ExposeUnit } from './units.js';

export interface Ahead {
  /** The content key of the definition compiled. */
  readonly key: string;
  readonly compiled: Compiled;
  /** The content key of the instances the assignments were built from. */
  readonly endpointsKey: string;
  /** The ClusterLoadAssignment of each compiled unit. */
  readonly assignments: ReadonlyMap<ExposeUnit, Assignment>;
}

/** What a service's compile reads of the pipeline: secrets as given, ports as allocated now. */
export function modelContext(core: PipelineCore, secrets: (path: string) => SecretEntry | undefined): ModelContext {
  const entry = (path: string) => {
    const e = secrets(path);
    return e !== undefined && 'values' in e ? e : undefined;
  };
  return {
    gateway: core.config.gateway,
    allowCodeExtensions: core.config.allowCodeExtensions === true,
    allowClusterHeader: core.config.allowClusterHeader === true,
    secrets: (path) => entry(path)?.values,
    secretError: (path) => {
      const e = secrets(path);
      return e !== undefined && 'error' in e ? e.error : undefined;
    },
    secretDigest: (path) => entry(path)?.digest,
    listenerPort: (service, rid) => allocatedPort(core.ports, service, rid),
  };
}

/** Ports allocated to a service's `listener_port = 0` exposes (0: none yet), as its key counts them. */
export function allocatedPorts(core: PipelineCore, path: string): [string, number][] {
  return (core.ports.byService.get(path) ?? []).flatMap((p) => (p.port === 0 ? [[p.rid, allocatedPort(core.ports, path, p.rid) ?? 0] as [string, number]] : []));
}

/**
 * `path` compiled as a step would compile it now, or undefined when a step would not compile it
 * (not a service we serve, or its definition's key is the one compiled last).
 */
export function compileAhead(state: PipelineState, cluster: ClusterState, path: string, secrets: (path: string) => SecretEntry | undefined): Ahead | undefined {
  const { core } = state;
  const svc = readServiceInputs(cluster, path, core.reads);
  if (svc === undefined) return undefined;
  const { key } = configInputs(svc, core.config.gateway, secrets, allocatedPorts(core, path));
  if (core.services.get(path)?.configKey === key) return undefined;
  const compiled = compileService(svc, modelContext(core, secrets));
  const assignments = new Map<ExposeUnit, Assignment>();
  if (compiled.ok) for (const unit of compiled.units.values()) assignments.set(unit, assignmentBytes(svc, unit));
  return { key, compiled, endpointsKey: endpointsKey(svc), assignments };
}
