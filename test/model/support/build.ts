// Build helpers for model tests.
import { expect } from 'vitest';
import { buildService, type ModelContext } from '../../../src/model/service.js';
import type { Endpoint, Expose, Problem, ServiceModel } from '../../../src/model/types.js';
import { exposeEndpoints } from '../../../src/model/endpoints.js';
import { readService } from '../../../src/model/sections.js';
import type { ClusterState } from '../../../src/source/types.js';
import { oneService, type ResourceSpec } from './state.js';

export const SVC = 'test/svc/web1';

export function context(over: Partial<ModelContext> = {}): ModelContext {
  return { gateway: 'envoy', secrets: () => undefined, listenerPort: () => undefined, ...over };
}

export function modelOf(state: ClusterState, path = SVC, ctx = context()): ServiceModel {
  const result = buildService(state, path, ctx);
  if (!result.ok) throw new Error(`unexpected problems: ${JSON.stringify(result.problems, null, 1)}`);
  return result.value;
}

export function problemsOf(state: ClusterState, path = SVC, ctx = context()): readonly Problem[] {
  const result = buildService(state, path, ctx);
  expect(result.ok, 'expected problems').toBe(false);
  return result.ok ? [] : result.problems;
}

/** Sections of web1 → its model. */
export function build(sections: ResourceSpec, ctx = context()): ServiceModel {
  return modelOf(oneService(SVC, sections), SVC, ctx);
}

/** Sections of web1 → its problems. */
export function fails(sections: ResourceSpec, ctx = context()): readonly Problem[] {
  return problemsOf(oneService(SVC, sections), SVC, ctx);
}

export const L4 = { port: 80, protocol: 'tcp', lb_policy: 'round robin', listener_port: 8080 };
export const HTTP = { port: 8080, listener_port: 80, vhosts: ['vhost#0'] };
export const VHOST = { domains: ['web1.acme.org'], routes: ['route#0'] };
export const ROUTE = { match_prefix: '/', redirect_https_redirect: false, redirect_strip_query: false };

/** The endpoints of one expose of a service (the endpoint path, apart from the model). */
export function endpointsOf(state: ClusterState, path: string, e: Expose | undefined): readonly Endpoint[] {
  return e === undefined ? [] : exposeEndpoints(readService(state, path).instances, e.rid, e.port);
}
