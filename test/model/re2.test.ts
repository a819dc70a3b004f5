import { describe, expect, it } from 'vitest';
import { compileRe2 } from '../../src/model/re2.js';
import { parseRegex } from '../../src/model/keywords.js';
import { re2ProgramSize } from '../../src/validate/re2size.js';

describe('compileRe2', () => {
  it('compiles a pattern once: the model parse and the envoy size check share the program', () => {
    const pattern = '^/api/v[0-9]+/users/[a-z0-9-]{1,32}$';
    const first = compileRe2(pattern);
    expect(first.ok).toBe(true);
    expect(parseRegex(pattern)).toEqual({ ok: true, value: pattern });
    expect(re2ProgramSize(pattern)).toBeGreaterThan(2);
    expect(compileRe2(pattern)).toBe(first);
  });

  it('says why a pattern is not RE2, and the model and the size check agree', () => {
    const bad = compileRe2('(?<=a)b');
    expect(bad.ok).toBe(false);
    expect(parseRegex('(?<=a)b')).toMatchObject({ ok: false, reason: 'InvalidRegex' });
    expect(re2ProgramSize('(?<=a)b')).toBeUndefined();
  });

  it('forgets the oldest pattern beyond its bound', () => {
    const first = compileRe2('^bound-0$');
    for (let i = 1; i <= 1024; i++) compileRe2(`^bound-${i}$`);
    const again = compileRe2('^bound-0$');
    expect(again.ok).toBe(true);
    expect(again).not.toBe(first);
  });
});
