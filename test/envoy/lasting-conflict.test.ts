// A conflict that lasts (the operator has not fixed it yet) must not make every build redo the
// loser's translation and the shared listener's assembly and encoding: the reduced model, its
// resources and the assembled messages keep their identity from one build to the next.
import { describe, expect, it } from 'vitest';
import { resolveConflicts } from '../../src/model/conflicts.js';
import type { ServiceModel } from '../../src/model/types.js';
import { assemble } from '../../src/envoy/gateway.js';
import { translateService } from '../../src/envoy/service.js';
import { expose, httpExpose, service } from './fixtures.js';

const a = 'test/svc/a';
const b = 'test/svc/b';
const models: ServiceModel[] = [
  service(a, [httpExpose(a, 'expose#0', ['a.example.com'])]),
  // expose#0 loses the domain to a; expose#1 (another listener) stays served
  service(b, [httpExpose(b, 'expose#0', ['A.example.com']), expose(b, 'expose#1')]),
];

function build(): { loser: ServiceModel | undefined; listeners: ReturnType<typeof assemble>['listeners']; routes: ReturnType<typeof assemble>['routes'] } {
  const { accepted, problems } = resolveConflicts(models);
  expect(problems.map((p) => `${p.service} ${p.section} ${p.reason}`)).toEqual([`${b} expose#0 Conflict`]);
  const g = assemble(accepted.map(translateService));
  return { loser: accepted.find((m) => m.path === b), listeners: g.listeners, routes: g.routes };
}

describe('a lasting conflict', () => {
  it('gives the same reduced model, resources and assembled messages build after build', () => {
    const first = build();
    const second = build();
    expect(first.loser?.exposes.map((e) => e.rid)).toEqual(['expose#1']);
    expect(second.loser).toBe(first.loser);
    expect(translateService(second.loser as ServiceModel)).toBe(translateService(first.loser as ServiceModel));
    expect([...second.listeners.keys()]).toEqual(['0.0.0.0:1026/tcp', '0.0.0.0:80/tcp']);
    for (const [name, listener] of second.listeners) expect(listener).toBe(first.listeners.get(name));
    for (const [name, routes] of second.routes) expect(routes).toBe(first.routes.get(name));
  });

  it('builds a new reduced model when the loser loses other exposes', () => {
    const before = resolveConflicts(models).accepted.find((m) => m.path === b);
    const more = [...models, service('test/svc/0', [expose('test/svc/0', 'expose#9')])];
    const after = resolveConflicts(more).accepted.find((m) => m.path === b);
    expect(after?.exposes).toEqual([]);
    expect(after).not.toBe(before);
  });
});
