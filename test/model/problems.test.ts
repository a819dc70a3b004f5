// Problem wording helpers.
import { describe, expect, it } from 'vitest';
import { formatProblem, problem, ProblemList, show } from '../../src/model/problems.js';

describe('problems', () => {
  it('formatProblem gives one log line naming service, section, keyword and reason', () => {
    const p = problem({ service: 'test/svc/web1', section: 'route#0' }, 'route_timeout', 'InvalidValue', 'route_timeout "3x" is not a duration.', '3x');
    expect(formatProblem(p)).toBe('test/svc/web1 route#0 route_timeout: route_timeout "3x" is not a duration. [InvalidValue]');
    expect(formatProblem({ service: 'a', section: '', reason: 'Conflict', message: 'm.' })).toBe('a: m. [Conflict]');
  });

  it('a problem without value has no value key (secrets are never attached)', () => {
    expect(Object.keys(problem({ service: 's', section: 'c' }, 'k', 'InvalidSecret', 'm.'))).not.toContain('value');
  });

  it('show cuts long values and survives cycles', () => {
    expect(show('x'.repeat(200))).toHaveLength(80);
    const cyclic: Record<string, unknown> = {};
    cyclic['self'] = cyclic;
    expect(show(cyclic)).toBe('[object Object]');
    expect(show(undefined)).toBe('undefined');
  });

  it('ProblemList keeps a repeated problem once, in first-seen order', () => {
    const list = new ProblemList();
    const at = { service: 's', section: 'route#0' };
    list.refused(at, 'route_timeout', 'x', { reason: 'InvalidValue', message: 'is bad.' });
    list.refused(at, 'route_timeout', 'x', { reason: 'InvalidValue', message: 'is bad.' });
    list.refused(at, 'match_prefix', 'x', { reason: 'InvalidValue', message: 'is bad.' }, true);
    expect(list.list()).toEqual([
      { service: 's', section: 'route#0', keyword: 'route_timeout', reason: 'InvalidValue', message: 'route_timeout is bad.', value: 'x' },
      { service: 's', section: 'route#0', keyword: 'match_prefix', reason: 'InvalidValue', message: 'match_prefix is bad.' },
    ]);
  });
});
