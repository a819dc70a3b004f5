// buildService: one service's exposes for this gateway, parsed, resolved and checked. Every
// problem of the service is returned; a service with any problem has no model (the janitor keeps
// its last valid resources). Work is proportional to the service and its scaler slaves.
import type { ModelContext } from './context.js';
import { splitPath } from './names.js';
import { newScope } from './scope.js';
import { compareStrings, exposeRids, isScalerSlave, readService, type ServiceSections } from './sections.js';
import { parseExpose } from './expose.js';
import type { Built, Expose, SecretModel, ServiceModel } from './types.js';
import type { ClusterState } from '../source/types.js';

export type { ModelContext } from './context.js';

function emptyModel(path: string): ServiceModel {
  return { path, namespace: splitPath(path).namespace, exposes: [], secrets: [] };
}

/**
 * Build the model of the service `path`. Objects that are not services (`sec`, `cfg`, …), unknown
 * paths and scaler slaves (served through their scaler) give an empty model.
 */
export function buildService(state: ClusterState, path: string, ctx: ModelContext): Built<ServiceModel> {
  if (splitPath(path).kind !== 'svc' || !state.services.has(path) || isScalerSlave(state, path)) {
    return { ok: true, value: emptyModel(path), warnings: [] };
  }
  return buildServiceModel(readService(state, path), ctx);
}

/** buildService of a service already read (its sections and instances). */
export function buildServiceModel(svc: ServiceSections, ctx: ModelContext): Built<ServiceModel> {
  const path = svc.path;
  const scope = newScope(svc, ctx.allowClusterHeader === true);
  const exposes: Expose[] = [];
  const secrets = new Map<string, SecretModel>();
  for (const rid of exposeRids(svc, ctx.gateway)) {
    const spec = parseExpose(scope, ctx, rid);
    if (spec === undefined) continue;
    exposes.push(spec.expose);
    for (const secret of spec.secrets) secrets.set(secret.name, secret);
  }
  const warnings = scope.warnings.list();
  if (scope.problems.size > 0) return { ok: false, problems: scope.problems.list(), warnings };
  const sortedSecrets = [...secrets.values()].sort((a, b) => compareStrings(a.name, b.name));
  return { ok: true, value: { path, namespace: svc.namespace, exposes, secrets: sortedSecrets }, warnings };
}
