// The pipeline's one step: (state, changed services) → (next state, change set, statuses).
//
// Work follows the change. A service whose definition is unchanged (same content key) is not
// compiled again; an endpoint change rebuilds that service's ClusterLoadAssignments only; a unit
// whose parts are unchanged leaves its listener and RouteConfiguration alone; a listener or
// RouteConfiguration that must change is assembled again from encoded parts. Conflicts are decided
// by conflicts.ts and served by serving.ts, ports by src/ports; the step's working set is batch.ts.
// No I/O: the reconcile loop does the fetching and the writing.
import { exposePorts, allocatePorts, pendingRequests, updateServicePorts, type Allocation } from '../ports/index.js';
import type { Problem } from '../model/types.js';
import type { ServiceSections } from '../model/sections.js';
import { TYPE } from '../xds/types.js';
import { allocatedPorts } from './ahead.js';
import { Batch, rankOf } from './batch.js';
import { compileService } from './compile.js';
import { compareRanks, dropWaiter, resolve } from './conflicts.js';
import { addressProblems, assignmentBytes } from './endpoints.js';
import { configInputs, endpointsKey } from './inputs.js';
import { assembleListener } from './listeners.js';
import { assembleRoutes } from './routes.js';
import { applyDecisions } from './serving.js';
import { takeCore, type PipelineCore, type PipelineState } from './state.js';
import { serviceStatus } from './status.js';
import type { PipelineInput, ServiceStatus, StepResult } from './types.js';

/** What one step did, counted (for tests and benches: work must follow the change). */
export interface StepWork {
  readonly compiled: number;
  readonly assignments: number;
  readonly listeners: number;
  readonly routeConfigurations: number;
}

export interface StepOutput extends StepResult {
  readonly state: PipelineState;
  readonly work: StepWork;
}

function readChanged(s: Batch, changed: readonly string[]): void {
  const { core } = s;
  for (const path of changed) {
    const svc = s.svc(path);
    updateServicePorts(core.ports, path, svc === undefined ? undefined : exposePorts(svc, core.config.gateway));
    if (svc !== undefined && !core.ages.has(path)) core.ages.set(path, core.steps);
  }
}

function allocate(s: Batch, changed: readonly string[]): Allocation[] {
  const { core } = s;
  const age = (service: string): number => core.ages.get(service) ?? Number.MAX_SAFE_INTEGER;
  const requests = pendingRequests(core.ports, changed).sort((a, b) => age(a.service) - age(b.service) || compareRanks([a.service, a.rid], [b.service, b.rid]));
  const { allocations, unavailable } = allocatePorts(core.ports, requests, s.input.envoyPorts ?? [], core.config.portRange);
  for (const path of changed) core.starved.delete(path);
  for (const r of unavailable) core.starved.add(r.service);
  return allocations;
}

function updateSecretUsers(core: PipelineCore, path: string, before: readonly string[], after: readonly string[]): void {
  for (const p of before) {
    const users = core.secretUsers.get(p);
    users?.delete(path);
    if (users?.size === 0) core.secretUsers.delete(p);
  }
  for (const p of after) {
    const users = core.secretUsers.get(p) ?? new Set<string>();
    users.add(path);
    core.secretUsers.set(p, users);
  }
}

function removeService(s: Batch, path: string): void {
  s.core.ages.delete(path); // a service created again later is a new object, younger than all
  const rec = s.core.services.get(path);
  if (rec === undefined) return;
  for (const unit of rec.served.values()) s.removed.add(unit.id);
  if (rec.compiled.ok) {
    for (const unit of rec.compiled.units.values()) {
      dropWaiter(s.core.conflicts, unit.id);
      // a unit never served (refused, waiting) has no removal to clean its owner up
      if (!s.removed.has(unit.id)) s.core.owners.delete(unit.id);
    }
  }
  updateSecretUsers(s.core, path, rec.secrets, []);
}

function compileChanged(s: Batch, path: string, svc: ServiceSections): void {
  const { core } = s;
  let rec = core.services.get(path);
  const config = configInputs(svc, core.config.gateway, s.input.secrets, allocatedPorts(core, path));
  if (rec === undefined) {
    rec = { path, configKey: '', endpointsKey: '', compiled: { ok: false, problems: [], warnings: [] }, secrets: [], served: new Map(), assignments: new Map(), refusals: new Map(), endpointProblems: [] };
    core.services.set(path, rec);
  }
  const key = endpointsKey(svc);
  if (key !== rec.endpointsKey) {
    rec.endpointsKey = key;
    for (const unit of rec.served.values()) s.dueAssignment(path, unit.id);
  }
  if (config.key === rec.configKey) return;
  updateSecretUsers(core, path, rec.secrets, config.secrets);
  rec.configKey = config.key;
  rec.secrets = config.secrets;
  const before = rec.compiled;
  const ahead = s.input.ahead?.(path);
  rec.compiled = ahead?.key === config.key ? ahead.compiled : compileService(svc, s.modelContext());
  s.compiled += 1;
  if (before.ok) for (const unit of before.units.values()) dropWaiter(core.conflicts, unit.id);
  if (!rec.compiled.ok) return; // its last valid units stay served
  for (const [rid, unit] of rec.served) if (!rec.compiled.units.has(rid)) s.removed.add(unit.id);
  for (const unit of rec.compiled.units.values()) {
    core.owners.set(unit.id, { service: path, rid: unit.rid });
    s.candidates.push({ unit: unit.id, claims: unit.claims });
  }
}

