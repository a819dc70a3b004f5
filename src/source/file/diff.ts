// What changed between two loads of a cluster file: the services to rebuild and the secrets to
// fetch again. Derived from the states themselves, never from where the edit was in the file.
import type { ClusterState, ServiceState } from '../types.js';
import type { SecretSpec } from './secrets.js';

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Scaler slave path → its scaler, for the slaves the scalers list (`<ns>/svc/<i>.<name>`, or a bare `<i>.<name>`). */
function scalerIndex(state: ClusterState): Map<string, string> {
  const index = new Map<string, string>();
  for (const scaler of state.services.values()) {
    const folder = scaler.path.slice(0, scaler.path.lastIndexOf('/') + 1);
    for (const instance of scaler.instances) {
      for (const bare of instance.scalerSlaves ?? []) if (!index.has(folder + bare)) index.set(folder + bare, scaler.path);
    }
  }
  return index;
}

/** Services whose state differs; a changed scaler slave brings its scaler (it is rebuilt through it). */
export function changedServices(before: ClusterState, after: ClusterState): Set<string> {
  const changed = new Set<string>();
  for (const p of new Set([...before.services.keys(), ...after.services.keys()])) {
    if (!same(before.services.get(p), after.services.get(p))) changed.add(p);
  }
  if (changed.size === 0) return changed;
  const scalersAfter = scalerIndex(after);
  const scalersBefore = scalerIndex(before);
  for (const p of [...changed]) {
    const scaler = scalersAfter.get(p) ?? scalersBefore.get(p);
    if (scaler) changed.add(scaler);
  }
  return changed;
}

export function changedSecrets(before: ReadonlyMap<string, SecretSpec>, after: ReadonlyMap<string, SecretSpec>): Set<string> {
  const changed = new Set<string>();
  for (const p of new Set([...before.keys(), ...after.keys()])) {
    if (!same(before.get(p), after.get(p))) changed.add(p);
  }
  return changed;
}

/**
 * Make the live state equal to `next`, in place: only the services that differ get `next`'s
 * ServiceState, the others keep theirs. Returns the services to rebuild (changedServices).
 */
export function updateInPlace(live: Map<string, ServiceState>, next: ClusterState): Set<string> {
  const changed = changedServices({ services: live }, next);
  for (const path of changed) {
    const service = next.services.get(path);
    if (service) live.set(path, service);
    else live.delete(path);
  }
  return changed;
}
