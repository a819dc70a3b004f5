// Secrets and the listener_port write-back, against the stand-in daemon over a real unix socket.
import { describe, expect, it } from 'vitest';
import { delay } from './helpers.js';
import { CERT, KEY, PEM, WEB1, sourceHarness } from './harness.js';

describe('OpenSVC source calls over a real unix socket', () => {
  const { live } = sourceHarness();

  it('reads a secret, absent keys simply missing, and refetches it after a change', async () => {
    const { rec, daemon, source } = await live();
    expect(await source.getSecret(CERT)).toEqual({ certificate_chain: PEM, private_key: KEY });
    daemon.setSecret(CERT, 'certificate_chain', `${PEM}renewed`);
    const change = await rec.next();
    expect(change).toMatchObject({ kind: 'change', secrets: new Set([CERT]) });
    expect((await source.getSecret(CERT)).certificate_chain).toBe(`${PEM}renewed`);
  });

  it('rejects an unknown secret with an error naming it, never a value', async () => {
    const { source } = await live();
    const err = await source.getSecret('test/sec/missing').then(() => undefined, (e: unknown) => e as Error);
    expect(err?.message).toMatch(/secret test\/sec\/missing/);
    expect(err?.message).not.toContain('BEGIN');
  });

  it('writes a listener_port back with the form 2.1 accepts, and sees its patch', async () => {
    const { rec, daemon, source } = await live();
    await source.setListenerPort(WEB1, 'expose#1', 1026);
    expect(daemon.actions).toEqual([{ path: WEB1, action: 'set', options: { kw: ['expose#1.listener_port=1026'] }, sync: true }]);
    const change = await rec.next();
    expect(change).toMatchObject({ kind: 'change', services: new Set([WEB1]) });
    const expose = change.kind === 'change' ? change.state.services.get(WEB1)?.instances[0]?.resources['expose#1'] : undefined;
    expect(expose?.info['listener_port']).toBe(1026);
    expect(expose?.label).toBe('envoy expose 443/tcp via 0.0.0.0:1026');
  });

  it('refuses a bad port or rid without asking the daemon; a daemon away is a clear error', async () => {
    const { daemon, source } = await live();
    await expect(source.setListenerPort(WEB1, 'expose#1', 70000)).rejects.toThrow(/port out of range/);
    await expect(source.setListenerPort(WEB1, 'expose#1.port=1 --kw x', 1026)).rejects.toThrow(/not a resource id/);
    expect(daemon.actions).toEqual([]);
    await daemon.stop();
    await expect(source.getSecret(CERT)).rejects.toThrow(/secret test\/sec\/web1-front-cert cannot be read: .*(ENOENT|ECONNREFUSED)/);
    await expect(source.setListenerPort(WEB1, 'expose#1', 1026)).rejects.toThrow(/ENOENT|ECONNREFUSED/);
  });

  it('reports a failed write-back (status != 0, ret != 0) once, without retrying', async () => {
    const { daemon, source } = await live();
    daemon.failNextAction({ status: 500, err: 'sequence item 0' });
    await expect(source.setListenerPort(WEB1, 'expose#1', 1026)).rejects.toThrow(/status 500: sequence item 0/);
    daemon.failNextAction({ ret: 1, err: 'expose#1: no such section' });
    await expect(source.setListenerPort(WEB1, 'expose#1', 1026)).rejects.toThrow(/ret 1: expose#1: no such section/);
    await expect(source.setListenerPort('test/svc/none', 'expose#1', 1026)).rejects.toThrow(/status 404/);
    await delay(50);
    expect(daemon.actions).toHaveLength(3);
  });
});