function rebuildAssignments(s: Batch): void {
  const { core, out } = s;
  for (const [path, units] of s.assignmentsDue) {
    const rec = core.services.get(path);
    const svc = s.svc(path);
    if (rec === undefined || svc === undefined) continue;
    const problems: Problem[] = [];
    const ahead = s.input.ahead?.(path);
    const aheadFor = ahead?.endpointsKey === rec.endpointsKey ? ahead.assignments : undefined;
    for (const unit of rec.served.values()) {
      if (!units.has(unit.id)) continue;
      const built = aheadFor?.get(unit) ?? assignmentBytes(svc, unit);
      s.assignments += 1;
      if (built.bytes === undefined) {
        problems.push(...built.errors.map((e) => ({ service: path, section: unit.rid, keyword: /port_value/.test(e) ? 'port' : 'ipaddr', reason: 'ProtoViolation' as const, message: `ClusterLoadAssignment "${unit.id}" is not valid: ${e}` })));
        continue;
      }
      rec.assignments.set(unit.id, built.bytes);
      out.upsert(TYPE.endpoint, unit.id, built.bytes);
    }
    problems.push(...addressProblems(svc, new Set(rec.served.keys())));
    if (problems.length > 0 || rec.endpointProblems.length > 0) {
      rec.endpointProblems = problems;
      s.statusDue.add(path);
    }
  }
}

function assemble(s: Batch): { listeners: number; routes: number } {
  const { core, out } = s;
  const ctx = { lost: (unit: string) => core.conflicts.lost.get(unit), rank: (unit: string) => rankOf(core, unit), compareRanks };
  for (const name of s.listeners) {
    const entry = core.listeners.get(name);
    const bytes = entry === undefined ? undefined : assembleListener(entry);
    if (bytes === undefined) out.remove(TYPE.listener, name);
    else out.upsert(TYPE.listener, name, bytes);
  }
  for (const name of s.routes) {
    const entry = core.routes.get(name);
    const bytes = entry === undefined ? undefined : assembleRoutes(entry, ctx);
    if (bytes === undefined) out.remove(TYPE.route, name);
    else out.upsert(TYPE.route, name, bytes);
  }
  return { listeners: s.listeners.size, routes: s.routes.size };
}

function statuses(s: Batch): Map<string, ServiceStatus | undefined> {
  const out = new Map<string, ServiceStatus | undefined>();
  for (const path of s.statusDue) {
    const rec = s.core.services.get(path);
    out.set(path, rec === undefined ? undefined : serviceStatus(s.core, rec));
  }
  return out;
}

/** One step of the pipeline. `state` is consumed: keep the state it returns. */
export function step(state: PipelineState, input: PipelineInput): StepOutput {
  const core = takeCore(state);
  core.steps += 1;
  const s = new Batch(core, input);
  const asked = new Set(input.changed);
  // a service that found no free port is tried again when a service using ports changes or goes
  const freeing = core.starved.size > 0 && [...asked].some((p) => core.ports.byService.has(p));
  const changed = [...(freeing ? new Set([...asked, ...core.starved]) : asked)].sort();
  readChanged(s, changed);
  const allocations = allocate(s, changed);
  for (const path of changed) {
    s.statusDue.add(path);
    const svc = s.svc(path);
    if (svc === undefined) removeService(s, path);
    else compileChanged(s, path, svc);
  }
  const decisions = resolve(core.conflicts, s.removed, s.candidates, (unit) => rankOf(core, unit));
  applyDecisions(s, decisions);
  for (const path of changed) if (s.svc(path) === undefined) core.services.delete(path);
  rebuildAssignments(s);
  const assembled = assemble(s);
  const result = statuses(s);
  core.reads = new WeakMap(); // the batch ends here
  return {
    state: { core, live: true },
    changeSet: s.out.commit(),
    statuses: result,
    allocations,
    conflicts: s.conflicts,
    work: { compiled: s.compiled, assignments: s.assignments, listeners: assembled.listeners, routeConfigurations: assembled.routes },
  };
}
