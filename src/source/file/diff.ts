// What changed between two loads of a cluster file: the services to rebuild and the secrets to
// fetch again. Derived from the states themselves, never from where the edit was in the file.
import type { ClusterState, ServiceState } from '../types.js';
import type { SecretSpec } from './secrets.js';

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** A scaler slave `<ns>/svc/<i>.<name>` is rebuilt through its scaler. */
function scalerOf(state: ClusterState, slavePath: string): string | undefined {
  const slash = slavePath.lastIndexOf('/');
  const bare = slavePath.slice(slash + 1);
  for (const service of state.services.values()) {
    const scaler: ServiceState = service;
    if (scaler.instances.some((i) => i.scalerSlaves?.includes(bare)) && scaler.path.slice(0, scaler.path.lastIndexOf('/')) === slavePath.slice(0, slash)) {
      return scaler.path;
    }
  }
  return undefined;
}

export function changedServices(before: ClusterState, after: ClusterState): Set<string> {
  const changed = new Set<string>();
  const paths = new Set([...before.services.keys(), ...after.services.keys()]);
  for (const p of paths) {
    if (same(before.services.get(p), after.services.get(p))) continue;
    changed.add(p);
    const scaler = scalerOf(after, p) ?? scalerOf(before, p);
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
