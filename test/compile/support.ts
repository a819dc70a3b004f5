// Compile one service from hand-made sections, as the pipeline does (model, translation, checks).
import { compileService, type Compiled } from '../../src/pipeline/compile.js';
import { readService } from '../../src/model/sections.js';
import type { Problem } from '../../src/model/types.js';
import type { SecretValues } from '../../src/source/types.js';
import { oneService, type ResourceSpec } from '../model/support/state.js';

export const SVC = 'test/svc/web1';

export function compile(sections: ResourceSpec, secrets: Record<string, SecretValues> = {}, path = SVC): Compiled {
  const svc = readService(oneService(path, sections), path);
  return compileService(svc, { gateway: 'envoy', secrets: (p) => secrets[p], listenerPort: () => undefined });
}

export function problemsOf(compiled: Compiled): readonly Problem[] {
  return compiled.ok ? [] : compiled.problems;
}

export const HTTP = { port: 8080, listener_port: 80, vhosts: ['vhost#0'] };
export const VHOST = { domains: ['web1.acme.org'], routes: ['route#0'] };
