// Streams that subscribe to the same names share one set of names (name-sets.ts). Over real gRPC
// streams: a stream that changes its names never changes what another stream with the same names
// gets, and a stream that ends, however it ends, gives its sets back.
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { pooledSets } from '../../src/xds/name-sets.js';
import { TYPE } from '../../src/xds/types.js';
import { startHarness, type Harness } from './support/harness.js';
import { cla, ep, names } from './support/resources.js';
import type { XdsTestClient } from './support/client.js';

let h: Harness;
let open: boolean;
let before: number;
beforeEach(async () => {
  before = pooledSets();
  open = true;
  h = await startHarness({ limits: { maxSubscriptions: 4 } });
  h.put(cla('a', ep('10.0.0.1')), cla('b', ep('10.0.0.2')), cla('c', ep('10.0.0.3')));
});
afterEach(async () => {
  if (open) await h.close();
});

/** The names of the next response of EDS, SotW or Delta, sorted. */
const nextNames = async (c: XdsTestClient, variant: 'sotw' | 'delta'): Promise<string[]> => {
  const r = variant === 'sotw' ? await c.nextSotw(TYPE.endpoint) : await c.nextDelta(TYPE.endpoint);
  c.ack(r);
  return names(r).sort();
};

describe.each(['sotw', 'delta'] as const)('%s', (variant) => {
  const connect = (nodeId: string) => h.connect({ nodeId, variant, transport: 'unix' });
  /** Ask for exactly `want`, given what the stream asked for before. */
  const ask = (c: XdsTestClient, had: string[], want: string[]): void => {
    if (variant === 'sotw') return c.request(TYPE.endpoint, want);
    const [added, removed] = [want.filter((n) => !had.includes(n)), had.filter((n) => !want.includes(n))];
    if (added.length > 0) c.subscribe(TYPE.endpoint, added);
    if (removed.length > 0) c.unsubscribe(TYPE.endpoint, removed);
  };

  test('a stream that changes its names leaves another with the same names as it was', async () => {
    const [one, two] = [await connect('envoy-1'), await connect('envoy-2')];
    ask(one, [], ['a', 'b']);
    ask(two, [], ['b', 'a']);
    expect(await nextNames(one, variant)).toEqual(['a', 'b']);
    expect(await nextNames(two, variant)).toEqual(['a', 'b']);
    expect(pooledSets()).toBe(before + 1);

    ask(one, ['a', 'b'], ['a', 'c']);
    await h.subscribed('envoy-1', TYPE.endpoint, ['a', 'c']);
    expect(await nextNames(one, variant)).toEqual(['c']);
    await h.subscribed('envoy-2', TYPE.endpoint, ['a', 'b']);
    expect(pooledSets()).toBe(before + 2);

    h.put(cla('a', ep('10.0.1.1')), cla('b', ep('10.0.1.2')), cla('c', ep('10.0.1.3')));
    expect(await nextNames(one, variant)).toEqual(['a', 'c']);
    expect(await nextNames(two, variant)).toEqual(['a', 'b']);

    // the first comes back to the second's names: one set again, the other one let go
    ask(one, ['a', 'c'], ['a', 'b']);
    await h.subscribed('envoy-1', TYPE.endpoint, ['a', 'b']);
    expect(pooledSets()).toBe(before + 1);
    one.close();
    await h.until(() => h.server.registry.list().length === 1);
    h.put(cla('b', ep('10.0.2.2')));
    expect(await nextNames(two, variant)).toEqual(['b']);
    two.close();
    await h.until(() => h.server.registry.list().length === 0);
    expect(pooledSets()).toBe(before);
  });

  test('streams refused past their limits and streams the server ends give their names back', async () => {
    const refused = await connect('greedy');
    ask(refused, [], ['a', 'b', 'c']);
    // five names in all, one more than the stream may hold: refused once they are taken
    if (variant === 'sotw') refused.request(TYPE.cluster, ['x', 'y']);
    else refused.subscribe(TYPE.cluster, ['x', 'y']);
    const kept = await connect('envoy-1');
    ask(kept, [], ['c']);
    expect(await nextNames(kept, variant)).toEqual(['c']);
    await h.until(() => h.server.registry.list().length === 1);
    expect(pooledSets()).toBe(before + 1);
    open = false;
    await h.close();
    expect(pooledSets()).toBe(before);
  });
});
