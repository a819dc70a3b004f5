// Every scenario of `npm run bench -- <name>`, in the order `all` runs them.
import { burst } from './burst.js';
import { cold } from './cold.js';
import { cpu } from './cpu.js';
import { endpointScenario } from './endpoint.js';
import { fileEdit } from './file-edit.js';
import { route } from './route.js';
import { smoke } from './smoke.js';
import { streams } from './streams.js';
import type { Scenario } from './types.js';

export const SCENARIOS: readonly Scenario[] = [
  smoke,
  endpointScenario('endpoint', 'endpoint change → every client at 1,000 services × 100 delta clients',
    { services: 1000, clients: 100, changes: 100 },
    { p50: { max: 10, ratioMax: 1.5 }, p99: { max: 30, ratioMax: 1.5 } }),
  endpointScenario('endpoint-10k', 'endpoint change → every client at 10,000 services × 10 delta clients',
    { services: 10_000, clients: 10, changes: 20, timeoutMs: 300_000 },
    { p50: { ratioMax: 1.5 }, p99: { max: 50, ratioMax: 1.5 } }),
  cpu,
  route,
  cold,
  streams,
  burst,
  fileEdit,
];

export function findScenario(name: string): Scenario | undefined {
  return SCENARIOS.find((s) => s.name === name);
}
