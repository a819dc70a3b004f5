// The model's public face: what the janitor calls.
export { buildService, type ModelContext } from './service.js';
export { resolveConflicts } from './conflicts.js';
export { allocatePorts, portKey, portRequests, usedListenerPorts, type PortRequest, type PortUse, type PortAllocationInput } from './ports.js';
export { referencedSecrets, servicesUsingSecret } from './referenced.js';
export { isScalerSlave, scalerSlavePaths } from './sections.js';
export { formatProblem } from './problems.js';
export { SECTION_KEYWORDS } from './vocabulary.js';
