// Secret reads that fail, then succeed, against the stand-in daemon on its unix socket: the daemon
// closes every get_secret_key connection without a reply (restarting, overloaded) and later
// answers again. The janitor retries with backoff, counts and shows the failure, never serves a
// listener without its certificate, keeps the last good certificate through a failed rotation, and
// catches up once the daemon answers: all seen by two real xDS clients and the admin endpoints.
import { afterEach, describe, expect, it } from 'vitest';
import type { ServiceStatus } from '../../src/pipeline/index.js';
import { TYPE } from '../../src/xds/types.js';
import { getJson, until } from '../e2e/support.js';
import type { EnvoyView } from '../replay/envoy-view.js';
import { ROTATED, SDS, SECRET, SECRETS } from '../replay/stack.js';
import { finalStatus, startOpenSvcStack, type OpenSvcStack } from './support.js';

const WEB1 = 'test/svc/web1';
const ORIGINAL = SECRETS[SECRET].certificate_chain;

async function web1(s: OpenSvcStack): Promise<ServiceStatus | undefined> {
  const { body } = await getJson(`${s.janitor.admin}/services`);
  return (body as ServiceStatus[]).find((x) => x.path === WEB1);
}

async function fetchFailures(s: OpenSvcStack): Promise<number> {
  return Number((await s.metrics()).match(/^xds_secret_fetch_failures_total (\d+)/m)?.[1] ?? 'NaN');
}

/** The certificate chain a client holds for the web1 secret, as PEM text ('' when it holds none). */
function chain(v: EnvoyView): string {
  if (!v.names(TYPE.secret).includes(SDS)) return '';
  const secret = v.message(TYPE.secret, SDS) as { tls_certificate?: { certificate_chain?: { inline_bytes?: string; inline_string?: string } } };
  const source = secret.tls_certificate?.certificate_chain;
  return source?.inline_string ?? Buffer.from(source?.inline_bytes ?? '', 'base64').toString();
}

const holds = (v: EnvoyView, pem: string): boolean => chain(v).trim() === pem.trim();

describe('secret reads failing, then succeeding (issue 9)', () => {
  let s: OpenSvcStack | undefined;
  afterEach(async () => {
    await s?.close();
    s = undefined;
  });

  it('a first read failing is retried until the daemon answers; the service waits for its certificate, served whole once it is read', async () => {
    s = await startOpenSvcStack(finalStatus(), {}, {}, (daemon) => daemon.failSecretReads(true));
    const stack = s;
    await until(async () => (await fetchFailures(stack)) >= 2, 10_000, 'two failed reads, counted');
    const failing = await web1(stack);
    expect(failing?.problems).toEqual(expect.arrayContaining([expect.objectContaining({ keyword: 'certificate_secret', reason: 'SecretUnavailable', message: expect.stringContaining(SECRET) as unknown })]));
    // an invalid service is not served in part: no listener of web1 reaches a client without its certificate
    for (const v of stack.views) {
      expect(v.names(TYPE.secret)).toEqual([]);
      expect(v.names(TYPE.listener)).toEqual([]);
    }

    stack.daemon.failSecretReads(false);
    await until(() => stack.views.every((v) => holds(v, ORIGINAL)), 10_000, 'the certificate, once read');
    await until(async () => (await web1(stack))?.valid === true, 10_000, 'web1 valid');
    await stack.settled();
    for (const v of stack.views) expect(v.names(TYPE.listener)).toHaveLength(3);
  }, 40_000);

  it('a rotation the daemon cannot deliver keeps the last good certificate served, shows why, and lands once it can', async () => {
    s = await startOpenSvcStack(finalStatus());
    const stack = s;
    await stack.settled();
    expect(stack.views.every((v) => holds(v, ORIGINAL))).toBe(true);
    const before = await fetchFailures(stack);

    stack.daemon.failSecretReads(true);
    stack.daemon.setSecret(SECRET, 'certificate_chain', ROTATED); // the status says it changed: the janitor reads it again
    await until(async () => (await fetchFailures(stack)) >= before + 2, 10_000, 'the rotation failing, retried');
    const failing = await web1(stack);
    expect(failing).toMatchObject({ served: true });
    expect(failing?.warnings).toEqual(expect.arrayContaining([expect.objectContaining({ reason: 'SecretUnavailable', message: expect.stringContaining(SECRET) as unknown })]));
    expect(stack.views.every((v) => holds(v, ORIGINAL) && !holds(v, ROTATED))).toBe(true);
    expect(JSON.stringify(failing)).not.toContain('PRIVATE KEY');

    stack.daemon.failSecretReads(false);
    await until(() => stack.views.every((v) => holds(v, ROTATED)), 10_000, 'the rotated certificate');
    await until(async () => ((await web1(stack))?.warnings ?? []).every((w) => w.reason !== 'SecretUnavailable'), 10_000, 'the warning gone');
  }, 40_000);
});
