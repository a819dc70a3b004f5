// The pipeline: pure translation of the cluster into Envoy resources, one step per batch of
// changes. Public surface.
export { step, type StepOutput, type StepWork } from './step.js';
export { createPipelineState, type PipelineState, type Remembered } from './state.js';
export { readServiceInputs } from './inputs.js';
export { compileAhead, type Ahead } from './ahead.js';
export { contestedHolders } from './conflicts.js';
export type { ConflictEvent, ExposeStatus, PipelineConfig, PipelineInput, SecretEntry, ServiceStatus, StepResult } from './types.js';
export { serviceStatuses, secretUsers, remembered, needsAllocation, secretsNamedBy, certificateExpiries } from './query.js';
