// The wildcard examples of xds_protocol.rst ("How the client specifies what resources to return"),
// replayed step by step against the subscription rules, for a type with a wildcard (CDS) and one
// without (EDS: an empty list never means "everything").
import { describe, expect, test } from 'vitest';
import {
  applyDeltaChange, describeSubscription, newSubscription, setSotwNames,
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
