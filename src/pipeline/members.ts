// The members of a key several units may hold at once: the listener's shared plain-HTTP chain
// (each member brings its chain data, '' for none) and the tenant keys (host names, listener
// addresses), held by the units of one or more namespaces. Filed by namespace and data, so a
// check costs the number of namespaces and distinct data, not the number of members (10,000
// services may share one chain).

export interface Members {
  readonly units: Map<string, { readonly namespace: string; readonly content: string }>;
  /** namespace → data → the members of that namespace bringing it. */
  readonly byNamespace: Map<string, Map<string, Set<string>>>;
}

export function createMembers(): Members {
  return { units: new Map(), byNamespace: new Map() };
}

export function addMember(m: Members, unit: string, namespace: string, content: string): void {
  removeMember(m, unit);
  m.units.set(unit, { namespace, content });
  const contents = m.byNamespace.get(namespace) ?? new Map<string, Set<string>>();
  m.byNamespace.set(namespace, contents);
  const set = contents.get(content) ?? new Set<string>();
  contents.set(content, set);
  set.add(unit);
}

/** False when `unit` was not a member. */
export function removeMember(m: Members, unit: string): boolean {
  const member = m.units.get(unit);
  if (member === undefined) return false;
  m.units.delete(unit);
  const contents = m.byNamespace.get(member.namespace);
  const set = contents?.get(member.content);
  set?.delete(unit);
  if (set?.size === 0) contents?.delete(member.content);
  if (contents?.size === 0) m.byNamespace.delete(member.namespace);
  return true;
}

/** A member other than `except` matching `keep`, preferring one `prefer` accepts. */
export function findMember(m: Members, keep: (namespace: string, content: string) => boolean, except?: string, prefer: (unit: string) => boolean = () => true): string | undefined {
  let fallback: string | undefined;
  for (const [namespace, contents] of m.byNamespace) {
    for (const [content, units] of contents) {
      if (!keep(namespace, content)) continue;
      for (const unit of units) {
        if (unit === except) continue;
        if (prefer(unit)) return unit;
        fallback ??= unit;
      }
    }
  }
  return fallback;
}

/** The data the members other than `unit` bring: any of them at all, and the data ('' if none brings any). */
export function othersData(m: Members, unit: string): { readonly any: boolean; readonly content: string } {
  const any = m.units.size > (m.units.has(unit) ? 1 : 0);
  const bringer = findMember(m, (_, content) => content !== '', unit);
  return { any, content: bringer === undefined ? '' : (m.units.get(bringer)?.content ?? '') };
}
