// A large batch's services compiled before the step (src/pipeline/ahead.ts), a slice at a time with
// the event loop let run between slices: compiling is most of a cold start (seconds at 10,000
// services), and admin, health checks and gRPC connections must not wait for all of it. The step
// takes each result whose content keys are still the ones it computes. Nothing is served meanwhile:
// the cache gets the step's whole change set at once, as before.
import { compileAhead, type Ahead, type PipelineState, type SecretEntry } from '../pipeline/index.js';
import type { ClusterState } from '../source/types.js';

/** Batches of at least this many services are compiled ahead of the step, in slices of about SLICE_MS. */
const AHEAD_BATCH = 32;
const SLICE_MS = 20;

export async function compileInSlices(state: PipelineState, now: ClusterState, paths: readonly string[], secrets: (path: string) => SecretEntry | undefined): Promise<ReadonlyMap<string, Ahead>> {
  const ahead = new Map<string, Ahead>();
  if (paths.length < AHEAD_BATCH) return ahead;
  let slice = performance.now();
  for (const path of paths) {
    const compiled = compileAhead(state, now, path, secrets);
    if (compiled !== undefined) ahead.set(path, compiled);
    if (performance.now() - slice < SLICE_MS) continue;
    await new Promise((resolve) => setImmediate(resolve));
    slice = performance.now();
  }
  return ahead;
}
