// The working set of one step: the services it read, the candidates and removals it collected,
// the listeners and RouteConfigurations it must assemble again, the assignments and statuses due,
// and the change set it writes. Lives for one step; the state it works on is the core.
import type { ModelContext } from '../model/context.js';
import type { ServiceSections } from '../model/sections.js';
import { modelContext } from './ahead.js';
import type { Candidate } from './conflicts.js';
import { readServiceInputs } from './inputs.js';
import { Output } from './output.js';
import type { PipelineCore } from './state.js';
import type { ConflictEvent, PipelineInput } from './types.js';

/** A unit's rank among claims arriving together: its service's age, then its path and section. */
export function rankOf(core: PipelineCore, unit: string): readonly (number | string)[] {
  const owner = core.owners.get(unit);
  if (owner === undefined) return [Number.MAX_SAFE_INTEGER, unit];
  return [core.ages.get(owner.service) ?? Number.MAX_SAFE_INTEGER, owner.service, owner.rid];
}

export class Batch {
  readonly out: Output;
  readonly sections = new Map<string, ServiceSections | undefined>();
  readonly candidates: Candidate[] = [];
  readonly removed = new Set<string>();
  readonly listeners = new Set<string>();
  readonly routes = new Set<string>();
  readonly assignmentsDue = new Map<string, Set<string>>();
  readonly statusDue = new Set<string>();
  readonly conflicts: ConflictEvent[] = [];
  compiled = 0;
  assignments = 0;

  constructor(
    readonly core: PipelineCore,
    readonly input: PipelineInput,
  ) {
    this.out = new Output(core.applied);
  }

  svc(path: string): ServiceSections | undefined {
    if (!this.sections.has(path)) this.sections.set(path, readServiceInputs(this.input.cluster, path, this.core.reads));
    return this.sections.get(path);
  }

  dueAssignment(service: string, unit: string): void {
    const set = this.assignmentsDue.get(service) ?? new Set<string>();
    set.add(unit);
    this.assignmentsDue.set(service, set);
  }

  modelContext(): ModelContext {
    return modelContext(this.core, this.input.secrets);
  }
}
