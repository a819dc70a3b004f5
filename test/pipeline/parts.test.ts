// Listeners and RouteConfigurations are concatenations of parts encoded when each service was
// compiled. For random gateways, and after random sequences of them, every one assembled is the
// canonical encoding of what it decodes to (byte for byte what encoding the whole message gives)
// and passes the validator; and without collisions, what a sequence of steps leaves served is
// exactly what one step from the last cluster serves.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeMessage } from '../../src/proto/codec.js';
import { TYPE } from '../../src/xds/types.js';
import { gateway } from './support/arbitrary.js';
import { decode, fullName, Gateway, violations, type Services } from './support/gateway.js';
import { SECRETS } from './support/specs.js';
import type { StepOutput } from '../../src/pipeline/index.js';

const ASSEMBLED = new Set<string>([TYPE.listener, TYPE.route]);

/** Every assembled resource of a step: canonical bytes, valid. Returns how many were checked. */
function checkAssembled(out: StepOutput): number {
  let checked = 0;
  for (const u of out.changeSet.upserts) {
    if (!ASSEMBLED.has(u.typeUrl)) continue;
    const again = encodeMessage(fullName(u.typeUrl), decode(u.typeUrl, u.bytes));
    expect(Buffer.from(again).toString('hex'), `${u.name} is not its canonical encoding`).toBe(Buffer.from(u.bytes).toString('hex'));
    expect(violations(u.typeUrl, u.bytes), u.name).toEqual([]);
    checked += 1;
  }
  return checked;
}

/** The generators write valid definitions: anything refused is a conflict. */
function onlyConflicts(out: StepOutput): void {
  for (const st of out.statuses.values()) for (const p of st?.problems ?? []) expect(p.reason, p.message).toBe('Conflict');
}

describe('assembled listeners and route configurations', () => {
  it('are the canonical encoding of their decoded form and pass the validator, step after step (property)', () => {
    let checked = 0;
    fc.assert(
      fc.property(fc.array(gateway(true), { minLength: 1, maxLength: 3 }), (states: Services[]) => {
        const g = new Gateway({ secrets: SECRETS });
        for (const s of states) {
          const out = g.set(s);
          onlyConflicts(out);
          checked += checkAssembled(out);
        }
      }),
      { numRuns: 25 },
    );
    expect(checked).toBeGreaterThan(60);
  });

  it('after any sequence of steps, equal what one step from the last cluster gives (property)', () => {
    fc.assert(
      fc.property(fc.array(gateway(false), { minLength: 2, maxLength: 4 }), (states: Services[]) => {
        const g = new Gateway({ secrets: SECRETS });
        for (const s of states) onlyConflicts(g.set(s));
        const fresh = new Gateway({ secrets: SECRETS });
        const out = fresh.apply(g.cluster);
        expect([...out.statuses.values()].every((st) => st === undefined || st.valid)).toBe(true);
        expect(g.snapshot()).toEqual(fresh.snapshot());
      }),
      { numRuns: 15 },
    );
  });
});
