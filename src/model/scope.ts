// The state of one service build: its sections, the problems found so far, and a cache so a
// section referenced from several places is parsed (and reported) once.
import { problem, ProblemList, show, type Parsed, type Where } from './problems.js';
import { hasType, keyword, type ServiceSections } from './sections.js';
import type { ResourceState } from '../source/types.js';

export interface Scope {
  readonly svc: ServiceSections;
  readonly problems: ProblemList;
  /** Served anyway, but worth knowing (hash policies a load balancer ignores, certificate dates and names). */
  readonly warnings: ProblemList;
  /** Parsed sections by rid (`undefined`: the section is invalid). */
  readonly cache: Map<string, unknown>;
  /** `--allow-cluster-header`: a route may let the client name its cluster (route_cluster_header). */
  readonly allowClusterHeader: boolean;
}

export function newScope(svc: ServiceSections, allowClusterHeader = false): Scope {
  return { svc, problems: new ProblemList(), warnings: new ProblemList(), cache: new Map(), allowClusterHeader };
}

export function where(scope: Scope, rid: string): Where {
  return { service: scope.svc.path, section: rid };
}

/** Parse the section once; later calls return the cached result. */
export function memo<T>(scope: Scope, rid: string, build: () => T | undefined): T | undefined {
  if (scope.cache.has(rid)) return scope.cache.get(rid) as T | undefined;
  const value = build();
  scope.cache.set(rid, value);
  return value;
}

/** A section keyword reader bound to one section. */
export interface SectionReader {
  readonly rid: string;
  readonly res: ResourceState;
  /** Present (non-empty) value of a keyword, raw. */
  raw(kw: string): unknown;
  /** Parsed value, `undefined` when absent or invalid (invalid is reported). */
  get<T>(kw: string, parse: (v: unknown) => Parsed<T>, secret?: boolean): T | undefined;
  /** Report a problem on a keyword of this section. */
  report(kw: string, reason: Parameters<typeof problem>[2], message: string, value?: unknown): void;
  /** True when nothing has been reported since this reader was made. */
  clean(): boolean;
}

/** One object per section read (its methods shared): a service reads a dozen sections or more. */
class Reader implements SectionReader {
  #failures = 0;
  constructor(
    private readonly scope: Scope,
    readonly rid: string,
    readonly res: ResourceState,
  ) {}

  raw(kw: string): unknown {
    return keyword(this.res, kw);
  }

  get<T>(kw: string, parse: (v: unknown) => Parsed<T>, secret = false): T | undefined {
    const value = keyword(this.res, kw);
    if (value === undefined) return undefined;
    const parsed = parse(value);
    if (parsed.ok) return parsed.value;
    this.#failures += 1;
    this.scope.problems.refused(where(this.scope, this.rid), kw, value, parsed, secret);
    return undefined;
  }

  report(kw: string, reason: Parameters<typeof problem>[2], message: string, value?: unknown): void {
    this.#failures += 1;
    this.scope.problems.add(problem(where(this.scope, this.rid), kw, reason, message, value));
  }

  clean(): boolean {
    return this.#failures === 0;
  }
}

export function reader(scope: Scope, rid: string, res: ResourceState): SectionReader {
  return new Reader(scope, rid, res);
}

/**
 * Resolve a list of section rids named by `kw` of section `from`: each must exist and be of
 * `type`. Returns the rids that do (order kept, duplicates dropped); reports the others.
 */
export function resolveRefs(scope: Scope, from: SectionReader, kw: string, rids: readonly string[], type: string): string[] {
  const out: string[] = [];
  for (const rid of new Set(rids)) {
    const target = scope.svc.sections.get(rid);
    if (target === undefined) {
      from.report(kw, 'UnknownReference', `${kw} names ${show(rid)}, and the service has no such section.`, rid);
    } else if (!hasType(target, type)) {
      from.report(kw, 'WrongSectionType', `${kw} names ${show(rid)}, a ${target.type} section; a ${type} section is expected.`, rid);
    } else {
      out.push(rid);
    }
  }
  return out;
}
