// The engine asks an access policy and never decides alone: a refused stream ends with
// PERMISSION_DENIED and the policy's sentence; a withheld resource is, for that stream, a name
// that does not exist (Delta says so once, SotW leaves it out), and the policy learns whether it
// was asked by name or through a wildcard.
import { status } from '@grpc/grpc-js';
import { afterEach, describe, expect, it } from 'vitest';
import type { AccessPolicy, Via } from '../../src/xds/policy.js';
import { TYPE } from '../../src/xds/types.js';
import { startHarness, type Harness } from './support/harness.js';
import { listener, names } from './support/resources.js';

let h: Harness | undefined;
afterEach(async () => h?.close());

/** Withholds `secret-l` unless asked by name; refuses node `stranger`. */
const asked: string[] = [];
const policy: AccessPolicy = {
  admit: (s) => (s.nodeId === 'stranger' ? `no entry for ${s.nodeId}` : undefined),
  withhold: (s, _t, name, via: Via) => {
    asked.push(`${s.nodeId} ${name} ${via}`);
    return name === 'secret-l' && via === 'wildcard' ? 'only by name' : undefined;
  },
};

describe.each(['sotw', 'delta'] as const)('%s', (variant) => {
  it('a refused stream ends with PERMISSION_DENIED and the policy sentence, before any response', async () => {
    h = await startHarness({ policy });
    h.put(listener('l1'));
    const c = await h.connect({ nodeId: 'stranger', variant });
    if (variant === 'sotw') c.request(TYPE.listener);
    else c.subscribe(TYPE.listener, []);
    expect(await c.ended).toMatchObject({ code: status.PERMISSION_DENIED, details: 'no entry for stranger' });
    expect(c.received).toEqual([]);
  });

  it('a withheld resource is left out of a wildcard, and served when named', async () => {
    asked.length = 0;
    h = await startHarness({ policy });
    h.put(listener('l1'), listener('secret-l', 10001));
    const c = await h.connect({ nodeId: `n-${variant}`, variant });
    if (variant === 'sotw') c.request(TYPE.listener);
    else c.subscribe(TYPE.listener, []);
    const first = await c.nextResponse(TYPE.listener);
    expect(names(first)).toEqual(['l1']);
    c.ack(first);
    expect(asked).toContain(`n-${variant} secret-l wildcard`);
    if (variant === 'sotw') c.request(TYPE.listener, ['*', 'secret-l']);
    else c.subscribe(TYPE.listener, ['secret-l']);
    const named = await c.nextResponse(TYPE.listener);
    expect(names(named)).toEqual(variant === 'sotw' ? ['l1', 'secret-l'] : ['secret-l']);
    expect(asked).toContain(`n-${variant} secret-l name`);
  });
});

it('Delta: a named resource the policy withholds is announced as removed, like an unknown one', async () => {
  h = await startHarness({ policy: { withhold: (_s, _t, name) => (name === 'hidden' ? 'no' : undefined) } });
  h.put(listener('hidden'), listener('shown', 10002));
  const c = await h.connect({ nodeId: 'n', variant: 'delta' });
  c.subscribe(TYPE.listener, ['hidden', 'shown', 'unknown']);
  const r = await c.nextDelta(TYPE.listener);
  const removed = await c.nextDelta(TYPE.listener);
  expect(names(r)).toEqual(['shown']);
  expect(removed.removed).toEqual(['hidden', 'unknown']);
});
