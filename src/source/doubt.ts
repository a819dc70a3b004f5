// When a source is not believed at once: a new state that would withdraw most of what is served.
// Shared by the adapters (a restarting daemon, a cluster file edit); each decides how to confirm.
//
// A new state is doubtful when it would withdraw more than half of the published services with
// exposes (a service with an expose that is absent, or has no expose left, is withdrawn), or, with
// nothing published yet, when it holds no service with an expose at all.
import type { ClusterState, ServiceState } from './types.js';

export interface Doubt {
  readonly reason: string;
  /** The published services with exposes the snapshot would withdraw, sorted. */
  readonly withdrawn: readonly string[];
}

/** Has the service an expose section on some instance. */
export function exposing(service: ServiceState | undefined): boolean {
  return service?.instances.some((i) => Object.values(i.resources).some((r) => r.type.startsWith('expose'))) ?? false;
}

function sample(paths: readonly string[]): string {
  return paths.length <= 5 ? paths.join(', ') : `${paths.slice(0, 5).join(', ')}, …`;
}

/** Why `candidate` (`what` names it in the reason) is not to be believed at once instead of `published`, or undefined. */
export function doubtAbout(published: ClusterState | undefined, candidate: ClusterState, what: string): Doubt | undefined {
  if (!published) {
    for (const service of candidate.services.values()) if (exposing(service)) return undefined;
    return { reason: `${what} holds no service with an expose, and nothing was served before`, withdrawn: [] };
  }
  const served: string[] = [];
  const withdrawn: string[] = [];
  for (const [path, service] of published.services) {
    if (!exposing(service)) continue;
    served.push(path);
    if (!exposing(candidate.services.get(path))) withdrawn.push(path);
  }
  if (withdrawn.length * 2 <= served.length) return undefined;
  withdrawn.sort();
  return { reason: `${what} would withdraw ${withdrawn.length} of the ${served.length} services with exposes (${sample(withdrawn)})`, withdrawn };
}
