// The model's public face: what the janitor calls.
export { buildService, buildServiceModel, type ModelContext } from './service.js';
export { referencedSecrets, secretsOf, servicesUsingSecret } from './referenced.js';
export { isScalerSlave, scalerSlavePaths } from './sections.js';
export { formatProblem } from './problems.js';
export { SECTION_KEYWORDS } from './vocabulary.js';
