// What operators see of a service (/services, the status page, `xds check`): the problems of its
// current definition, conflicts included, what is served of it and where.
import type { Problem } from '../model/types.js';
import type { ServiceRecord, PipelineCore } from './state.js';
import type { ExposeStatus, ServiceStatus } from './types.js';
import type { ExposeUnit } from './units.js';

function holderName(core: PipelineCore, unit: string): string {
  const owner = core.owners.get(unit);
  return owner === undefined ? unit : `${owner.service} ${owner.rid}`;
}

function conflictProblem(core: PipelineCore, rec: ServiceRecord, rid: string, served: boolean): Problem | undefined {
  const refusal = rec.refusals.get(rid);
  if (refusal === undefined) return undefined;
  const { claim, holder } = refusal;
  const keeps = served ? `the version of ${rid} served before this edit is kept` : `${rid} is not served`;
  return {
    service: rec.path,
    section: claim.section,
    ...(claim.keyword !== '' && { keyword: claim.keyword }),
    value: claim.value,
    reason: 'Conflict',
    message: `${claim.what} is held by ${holderName(core, holder)} (what is served keeps being served; among claims that arrive together the older service wins): ${keeps}.`,
  };
}

function lostRouteProblems(core: PipelineCore, rec: ServiceRecord, unit: ExposeUnit): { problems: Problem[]; lost: ExposeStatus['lostRoutes'] } {
  const lost = core.conflicts.lost.get(unit.id);
  if (lost === undefined) return { problems: [], lost: [] };
  const claims = unit.claims;
  const problems: Problem[] = [];
  const list: { hostname: string; route: string; holder: string }[] = [];
  for (const claim of claims) {
    const holder = lost.get(claim.key);
    if (holder === undefined || claim.route === undefined) continue;
    list.push({ hostname: claim.route.hostname, route: claim.route.rid, holder: holderName(core, holder) });
    problems.push({
      service: rec.path,
      section: claim.section,
      keyword: claim.keyword,
      value: claim.value,
      reason: 'Conflict',
      message: `${claim.what} is held by ${holderName(core, holder)} (the first service routing a match on a host name keeps it): this route is not served on ${claim.route.hostname}; the service's other routes are.`,
    });
  }
  return { problems, lost: list };
}

export function serviceStatus(core: PipelineCore, rec: ServiceRecord): ServiceStatus {
  const compiled = rec.compiled;
  const problems: Problem[] = compiled.ok ? [] : [...compiled.problems];
  const rids = new Set([...rec.served.keys(), ...(compiled.ok ? compiled.units.keys() : [])]);
  const exposes: ExposeStatus[] = [];
  for (const rid of [...rids].sort()) {
    const served = rec.served.get(rid);
    const current = compiled.ok ? compiled.units.get(rid) : undefined;
    const unit = current ?? served;
    if (unit === undefined) continue;
    const conflict = current !== undefined && served !== current ? conflictProblem(core, rec, rid, served !== undefined) : undefined;
    if (conflict) problems.push(conflict);
    const routes = served === undefined ? { problems: [], lost: [] } : lostRouteProblems(core, rec, served);
    problems.push(...routes.problems);
    const refusal = conflict ? rec.refusals.get(rid) : undefined;
    exposes.push({
      rid,
      cluster: unit.id,
      listener: unit.listener,
      served: served !== undefined,
      current: served !== undefined && served === current,
      ...(refusal && { conflict: { holder: holderName(core, refusal.holder), what: refusal.claim.what } }),
      lostRoutes: routes.lost,
    });
  }
  problems.push(...rec.endpointProblems);
  const servedUnits = [...rec.served.values()];
  return {
    path: rec.path,
    valid: problems.length === 0,
    problems,
    warnings: compiled.warnings,
    served: servedUnits.length > 0,
    exposes,
    listeners: [...new Set(servedUnits.map((u) => u.listener))].sort(),
    clusters: servedUnits.map((u) => u.id).sort(),
  };
}

