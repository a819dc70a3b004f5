// What the operator hears at startup about exposure: a --listen beyond loopback without mutual
// TLS, --insecure-sds-over-tcp, and a janitor left with no transport that may carry secrets.
import { describe, expect, it } from 'vitest';
import { securityWarnings } from '../../src/access.js';
import type { Config } from '../../src/config.js';
import { startTestJanitor, tempCluster } from '../e2e/support.js';

type Exposure = Pick<Config, 'listen' | 'port' | 'tls' | 'insecureSdsOverTcp'>;
const base: Exposure = { listen: '127.0.0.1', port: 50051, tls: undefined, insecureSdsOverTcp: false };
const mtls = { cert: '/c', key: '/k', ca: '/ca' };
/** The risks named for a config; `unix` null: no unix socket. */
const risks = (config: Partial<Exposure>, unix: string | null = '/run/xds.sock') =>
  securityWarnings({ ...base, ...config }, unix ?? undefined).map((w) => w.fields['risk']);

describe('securityWarnings', () => {
  it.each([
    [{}, []],
    [{ listen: '::1' }, []],
    [{ listen: '0.0.0.0' }, ['configuration disclosure']],
    [{ listen: '10.0.0.5', tls: { cert: '/c', key: '/k' } }, ['configuration disclosure']],
    [{ listen: '0.0.0.0', tls: mtls }, []],
    [{ insecureSdsOverTcp: true }, ['private key disclosure']],
    [{ insecureSdsOverTcp: true, tls: mtls }, []],
    [{ listen: '::', insecureSdsOverTcp: true }, ['configuration disclosure', 'private key disclosure']],
  ])('%j → %j', (config, expected) => {
    expect(risks(config)).toEqual(expected);
  });

  it('says so when no transport may carry secrets', () => {
    expect(risks({}, null)).toEqual(['TLS listeners without certificates']);
    expect(risks({ tls: mtls }, null)).toEqual([]);
  });

  it('names the danger in words, loudly when private keys are at stake', () => {
    const [w] = securityWarnings({ ...base, listen: '0.0.0.0', insecureSdsOverTcp: true }, undefined);
    expect(w?.message).toContain('EVERY PRIVATE KEY');
    expect(w?.message).toContain('--tls-ca');
  });
});

it('a janitor listening on 0.0.0.0 without mutual TLS logs the warning at startup', async () => {
  const cluster = tempCluster();
  const j = await startTestJanitor({ source: `file:${cluster.file}`, listen: '0.0.0.0' });
  try {
    const line = j.log().split('\n').find((l) => l.includes('"risk":"configuration disclosure"')) ?? '{}';
    expect(JSON.parse(line)).toMatchObject({ level: 'warn', listen: '0.0.0.0' });
  } finally {
    await j.close();
    cluster.cleanup();
  }
});
