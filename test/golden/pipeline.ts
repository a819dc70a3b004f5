// The golden run: a cluster file (the file source's YAML, same sections and keywords as OpenSVC)
// through the pipeline's step, the very function the janitor runs, from an empty state; its change
// set decoded as plain JSON, with every service's status.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createPipelineState, step, type SecretEntry } from '../../src/pipeline/index.js';
import { decodeMessage } from '../../src/proto/codec.js';
import type { Problem } from '../../src/model/types.js';
import { parseCluster, type SecretSpec } from '../../src/source/file/cluster.js';
import type { SecretValues } from '../../src/source/types.js';
import { TYPE, type TypeUrl } from '../../src/xds/types.js';

export const GATEWAY = 'envoy';
export const PORT_RANGE = { min: 1025, max: 65535 } as const;

type ServiceOutput =
  | { readonly valid: true; readonly warnings?: readonly Problem[] }
  | { readonly valid: false; readonly served: readonly string[]; readonly problems: readonly Problem[]; readonly warnings?: readonly Problem[] };

export interface GoldenOutput {
  /** Each service of the file: served as asked, or its problems and which exposes are served. */
  readonly services: Record<string, ServiceOutput>;
  readonly allocatedPorts: Record<string, number>;
  readonly listeners: readonly unknown[];
  readonly routes: readonly unknown[];
  readonly clusters: readonly unknown[];
  readonly endpoints: readonly unknown[];
  readonly secrets: readonly unknown[];
}

function readSecretSync(spec: SecretSpec): SecretEntry {
  const values: Record<string, string> = {};
  for (const [key, source] of Object.entries(spec.keys)) {
    if (source) values[key] = 'inline' in source ? source.inline : readFileSync(source.file, 'utf8');
  }
  return { values: values as SecretValues, digest: createHash('sha1').update(JSON.stringify(values)).digest('base64') };
}

const KINDS: readonly (readonly [keyof GoldenOutput, TypeUrl])[] = [
  ['listeners', TYPE.listener],
  ['routes', TYPE.route],
  ['clusters', TYPE.cluster],
  ['endpoints', TYPE.endpoint],
  ['secrets', TYPE.secret],
];

/** Run a cluster file through the pipeline, as the janitor does on its first snapshot. */
export function translateFile(file: string): GoldenOutput | { readonly fileProblem: unknown } {
  const parsed = parseCluster(readFileSync(file, 'utf8'), path.dirname(file));
  if (!parsed.ok) return { fileProblem: parsed.problem };
  const { state } = parsed.cluster;
  const secrets = new Map([...parsed.cluster.secrets].map(([p, spec]) => [p, readSecretSync(spec)]));
  const result = step(createPipelineState({ gateway: GATEWAY, portRange: PORT_RANGE }), { cluster: state, changed: state.services.keys(), secrets: (p) => secrets.get(p) });
  const services: Record<string, ServiceOutput> = {};
  for (const [p, status] of [...result.statuses].sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (status === undefined) continue;
    const warnings = status.warnings.length > 0 ? { warnings: status.warnings } : {};
    services[p] = status.valid ? { valid: true, ...warnings } : { valid: false, served: status.exposes.filter((e) => e.served).map((e) => e.rid), problems: status.problems, ...warnings };
  }
  const out: Record<string, unknown[]> = {};
  for (const [kind, typeUrl] of KINDS) {
    const fullName = typeUrl.slice(typeUrl.indexOf('/') + 1);
    out[kind] = result.changeSet.upserts
      .filter((u) => u.typeUrl === typeUrl)
      .sort((a, b) => (a.name < b.name ? -1 : 1))
      .map((u) => decodeMessage(fullName, u.bytes));
  }
  const allocatedPorts = Object.fromEntries(result.allocations.map((a) => [`${a.service}|${a.rid}`, a.port]).sort(([a], [b]) => (String(a) < String(b) ? -1 : 1)));
  return { services, allocatedPorts, listeners: out['listeners'] ?? [], routes: out['routes'] ?? [], clusters: out['clusters'] ?? [], endpoints: out['endpoints'] ?? [], secrets: out['secrets'] ?? [] };
}
