// Random keyword values never throw: buildService gives a model, or problems that each name the
// service, the section and the keyword with a sentence, and never quote secret material.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildService } from '../../src/model/service.js';
import { context, SVC } from './support/build.js';
import { pem } from './support/certs.js';
import { KEYWORD_SECRETS, REASONS, serviceSections } from './support/keywords.js';
import { oneService } from './support/state.js';

const ctx = context({ secrets: (p) => KEYWORD_SECRETS[p], listenerPort: (_s, rid) => (rid === 'expose#0' ? 1025 : undefined) });
const secretLines = [pem.serverKey, pem.otherKey].map((k) => k.split('\n')[1] ?? '');

describe('random keyword values', () => {
  it('never throw, and give a model or located problems', () => {
    let valid = 0;
    fc.assert(
      fc.property(serviceSections, (sections) => {
        const result = buildService(oneService(SVC, sections), SVC, ctx);
        const text = JSON.stringify(result);
        expect(JSON.parse(text)).toEqual(result);
        for (const line of secretLines) {
          if (!result.ok) expect(JSON.stringify(result.problems)).not.toContain(line);
        }
        if (result.ok) {
          valid += 1;
          for (const e of result.value.exposes) {
            expect(e.port).toBeGreaterThanOrEqual(1);
            expect(e.listener.port).toBeGreaterThanOrEqual(1);
            expect(e.listener.port).toBeLessThanOrEqual(65535);
          }
          return;
        }
        expect(result.problems.length).toBeGreaterThan(0);
        for (const p of result.problems) {
          expect(p.service).toBe(SVC);
          expect(p.section).toMatch(/^(expose|vhost|route|hashpolicy|certificate)#\d$/);
          expect(typeof p.keyword === 'string' && p.keyword.length > 0, JSON.stringify(p)).toBe(true);
          expect(REASONS).toContain(p.reason);
          expect(p.message).toMatch(/^[a-z_*].*\.$/s);
        }
      }),
      { numRuns: 400 },
    );
    // The generator reaches valid services too, not only refusals.
    expect(valid).toBeGreaterThan(0);
  });
});
