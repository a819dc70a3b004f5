// A restart never flips a winner (property): after any sequence of colliding gateways, a janitor
// started again from its record (`remembered`) and given the last cluster in one step still serves
// every expose that was served in its current version, and leaves out the routes they had lost to
// one another.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { remembered, serviceStatuses, type PipelineState } from '../../src/pipeline/index.js';
import { gateway } from './support/arbitrary.js';
import { Gateway, type Services } from './support/gateway.js';
import { SECRETS } from './support/specs.js';

/**
 * Exposes served in their current version, and the routes they lose to another such expose (a
 * route lost to an earlier version kept served may come back: that version is not in the cluster
 * any more, a restart cannot build it again).
 */
function outcome(state: PipelineState): { served: string[]; lost: string[] } {
  const served = new Set<string>();
  const lostTo: [string, string, string][] = [];
  for (const st of serviceStatuses(state)) {
    for (const e of st.exposes) {
      if (!e.served || !e.current) continue;
      served.add(e.cluster);
      for (const l of e.lostRoutes) lostTo.push([e.cluster, `${l.hostname} ${l.route}`, l.holder.replace(' ', '.')]);
    }
  }
  return { served: [...served], lost: lostTo.filter(([, , holder]) => served.has(holder)).map((l) => l.join(' ')) };
}

describe('a restart', () => {
  it('keeps every winner of the sequence before it (property)', () => {
    let contested = 0;
    fc.assert(
      fc.property(fc.array(gateway(true, 4), { minLength: 2, maxLength: 4 }), (states: Services[]) => {
        const g = new Gateway({ secrets: SECRETS });
        for (const s of states) g.set(s);
        const before = outcome(g.state);
        const memory = remembered(g.state);
        if (memory.holders.size > 0) contested += 1;
        const restarted = new Gateway({ remembered: memory, secrets: SECRETS });
        restarted.apply(g.cluster);
        const after = outcome(restarted.state);
        expect(after.served).toEqual(expect.arrayContaining(before.served));
        expect(after.lost).toEqual(expect.arrayContaining(before.lost));
      }),
      { numRuns: 30 },
    );
    expect(contested).toBeGreaterThan(10);
  });
});
