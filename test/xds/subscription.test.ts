// The wildcard examples of xds_protocol.rst ("How the client specifies what resources to return"),
// replayed step by step against the subscription rules, for a type with a wildcard (CDS) and one
// without (EDS: an empty list never means "everything").
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { pooledSets } from '../../src/xds/name-sets.js';
import {
  applyDeltaChange, describeSubscription, newSubscription, releaseSubscription, setSotwNames,
} from '../../src/xds/subscription.js';
import { TYPE, WILDCARD_TYPES } from '../../src/xds/types.js';

const view = (s: ReturnType<typeof newSubscription>) => describeSubscription(s);

describe('SotW, the spec example', () => {
  test('unset → "*"; "*"+A; A; unset = nothing (not wildcard again)', () => {
    const s = newSubscription(true);
    setSotwNames(s, []);
    expect(view(s)).toEqual({ wildcard: true, names: [] });
    setSotwNames(s, ['*', 'A']);
    expect(view(s)).toEqual({ wildcard: true, names: ['A'] });
    expect(setSotwNames(s, ['A'])).toMatchObject({ wildcardOff: true, removed: [] });
    expect(view(s)).toEqual({ wildcard: false, names: ['A'] });
    expect(setSotwNames(s, [])).toMatchObject({ removed: ['A'], wildcardOn: false });
    expect(view(s)).toEqual({ wildcard: false, names: [] });
  });

  test('a type without a wildcard: an empty first list is nothing, "*" is still honoured', () => {
    const s = newSubscription(false);
    expect(setSotwNames(s, [])).toMatchObject({ wildcardOn: false, added: [] });
    expect(view(s)).toEqual({ wildcard: false, names: [] });
    setSotwNames(s, ['*']);
    expect(view(s)).toEqual({ wildcard: true, names: [] });
  });
});

describe('Delta, the spec example', () => {
  test('unset → "*"; +A keeps "*"; -"*" keeps A; -A = nothing (not wildcard again)', () => {
    const s = newSubscription(true);
    applyDeltaChange(s, [], []);
    expect(view(s)).toEqual({ wildcard: true, names: [] });
    applyDeltaChange(s, ['A'], []);
    expect(view(s)).toEqual({ wildcard: true, names: ['A'] });
    expect(applyDeltaChange(s, [], ['*'])).toMatchObject({ wildcardOff: true });
    expect(view(s)).toEqual({ wildcard: false, names: ['A'] });
    expect(applyDeltaChange(s, [], ['A'])).toMatchObject({ removed: ['A'] });
    applyDeltaChange(s, [], []); // an ACK
    expect(view(s)).toEqual({ wildcard: false, names: [] });
  });

  test('a type without a wildcard: an empty first request subscribes nothing', () => {
    const s = newSubscription(false);
    expect(applyDeltaChange(s, [], [])).toMatchObject({ wildcardOn: false });
    expect(view(s)).toEqual({ wildcard: false, names: [] });
  });
});

test('only Listener and Cluster have a wildcard', () => {
  expect([...WILDCARD_TYPES].sort()).toEqual([TYPE.cluster, TYPE.listener].sort());
});

describe('names shared between subscriptions', () => {
  test('equal name sets are one set; a change to one leaves the other as it was; released sets leave the pool', () => {
    const before = pooledSets();
    const [a, b] = [newSubscription(false), newSubscription(false)];
    applyDeltaChange(a, ['x', 'y', 'z'], []);
    setSotwNames(b, ['z', 'y', 'x']);
    expect(a.names).toBe(b.names);
    expect(pooledSets()).toBe(before + 1);
    applyDeltaChange(a, ['w'], ['x', 'x']);
    expect(view(a).names).toEqual(['w', 'y', 'z']);
    expect(view(b).names).toEqual(['x', 'y', 'z']);
    expect(a.bytes).toBe(3);
    // b comes to the same names: shared again
    setSotwNames(b, ['w', 'y', 'z']);
    expect(b.names).toBe(a.names);
    releaseSubscription(a);
    expect(view(b).names).toEqual(['w', 'y', 'z']);
    releaseSubscription(b);
    expect(pooledSets()).toBe(before);
  });

  test('random changes keep every subscription equal to its own model, shared or not', () => {
    const names = ['a', 'b', 'c', 'd', 'e'];
    const before = pooledSets();
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(3), fc.subarray(names), fc.subarray(names)), { maxLength: 40 }), (steps) => {
        const subs = [0, 1, 2, 3].map(() => newSubscription(false));
        const models = subs.map(() => new Set<string>());
        for (const [i, add, remove] of steps) {
          const sub = subs[i];
          const model = models[i];
          if (!sub || !model) continue;
          applyDeltaChange(sub, add, remove);
          for (const n of add) model.add(n);
          for (const n of remove) model.delete(n);
          subs.forEach((s, k) => expect(view(s).names).toEqual([...(models[k] ?? [])].sort()));
          expect(sub.bytes).toBe(model.size);
        }
        subs.forEach(releaseSubscription);
      }),
      { numRuns: 200 },
    );
    expect(pooledSets()).toBe(before);
  });
});
