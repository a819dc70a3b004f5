// The pipeline's one step: (state, changed services) → (next state, change set, statuses).
//
// Work follows the change. A service whose definition is unchanged (same content key) is not
// compiled again; an endpoint change rebuilds that service's ClusterLoadAssignments only; a unit
// whose parts are unchanged leaves its listener and RouteConfiguration alone; a listener or
// RouteConfiguration that must change is assembled again from encoded parts. Conflicts are decided
// by conflicts.ts, ports by src/ports. No I/O: the reconcile loop does the fetching and the writing.
import { exposePorts, allocatePorts, pendingRequests, updateServicePorts, type Allocation } from '../ports/index.js';
import type { ModelContext } from '../model/context.js';
import type { Problem } from '../model/types.js';
import type { ServiceSections } from '../model/sections.js';
import { TYPE } from '../xds/types.js';
import { allocatedPorts, modelContext } from './ahead.js';
import { compileService } from './compile.js';
import { compareRanks, dropWaiter, resolve, type Candidate, type Decision } from './conflicts.js';
import { addressProblems, assignmentBytes } from './endpoints.js';
import { configInputs, endpointsKey, readServiceInputs } from './inputs.js';
import { assembleListener, joinListener, leaveListener } from './listeners.js';
import { Output } from './output.js';
import { assembleRoutes, joinRoutes, leaveRoutes } from './routes.js';
import { dropSecrets, useSecrets } from './secrets.js';
import { takeCore, type PipelineCore, type PipelineState, type ServiceRecord } from './state.js';
import { serviceStatus } from './status.js';
import type { ConflictEvent, PipelineInput, ServiceStatus, StepResult } from './types.js';
import { sameBytes, type ExposeUnit } from './units.js';

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

function rankOf(core: PipelineCore, unit: string): readonly (number | string)[] {
  const owner = core.owners.get(unit);
  if (owner === undefined) return [Number.MAX_SAFE_INTEGER, unit];
  return [core.ages.get(owner.service) ?? Number.MAX_SAFE_INTEGER, owner.service, owner.rid];
}

class Step {
  readonly out: Output;
  readonly sections = new Map<string, ServiceSections | undefined>();
  readonly candidates: Candidate[] = [];
  readonly removed = new Set<string>();
  readonly listeners = new Set<string>();
  readonly routes = new Set<string>();
  readonly assignmentsDue = new Map<string, Set<string>>();
  readonly statusDue = new Set<string>();
  readonly conflicts: ConflictEvent[] = [];
  compiled = 0;
  assignments = 0;

  constructor(
    readonly core: PipelineCore,
    readonly input: PipelineInput,
  ) {
    this.out = new Output(core.applied);
  }

  svc(path: string): ServiceSections | undefined {
    if (!this.sections.has(path)) this.sections.set(path, readServiceInputs(this.input.cluster, path, this.core.reads));
    return this.sections.get(path);
  }

  dueAssignment(service: string, unit: string): void {
    const set = this.assignmentsDue.get(service) ?? new Set<string>();
    set.add(unit);
    this.assignmentsDue.set(service, set);
  }

  modelContext(): ModelContext {
    return modelContext(this.core, this.input.secrets);
  }
}

function readChanged(s: Step, changed: readonly string[]): void {
  const { core } = s;
  for (const path of changed) {
    const svc = s.svc(path);
    updateServicePorts(core.ports, path, svc === undefined ? undefined : exposePorts(svc, core.config.gateway));
    if (svc !== undefined && !core.ages.has(path)) core.ages.set(path, core.steps);
  }
}

