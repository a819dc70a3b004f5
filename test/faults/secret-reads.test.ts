// Secret reads against the stand-in daemon over a real unix socket: only the keys asked for, never
// more requests at once than the bound, and a daemon socket whose backlog is full (a real process
// that listens and never accepts) fails the read with an error naming the secret and the key.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { SECRET_KEYS, TLS_CERTIFICATE_KEYS, VALIDATION_CONTEXT_KEYS } from '../../src/source/types.js';
import { tempSocket } from '../source/opensvc/helpers.js';
import { CERT, KEY, PEM, sourceHarness } from '../source/opensvc/harness.js';

/** A process listening on a unix socket with a backlog of 0 that never accepts. */
async function deafListener(path: string): Promise<ChildProcess> {
  const code = 'import socket,sys,time\ns=socket.socket(socket.AF_UNIX)\ns.bind(sys.argv[1])\ns.listen(0)\nprint("ready",flush=True)\ntime.sleep(120)';
  const child = spawn('python3', ['-c', code, path], { stdio: ['ignore', 'pipe', 'inherit'] });
  await once(child.stdout as NodeJS.ReadableStream, 'data');
  return child;
}

describe('secret reads', () => {
  const { live, follow } = sourceHarness();

  it('asks the daemon for the keys wanted only, all of them when not told', async () => {
    const { daemon, source } = await live();
    expect(await source.getSecret(CERT, TLS_CERTIFICATE_KEYS)).toEqual({ certificate_chain: PEM, private_key: KEY });
    expect([...daemon.secretReads].sort()).toEqual([`${CERT} certificate_chain`, `${CERT} password`, `${CERT} private_key`]);
    daemon.secretReads.length = 0;
    expect(await source.getSecret(CERT, VALIDATION_CONTEXT_KEYS)).toEqual({}); // absent keys are not errors
    expect([...daemon.secretReads].sort()).toEqual([`${CERT} trusted_ca`, `${CERT} verify_certificate_hash`, `${CERT} verify_subject_alt_name`]);
    daemon.secretReads.length = 0;
    await source.getSecret(CERT);
    expect(daemon.secretReads).toHaveLength(SECRET_KEYS.length);
    expect(source.counts?.().secretFetchFailures).toBe(0);
  });

  it('never has more requests open on the daemon socket than the bound, and every read completes', async () => {
    const { daemon, source: first } = await live();
    await first.close();
    daemon.holdSecretReplies(30);
    for (const bound of [16, 3]) {
      const { source } = await follow(daemon.socketPath, { maxConcurrentRequests: bound });
      const before = daemon.secretReads.length;
      daemon.takeSecretPeak();
      const reads = await Promise.all(Array.from({ length: 40 }, () => source.getSecret(CERT)));
      expect(reads.every((r) => r.private_key === KEY)).toBe(true);
      expect(daemon.secretReads.length - before).toBe(40 * SECRET_KEYS.length);
      expect(daemon.takeSecretPeak()).toBe(bound); // reached, never passed
      await source.close();
    }
  }, 30_000);

  it('a daemon socket with a full backlog fails the read with the secret and key named, no hang', async () => {
    const sock = tempSocket();
    const deaf = await deafListener(sock.path);
    try {
      const { source } = await follow(sock.path, { timeouts: { requestMs: 1500 } });
      const error = await source.getSecret('test/sec/deaf', TLS_CERTIFICATE_KEYS).then(
        () => undefined,
        (e: unknown) => e as Error,
      );
      expect(error?.message).toMatch(/^secret test\/sec\/deaf cannot be read: key (certificate_chain|private_key|password): opensvc get_secret_key on .*: (EAGAIN|no reply within 1500 ms)$/);
      expect(source.counts?.().secretFetchFailures).toBe(1);
    } finally {
      deaf.kill();
      sock.cleanup();
    }
  }, 20_000);
});
