// What a scenario is: its figures (with targets), its default sizes, and one measurement per
// (server, run). The runner (bench/run.ts) runs every server one after the other, never at once.
import type { Figure, Value } from '../harness/figures.js';
import type { ServerKind, Transport } from '../harness/server.js';

export interface Options {
  readonly services: number;
  readonly clients: number;
  readonly changes: number;
  /** cpu scenario: the cluster sizes compared. */
  readonly sizes: readonly number[];
  readonly transport: Transport;
  readonly janitorBuild: 'tsx' | 'dist';
  /** Deadline for one wait (first sync, one change), ms. */
  readonly timeoutMs: number;
}

export interface RunContext {
  readonly kind: ServerKind;
  readonly run: number;
  readonly options: Options;
  /** Set with --cpu-prof (janitor only): where its profile goes. */
  readonly cpuProfDir?: string;
  /** Progress line on stderr. */
  log(message: string): void;
}

export interface Measured {
  readonly values: Record<string, Value>;
  /** The measured phase (monotonic ms), for the profile summary. */
  readonly window?: { readonly fromMs: number; readonly toMs: number };
  /** Anything worth reading beside the numbers (timeouts, counts, mismatches). */
  readonly notes: readonly string[];
  /** Scenario-specific data for the JSON results (smoke: what the clients hold). */
  readonly details?: unknown;
}

export interface Scenario {
  readonly name: string;
  readonly summary: string;
  readonly defaults: Partial<Options>;
  /** Servers measured (default both). */
  readonly servers?: readonly ServerKind[];
  figures(options: Options): readonly Figure[];
  measure(ctx: RunContext): Promise<Measured>;
}
