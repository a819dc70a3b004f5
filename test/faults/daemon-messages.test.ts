// A daemon message without its terminator is bounded: past maxMessageBytes the connection is
// dropped (the events stream: stale, then a resync), never buffered without end.
import { describe, expect, it } from 'vitest';
import { deriveClusterState } from '../../src/source/opensvc/state.js';
import { request } from '../../src/source/opensvc/transport.js';
import { WEB1, edited, routePrefix, sourceHarness } from '../source/opensvc/harness.js';

const BOUND = 256 * 1024;

describe('daemon messages past the bound', () => {
  const { live, follow } = sourceHarness();

  it('an endless message on the events stream: the stream is dropped, then a resync, and the source follows again', async () => {
    const { daemon, source: first } = await live();
    await first.close();
    const { rec, source } = await follow(daemon.socketPath, { maxMessageBytes: BOUND });
    expect((await rec.next()).kind).toBe('snapshot');
    // a message that never ends: 1 MiB of an unfinished JSON string, no NUL
    daemon.emitRawBytes(Buffer.from('{"kind": "patch", "id": 1, "data": "'));
    for (let i = 0; i < 16; i++) daemon.emitRawBytes(Buffer.alloc(64 * 1024, 0x61));
    expect(await rec.next()).toMatchObject({ kind: 'stale', reason: expect.stringMatching(/message larger than 262144 bytes/) });
    expect(await rec.next()).toEqual({ kind: 'snapshot', state: deriveClusterState(daemon.status()) });
    expect(source.counts?.().oversizedMessages).toBe(1);
    expect(daemon.count('events')).toBe(3); // the first source's, this one's, and the new subscription
    daemon.setStatus(edited(daemon.status(), routePrefix('/after')));
    expect(await rec.next()).toMatchObject({ kind: 'change', services: new Set([WEB1]) });
  });

  it('a reply past the bound is refused with a clear error, and counted', async () => {
    const { daemon, source: first } = await live();
    await first.close();
    const { rec, source } = await follow(daemon.socketPath, { maxMessageBytes: BOUND });
    expect((await rec.next()).kind).toBe('snapshot');
    daemon.muteEvents(); // the patch carrying the padding would be past the bound too: not sent
    daemon.setStatus({ ...(daemon.status() as object), padding: 'x'.repeat(BOUND) });
    const checked = await source.verify?.();
    expect(checked).toEqual({ checked: false, differences: 0, reason: expect.stringMatching(/^daemon_status failed: opensvc daemon_status on .*: message larger than 262144 bytes \(\d+ bytes and no end yet\): connection dropped$/) });
    expect(source.counts?.().oversizedMessages).toBe(1);
    // the same reply without the bound is taken whole
    expect(await request(daemon.socketPath, { action: 'daemon_status' }, { timeoutMs: 5000 })).toMatchObject({ padding: expect.any(String) });
  });
});
