// Per-service build state: the last valid model and its translated resources (kept when an edit
// breaks the service, so a typo never takes a live service down), and the problems of its
// current definition. A new service with problems has no last valid state and is not served.
import type { ServiceModel, Problem } from '../model/types.js';
import type { ServiceResources } from '../envoy/service.js';
import type { Validate } from '../validate/check.js';
import { translateAndCheck } from '../envoy/service.js';
import type { ClusterState } from '../source/types.js';
import type { BuildContext, ModelApi } from './types.js';

export interface ServiceEntry {
  readonly path: string;
  /** The definition currently in the source is valid. */
  readonly valid: boolean;
  readonly problems: readonly Problem[];
  /** Secret objects its definition references. */
  readonly secrets: readonly string[];
  readonly lastValid: { readonly model: ServiceModel; readonly resources: ServiceResources } | undefined;
}

/** Rebuild one service from the state. Pure apart from the secrets the context already holds. */
export function rebuildService(
  api: ModelApi,
  validate: Validate,
  state: ClusterState,
  path: string,
  ctx: BuildContext,
  previous: ServiceEntry | undefined,
): ServiceEntry {
  try {
    const secrets = api.referencedSecrets(state, path, ctx.gateway);
    const built = api.buildService(state, path, ctx);
    if (!built.ok) return { path, valid: false, problems: built.problems, secrets, lastValid: previous?.lastValid };
    const translated = translateAndCheck(built.value, validate);
    if (!translated.ok) return { path, valid: false, problems: translated.problems, secrets, lastValid: previous?.lastValid };
    return { path, valid: true, problems: [], secrets, lastValid: { model: built.value, resources: translated.value } };
  } catch (error) {
    // a defect in the model or the translation stays with this service: the others are built
    const message = `internal error while building this service: ${error instanceof Error ? error.message : String(error)}`;
    return { path, valid: false, problems: [{ service: path, section: '', reason: 'Unsupported', message }], secrets: previous?.secrets ?? [], lastValid: previous?.lastValid };
  }
}
