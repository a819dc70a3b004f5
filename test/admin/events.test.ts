// The status page's event ring: bounded, newest first.
import { describe, expect, it } from 'vitest';
import { createEventRing } from '../../src/admin/events.js';

describe('event ring', () => {
  it('keeps the newest events, newest first, never more than its capacity', () => {
    let t = 0;
    const ring = createEventRing(3, () => new Date(Date.UTC(2026, 0, 1, 0, 0, t++)));
    expect(ring.list()).toEqual([]);
    ring.add('source', 'info', 'a');
    ring.add('conflict', 'warn', 'b');
    expect(ring.list().map((e) => e.message)).toEqual(['b', 'a']);
    for (const m of ['c', 'd', 'e', 'f', 'g']) ring.add('service', 'warn', m);
    expect(ring.list().map((e) => e.message)).toEqual(['g', 'f', 'e']);
    expect(ring.list()[0]).toEqual({ at: '2026-01-01T00:00:06.000Z', kind: 'service', level: 'warn', message: 'g' });
  });
});