function allocate(s: Step, changed: readonly string[]): Allocation[] {
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

function removeService(s: Step, path: string): void {
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

function compileChanged(s: Step, path: string, svc: ServiceSections): void {
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

function unitOf(core: PipelineCore, id: string): { rec: ServiceRecord; unit: ExposeUnit } | undefined {
  const owner = core.owners.get(id);
  const rec = owner === undefined ? undefined : core.services.get(owner.service);
  const unit = owner !== undefined && rec?.compiled.ok ? rec.compiled.units.get(owner.rid) : undefined;
  return rec !== undefined && unit !== undefined ? { rec, unit } : undefined;
}

function vhostsDiffer(a: ExposeUnit | undefined, b: ExposeUnit | undefined): boolean {
  const x = a?.vhosts ?? [];
  const y = b?.vhosts ?? [];
  return x.length !== y.length || x.some((v, i) => !sameBytes(v.framed, y[i]?.framed) || v.hostnames.join() !== y[i]?.hostnames.join());
}

function listenerPartsDiffer(a: ExposeUnit, b: ExposeUnit): boolean {
  return a.listener !== b.listener || !sameBytes(a.chain?.framed, b.chain?.framed) || !sameBytes(a.udpListener, b.udpListener) || a.chain?.serverNames.join() !== b.chain?.serverNames.join();
}

function unserve(s: Step, rec: ServiceRecord, unit: ExposeUnit): void {
  const { core, out } = s;
  leaveListener(core.listeners, unit);
  s.listeners.add(unit.listener);
  if (unit.vhosts.length > 0) {
    leaveRoutes(core.routes, unit);
    s.routes.add(unit.listener);
  }
  out.remove(TYPE.cluster, unit.id);
  out.remove(TYPE.endpoint, unit.id);
  if (unit.routeConfig) out.remove(TYPE.route, unit.routeConfig.name);
  dropSecrets(core.secrets, unit, new Set(), out);
  rec.assignments.delete(unit.id);
  rec.served.delete(unit.rid);
  s.statusDue.add(rec.path);
}

function serve(s: Step, rec: ServiceRecord, unit: ExposeUnit): void {
  const { core, out } = s;
  const prev = rec.served.get(unit.rid);
  if (prev === undefined || listenerPartsDiffer(prev, unit)) {
    s.listeners.add(unit.listener);
    if (prev !== undefined) s.listeners.add(prev.listener);
  }
  if (prev === undefined ? unit.vhosts.length > 0 : vhostsDiffer(prev, unit) || prev.listener !== unit.listener) {
    s.routes.add(unit.listener);
    if (prev !== undefined) s.routes.add(prev.listener);
  }
  if (prev !== undefined) {
    leaveListener(core.listeners, prev);
    leaveRoutes(core.routes, prev);
    if (prev.routeConfig && prev.routeConfig.name !== unit.routeConfig?.name) out.remove(TYPE.route, prev.routeConfig.name);
  }
  joinListener(core.listeners, unit);
  joinRoutes(core.routes, unit);
  out.upsert(TYPE.cluster, unit.id, unit.cluster);
  if (unit.routeConfig) out.upsert(TYPE.route, unit.routeConfig.name, unit.routeConfig.bytes);
  useSecrets(core.secrets, unit, out);
  if (prev !== undefined) dropSecrets(core.secrets, prev, new Set(unit.secrets.map((x) => x.name)), out);
  rec.served.set(unit.rid, unit);
  if (prev === undefined || prev.backend.port !== unit.backend.port || prev.backend.protocol !== unit.backend.protocol) s.dueAssignment(rec.path, unit.id);
  s.statusDue.add(rec.path);
}

function applyDecisions(s: Step, decisions: readonly Decision[]): void {
  const { core } = s;
  for (const id of s.removed) {
    const owner = core.owners.get(id);
    const rec = owner === undefined ? undefined : core.services.get(owner.service);
    const unit = owner === undefined ? undefined : rec?.served.get(owner.rid);
    if (rec !== undefined && unit !== undefined && unit.id === id) unserve(s, rec, unit);
  }
  const final = new Map<string, Decision>();
  for (const d of decisions) final.set(d.candidate.unit, d);
  for (const [id, d] of final) {
    const found = unitOf(core, id);
    if (found === undefined) continue;
    const { rec, unit } = found;
    s.statusDue.add(rec.path);
    if (d.kind === 'accepted') {
      rec.refusals.delete(unit.rid);
      serve(s, rec, unit);
      // lost routes changed how the shared RouteConfiguration merges it
      if (d.lost.length > 0 || core.conflicts.lost.has(id)) s.routes.add(unit.listener);
      for (const l of d.lost) s.conflicts.push({ loser: id, holder: l.holder, what: l.claim.what });
    } else {
      rec.refusals.set(unit.rid, { holder: d.holder, claim: d.claim });
      s.conflicts.push({ loser: id, holder: d.holder, what: d.claim.what });
    }
  }
  for (const id of s.removed) if (!final.has(id)) core.owners.delete(id);
}

function rebuildAssignments(s: Step): void {
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

function assemble(s: Step): { listeners: number; routes: number } {
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

function statuses(s: Step): Map<string, ServiceStatus | undefined> {
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
  const s = new Step(core, input);
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
