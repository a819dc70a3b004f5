// Serving and withdrawing units as the conflicts decided: a served unit's cluster, route
// configuration and secrets go into the change set, its listener and RouteConfiguration are marked
// for assembly when its parts changed, its assignment is due when its backend changed.
import { TYPE } from '../xds/types.js';
import type { Batch } from './batch.js';
import type { Decision } from './conflicts.js';
import { joinListener, leaveListener } from './listeners.js';
import { joinRoutes, leaveRoutes } from './routes.js';
import { dropSecrets, useSecrets } from './secrets.js';
import type { PipelineCore, ServiceRecord } from './state.js';
import { sameBytes, type ExposeUnit } from './units.js';

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

function unserve(s: Batch, rec: ServiceRecord, unit: ExposeUnit): void {
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

function serve(s: Batch, rec: ServiceRecord, unit: ExposeUnit): void {
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

export function applyDecisions(s: Batch, decisions: readonly Decision[]): void {
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
