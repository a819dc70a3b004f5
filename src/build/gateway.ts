// From the per-service state to one consistent ChangeSet: conflicts over all services, listener
// assembly, encoding (each message object encoded once: messages of unchanged services and
// listeners keep their identity across builds), and the diff against what was applied last, by
// identity of the encoded bytes, so a batch upserts only what changed.
import { encodeOnce } from '../validate/check.js';
import { MSG } from '../envoy/core.js';
import { assemble, type GatewayResources } from '../envoy/gateway.js';
import { translateService, type ServiceResources } from '../envoy/service.js';
import type { Problem } from '../model/types.js';
import type { ResourceCache } from '../xds/cache.js';
import { TYPE, type ChangeSet, type EncodedResource, type TypeUrl } from '../xds/types.js';
import type { ServiceEntry } from './services.js';
import type { ModelApi } from './types.js';

export interface GatewayBuild {
  readonly changeSet: ChangeSet;
  readonly gateway: GatewayResources;
  /** Problems found across services (conflicts), by service path. */
  readonly problems: ReadonlyMap<string, readonly Problem[]>;
  /** Services whose resources are served. */
  readonly served: ReadonlySet<string>;
  /** What the cache holds once changeSet is applied. */
  readonly applied: Applied;
}

const KINDS: readonly { key: keyof Omit<GatewayResources, 'problems'>; typeUrl: TypeUrl; fullName: string }[] = [
  { key: 'clusters', typeUrl: TYPE.cluster, fullName: MSG.cluster },
  { key: 'endpoints', typeUrl: TYPE.endpoint, fullName: MSG.clusterLoadAssignment },
  { key: 'secrets', typeUrl: TYPE.secret, fullName: MSG.secret },
  { key: 'listeners', typeUrl: TYPE.listener, fullName: MSG.listener },
  { key: 'routes', typeUrl: TYPE.route, fullName: MSG.routeConfiguration },
];

/** What the last change set left in the cache: per type, name → the bytes applied. */
export type Applied = ReadonlyMap<TypeUrl, ReadonlyMap<string, Uint8Array>>;

function groupByService(problems: readonly Problem[]): Map<string, Problem[]> {
  const out = new Map<string, Problem[]>();
  for (const p of problems) {
    const list = out.get(p.service);
    if (list) list.push(p);
    else out.set(p.service, [p]);
  }
  return out;
}

/** Everything to serve now, as a change set against the cache's current content. */
export function buildGatewayChange(api: ModelApi, entries: ReadonlyMap<string, ServiceEntry>, cache: ResourceCache, previous: Applied): GatewayBuild {
  const candidates = [...entries.values()].flatMap((e) => (e.lastValid ? [e.lastValid] : []));
  const { accepted, problems: conflictProblems } = api.resolveConflicts(candidates.map((c) => c.model));
  const byPath = new Map(candidates.map((c) => [c.model.path, c]));
  // A conflict's loser keeps its other exposes: its reduced model is translated again (a subset of
  // resources already checked); untouched models keep their translated, already encoded resources.
  const resources: ServiceResources[] = accepted.map((m) => {
    const candidate = byPath.get(m.path);
    return candidate && candidate.model === m ? candidate.resources : translateService(m);
  });
  const gateway = assemble(resources);
  const problems = groupByService([...conflictProblems, ...gateway.problems]);
  const assemblyProblems = new Set(gateway.problems.map((x) => x.service));
  const served = new Set(accepted.map((m) => m.path).filter((p) => !assemblyProblems.has(p)));
  const upserts: EncodedResource[] = [];
  const removals: { typeUrl: TypeUrl; name: string }[] = [];
  const applied = new Map<TypeUrl, Map<string, Uint8Array>>();
  for (const kind of KINDS) {
    const wanted = gateway[kind.key];
    const before = previous.get(kind.typeUrl);
    const now = new Map<string, Uint8Array>();
    applied.set(kind.typeUrl, now);
    for (const [name, message] of wanted) {
      const bytes = encodeOnce(kind.fullName, message);
      now.set(name, bytes);
      if (before?.get(name) !== bytes) upserts.push({ typeUrl: kind.typeUrl, name, bytes });
    }
    for (const name of cache.names(kind.typeUrl)) if (!wanted.has(name)) removals.push({ typeUrl: kind.typeUrl, name });
  }
  return { changeSet: { upserts, removals }, gateway, problems, served, applied };
}
