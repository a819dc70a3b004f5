// A gateway driven through the pipeline's real step, as the reconcile loop drives it: cluster
// states written in the file source's vocabulary (parsed by the file source itself), the changed
// paths derived from what differs, and what the cache would hold after each change set.
import { createHash } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { createPipelineState, secretUsers, step, type PipelineConfig, type PipelineState, type Remembered, type SecretEntry, type ServiceStatus, type StepOutput } from '../../../src/pipeline/index.js';
import { decodeMessage } from '../../../src/proto/codec.js';
import { asJsonObject } from '../../../src/proto/json.js';
import { parseCluster } from '../../../src/source/file/cluster.js';
import type { ClusterState, SecretValues } from '../../../src/source/types.js';
import { fullCheck } from '../../../src/validate/check.js';
import { TYPE, type ChangeSet, type TypeUrl } from '../../../src/xds/types.js';

export const CONFIG: PipelineConfig = { gateway: 'envoy', portRange: { min: 30000, max: 30099 } };

/** A service as the cluster file writes it: sections (`expose#0`, ...) and `endpoints` or `nodes`. */
export type ServiceSpec = Readonly<Record<string, unknown>>;
export type Services = Readonly<Record<string, ServiceSpec>>;
export type Secrets = Readonly<Record<string, SecretValues>>;

export type Json = Record<string, unknown>;

/** The cluster state the file source gives for these services (parsed by the file source itself). */
export function fileCluster(services: Services): ClusterState {
  const parsed = parseCluster(JSON.stringify({ services }), '.');
  if (!parsed.ok) throw new Error(`cluster file refused: ${JSON.stringify(parsed.problem)}`);
  return parsed.cluster.state;
}

export function secretEntry(values: SecretValues): SecretEntry {
  return { values, digest: createHash('sha1').update(JSON.stringify(values)).digest('base64') };
}

export function fullName(typeUrl: TypeUrl): string {
  return typeUrl.slice(typeUrl.indexOf('/') + 1);
}

/** The decoded form of an encoded resource. */
export function decode(typeUrl: TypeUrl, bytes: Uint8Array): Json {
  return decodeMessage(fullName(typeUrl), bytes);
}

/** A service's status from a step's statuses (throws when the step gave none). */
export function statusOf(statuses: ReadonlyMap<string, ServiceStatus | undefined>, path: string): ServiceStatus {
  const st = statuses.get(path);
  if (st === undefined) throw new Error(`no status for ${path}`);
  return st;
}

/** What the validator (the check every message passes before the cache) says of an encoded resource. */
export function violations(typeUrl: TypeUrl, bytes: Uint8Array): readonly string[] {
  return fullCheck(fullName(typeUrl), asJsonObject(decode(typeUrl, bytes)));
}

export const KIND = {
  listener: TYPE.listener,
  route: TYPE.route,
  cluster: TYPE.cluster,
  endpoint: TYPE.endpoint,
  secret: TYPE.secret,
} as const;
export type Kind = keyof typeof KIND;

/** `kind name` for every upsert of a change set, sorted. */
export function upserted(changeSet: ChangeSet): string[] {
  return changeSet.upserts.map((u) => `${kindOf(u.typeUrl)} ${u.name}`).sort();
}

/** `kind name` for every removal of a change set, sorted. */
export function removed(changeSet: ChangeSet): string[] {
  return changeSet.removals.map((r) => `${kindOf(r.typeUrl)} ${r.name}`).sort();
}

function kindOf(typeUrl: TypeUrl): Kind | TypeUrl {
  const entry = Object.entries(KIND).find(([, url]) => url === typeUrl);
  return entry === undefined ? typeUrl : (entry[0] as Kind);
}

/** A change set as comparable text: type, name and hex bytes of each upsert, in order, then removals. */
export function changeSetText(changeSet: ChangeSet): string[] {
  return [
    ...changeSet.upserts.map((u) => `+ ${kindOf(u.typeUrl)} ${u.name} ${Buffer.from(u.bytes).toString('hex')}`),
    ...changeSet.removals.map((r) => `- ${kindOf(r.typeUrl)} ${r.name}`),
  ];
}

