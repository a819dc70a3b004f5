// The golden pipeline: a cluster file (the file source's YAML, same sections and keywords as
// OpenSVC) → model → conflicts → Envoy v3 resources, as plain JSON with every problem.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseCluster, type SecretSpec } from '../../src/source/file/cluster.js';
import type { SecretValues } from '../../src/source/types.js';
import { allocatePorts, buildService, isScalerSlave, portKey, portRequests, resolveConflicts, usedListenerPorts } from '../../src/model/index.js';
import { splitPath } from '../../src/model/names.js';
import type { Problem, ServiceModel } from '../../src/model/types.js';
import { translateGatewayToJson } from '../../src/envoy/gateway.js';

export const GATEWAY = 'envoy';
export const PORT_RANGE = { min: 1025, max: 65535 } as const;

export interface GoldenOutput {
  /** Each service of the file: served as asked, or its problems. */
  readonly services: Record<string, { readonly valid: true } | { readonly valid: false; readonly problems: readonly Problem[] }>;
  readonly allocatedPorts: Record<string, number>;
  readonly listeners: readonly unknown[];
  readonly routes: readonly unknown[];
  readonly clusters: readonly unknown[];
  readonly endpoints: readonly unknown[];
  readonly secrets: readonly unknown[];
}

function readSecretSync(spec: SecretSpec): SecretValues {
  const values: Record<string, string> = {};
  for (const [key, source] of Object.entries(spec.keys)) {
    if (source) values[key] = 'inline' in source ? source.inline : readFileSync(source.file, 'utf8');
  }
  return values;
}

function problemsByService(problems: readonly Problem[]): Map<string, Problem[]> {
  const out = new Map<string, Problem[]>();
  for (const p of problems) out.set(p.service, [...(out.get(p.service) ?? []), p]);
  return out;
}

/** Run a cluster file through the whole translation, as the janitor does on its first snapshot. */
export function translateFile(file: string): GoldenOutput | { readonly fileProblem: unknown } {
  const parsed = parseCluster(readFileSync(file, 'utf8'), path.dirname(file));
  if (!parsed.ok) return { fileProblem: parsed.problem };
  const { state } = parsed.cluster;
  const secrets = new Map([...parsed.cluster.secrets].map(([p, spec]) => [p, readSecretSync(spec)]));
  const allocation = allocatePorts({
    requests: portRequests(state, GATEWAY),
    used: usedListenerPorts(state, GATEWAY),
    envoyPorts: [],
    range: PORT_RANGE,
    previous: new Map(),
  });
  const ctx = {
    gateway: GATEWAY,
    secrets: (p: string) => secrets.get(p),
    listenerPort: (service: string, rid: string) => allocation.ports.get(portKey(service, rid)),
  };
  const paths = [...state.services.keys()].filter((p) => splitPath(p).kind === 'svc' && !isScalerSlave(state, p));
  const models: ServiceModel[] = [];
  const problems: Problem[] = [...allocation.problems];
  for (const p of paths) {
    const built = buildService(state, p, ctx);
    if (built.ok) models.push(built.value);
    else problems.push(...built.problems);
  }
  const { accepted, problems: conflicts } = resolveConflicts(models);
  const gateway = translateGatewayToJson(accepted);
  const byService = problemsByService([...problems, ...conflicts, ...gateway.problems]);
  const services: GoldenOutput['services'] = {};
  for (const p of paths) {
    const list = byService.get(p);
    services[p] = list ? { valid: false, problems: list } : { valid: true };
  }
  return {
    services,
    allocatedPorts: Object.fromEntries([...allocation.ports].sort(([a], [b]) => (a < b ? -1 : 1))),
    listeners: gateway.listeners,
    routes: gateway.routes,
    clusters: gateway.clusters,
    endpoints: gateway.endpoints,
    secrets: gateway.secrets,
  };
}
