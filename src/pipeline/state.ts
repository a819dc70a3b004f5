// The pipeline's state between steps: per service what was compiled and what is served, and the
// indexes that let a step touch only what changed (ports, claims, listeners, route
// configurations, secrets, what the cache holds).
import { createPortBook, type PortBook } from '../ports/index.js';
import type { Problem } from '../model/types.js';
import type { Claim } from './claims.js';
import type { Compiled } from './compile.js';
import { createConflictState, type ConflictState } from './conflicts.js';
import type { ListenerEntries } from './listeners.js';
import { createApplied, type Applied } from './output.js';
import type { RouteEntries } from './routes.js';
import type { SecretRecords } from './secrets.js';
import type { Reads } from './inputs.js';
import type { PipelineConfig } from './types.js';
import type { ExposeUnit } from './units.js';

export interface ServiceRecord {
  readonly path: string;
  configKey: string;
  endpointsKey: string;
  compiled: Compiled;
  /** Secret objects its definition names. */
  secrets: readonly string[];
  /** The units served, by expose rid (the current version, or an earlier one kept). */
  readonly served: Map<string, ExposeUnit>;
  /** ClusterLoadAssignment bytes of the served units, by unit id. */
  readonly assignments: Map<string, Uint8Array>;
  /** Why the current version of an expose is not served, by rid. */
  readonly refusals: Map<string, { readonly holder: string; readonly claim: Claim }>;
  endpointProblems: readonly Problem[];
}

/** What a restart keeps (the state file): contested keys and their holders, and service ages. */
export interface Remembered {
  readonly holders: ReadonlyMap<string, string>;
  readonly ages: ReadonlyMap<string, number>;
}

export interface PipelineCore {
  readonly config: PipelineConfig;
  readonly services: Map<string, ServiceRecord>;
  readonly ports: PortBook;
  readonly conflicts: ConflictState;
  readonly listeners: ListenerEntries;
  readonly routes: RouteEntries;
  readonly secrets: SecretRecords;
  readonly applied: Applied;
  /** When each service was first seen (a step number; older is smaller). */
  readonly ages: Map<string, number>;
  /** Unit id → its service and rid. */
  readonly owners: Map<string, { readonly service: string; readonly rid: string }>;
  /** Secret object → services whose definition names it. */
  readonly secretUsers: Map<string, Set<string>>;
  /** Services with an expose asking for a port the range had none left for: tried again when ports free. */
  readonly starved: Set<string>;
  /** Services read in the current batch (inputs.ts), dropped by the step that ends it. */
  reads: Reads;
  steps: number;
}

/**
 * The state handed from step to step. A step consumes the state it is given (it updates its
 * indexes in place, which is what makes it cheap) and returns the next one: using a consumed
 * state again throws.
 */
export interface PipelineState {
  readonly core: PipelineCore;
  /** False once handed to step(). */
  live: boolean;
}

export function createPipelineState(config: PipelineConfig, remembered?: Remembered): PipelineState {
  const ages = new Map(remembered?.ages ?? []);
  let steps = 1;
  for (const age of ages.values()) steps = Math.max(steps, age + 1);
  const core: PipelineCore = {
    config,
    services: new Map(),
    ports: createPortBook(),
    conflicts: createConflictState(remembered?.holders),
    listeners: new Map(),
    routes: new Map(),
    secrets: new Map(),
    applied: createApplied(),
    ages,
    owners: new Map(),
    secretUsers: new Map(),
    starved: new Set(),
    reads: new WeakMap(),
    steps,
  };
  return { core, live: true };
}

export function takeCore(state: PipelineState): PipelineCore {
  if (!state.live) throw new Error('pipeline state already consumed: use the state the last step returned');
  state.live = false;
  return state.core;
}
