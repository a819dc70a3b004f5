// What covers what, between tenants: a wildcard host name covers the names Envoy would route to it
// if no one served them more precisely, and a wildcard listener address covers the specific
// addresses of its family, port and protocol (the kernel gives a connection to the specific one).
// claims.ts builds the keys, conflicts.ts decides with them; the matching rules live here.
//
// Host names are compared as owners see them: lower-cased, without a trailing dot (`www.a.org.`
// is the name www.a.org; the connection managers strip a Host header's trailing dot before routing).
// A suffix wildcard (`*.a.org`, `*-shop.a.org`) covers every name ending with what follows its `*`,
// with at least one character before (Envoy's vhost domains and SNI `*.a.org` match `x.y.a.org`
// too), and the narrower wildcards under it (`*.x.a.org`), when what follows its `*` ends with a
// domain of two labels or more (`a.org`): a wider wildcard (`*.org`, `*t`) covers nothing, or one
// namespace could hold every other namespace's future names with a few of them. The catch-all `*`
// and prefix wildcards (`shop.*`) cover nothing either: Envoy tries them after every exact and
// suffix name, so they only get what no one else serves (they are still names: `*` itself belongs
// to the first namespace). A wildcard that covers nothing takes nothing from anyone.

/** A host name as tenants own it: lower-cased, without a trailing dot. */
export function ownedName(name: string): string {
  const lower = name.toLowerCase();
  return lower.length > 1 && lower.endsWith('.') ? lower.slice(0, -1) : lower;
}

/** What a suffix wildcard matches after its `*` (`*.a.org` → `.a.org`); undefined for other names. */
export function wildcardSuffix(name: string): string | undefined {
  return name.length > 1 && name.startsWith('*') && !name.endsWith('*') ? name.slice(1) : undefined;
}

/** The part of a name a suffix wildcard must end: the name itself, or a wildcard's suffix; undefined for `*` and prefix wildcards. */
function coverable(name: string): string | undefined {
  if (name.endsWith('*')) return undefined;
  return wildcardSuffix(name) ?? name;
}

/** True when the wildcard `wildcard` covers `name` (a name, or a narrower wildcard). */
export function covers(wildcard: string, name: string): boolean {
  const suffix = wildcardSuffix(wildcard);
  const rest = coverable(name);
  return suffix !== undefined && rest !== undefined && rest.length > suffix.length && rest.endsWith(suffix) && coveredTail(wildcard) !== undefined;
}

/**
 * The wildcards that would cover `name`, narrowest first (Envoy prefers the longest suffix),
 * among wildcards whose suffix has one of `lengths` characters (the lengths of the wildcards held:
 * a name is then looked up a few times, not once per character).
 */
export function coveringWildcards(name: string, lengths: Iterable<number>): string[] {
  const rest = coverable(name);
  if (rest === undefined) return [];
  const fitting = [...lengths].filter((n) => n >= 1 && n < rest.length).sort((a, b) => b - a);
  return fitting.map((n) => `*${rest.slice(rest.length - n)}`).filter((w) => coveredTail(w) !== undefined);
}

/**
 * Where to look for the names a wildcard may cover: the last two labels they all end with
 * (`*.shop.a.org` and `*-shop.a.org`: `a.org`), or undefined when the wildcard is wider (`*.org`,
 * `*t`, `*`): such a wildcard covers nothing.
 */
export function coveredTail(wildcard: string): string | undefined {
  const suffix = wildcardSuffix(wildcard) ?? '';
  const dot = suffix.indexOf('.');
  const labels = dot < 0 ? [] : suffix.slice(dot + 1).split('.');
  return labels.length >= 2 ? labels.slice(-2).join('.') : undefined;
}

/** The index a name is filed under for coveredTail: its last two labels. */
export function nameTail(name: string): string {
  const last = name.lastIndexOf('.');
  return last <= 0 ? name : name.slice(name.lastIndexOf('.', last - 1) + 1);
}

/** The wildcard address of an address's family (`0.0.0.0`, `::`), or undefined when it is one. */
export function wildcardAddress(address: string): string | undefined {
  const wildcard = address.includes(':') ? '::' : '0.0.0.0';
  return address === wildcard ? undefined : wildcard;
}