function changedPaths(before: ClusterState, after: ClusterState): string[] {
  const paths = new Set([...before.services.keys(), ...after.services.keys()]);
  return [...paths].filter((p) => !isDeepStrictEqual(before.services.get(p), after.services.get(p)));
}

/** One gateway: its pipeline state, the cluster it last saw, and what the cache holds. */
export class Gateway {
  #state: PipelineState;
  cluster: ClusterState = { services: new Map() };
  secrets = new Map<string, SecretEntry>();
  /** What the cache holds: the change sets applied in order. */
  readonly served = new Map<TypeUrl, Map<string, Uint8Array>>();

  constructor(opts: { remembered?: Remembered; config?: PipelineConfig; secrets?: Secrets } = {}) {
    this.#state = createPipelineState(opts.config ?? CONFIG, opts.remembered);
    for (const [p, v] of Object.entries(opts.secrets ?? {})) this.secrets.set(p, secretEntry(v));
  }

  get state(): PipelineState {
    return this.#state;
  }

  /** Step to `services` (secrets too when given): changed = services that differ, and the users of secrets that differ. */
  set(services: Services, secrets?: Secrets): StepOutput {
    return this.apply(fileCluster(services), secrets);
  }

  apply(cluster: ClusterState, secrets?: Secrets, changed?: Iterable<string>): StepOutput {
    const paths = new Set(changed ?? changedPaths(this.cluster, cluster));
    if (secrets !== undefined) {
      const next = new Map(Object.entries(secrets).map(([p, v]) => [p, secretEntry(v)] as const));
      for (const p of new Set([...this.secrets.keys(), ...next.keys()])) {
        if (!isDeepStrictEqual(this.secrets.get(p), next.get(p))) for (const user of secretUsers(this.#state, p)) paths.add(user);
      }
      this.secrets = new Map(next);
    }
    this.cluster = cluster;
    const table = this.secrets;
    const out = step(this.#state, { cluster, changed: [...paths], secrets: (p) => table.get(p) });
    this.#state = out.state;
    this.#hold(out.changeSet);
    return out;
  }

  #hold(changeSet: ChangeSet): void {
    for (const u of changeSet.upserts) {
      const held = this.served.get(u.typeUrl) ?? new Map<string, Uint8Array>();
      held.set(u.name, u.bytes);
      this.served.set(u.typeUrl, held);
    }
    for (const r of changeSet.removals) this.served.get(r.typeUrl)?.delete(r.name);
  }

  /** Names held of one kind, sorted. */
  names(kind: Kind): string[] {
    return [...(this.served.get(KIND[kind])?.keys() ?? [])].sort();
  }

  bytes(kind: Kind, name: string): Uint8Array | undefined {
    return this.served.get(KIND[kind])?.get(name);
  }

  /** A held resource, decoded (throws when it is not held). */
  get(kind: Kind, name: string): Json {
    const bytes = this.bytes(kind, name);
    if (bytes === undefined) throw new Error(`${kind} ${name} is not served (held: ${this.names(kind).join(', ')})`);
    return decode(KIND[kind], bytes);
  }

  /** What the validator says of a held resource. */
  violations(kind: Kind, name: string): readonly string[] {
    const bytes = this.bytes(kind, name);
    if (bytes === undefined) throw new Error(`${kind} ${name} is not served`);
    return violations(KIND[kind], bytes);
  }

  /** Everything held, as comparable text (kind, name, hex bytes), sorted. */
  snapshot(): string[] {
    const out: string[] = [];
    for (const kind of Object.keys(KIND) as Kind[]) {
      for (const name of this.names(kind)) out.push(`${kind} ${name} ${Buffer.from(this.bytes(kind, name) ?? []).toString('hex')}`);
    }
    return out;
  }
}
