// Private keys go only to who may have them, against a real janitor: never for a wildcard
// subscription (`*`, or an empty first request), never over TCP without mutual TLS unless the
// operator opts in, and never a secret no served listener or cluster references. The unix socket
// (0660) is the transport that may carry them by default.
import { appendFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TYPE } from '../../src/xds/types.js';
import { startTestJanitor, tempCluster, type RunningJanitor, type TempCluster } from '../e2e/support.js';
import { connectAds, type XdsTestClient } from '../xds/support/client.js';

const SECRET = 'tls_certificate/demo/sec/web-cert';
/** Defined in the cluster file, referenced by no service. */
const UNUSED = 'tls_certificate/demo/sec/unused';

let cluster: TempCluster;
let unix: string;
const clients: XdsTestClient[] = [];

beforeAll(() => {
  cluster = tempCluster();
  appendFileSync(cluster.file, '  demo/sec/unused:\n    certificate_chain_file: certs/web.crt\n    private_key_file: certs/web.key\n');
  unix = path.join(cluster.dir, 'xds.sock');
});
afterAll(() => {
  for (const c of clients) c.close();
  cluster.cleanup();
});

async function client(j: RunningJanitor, transport: 'tcp' | 'unix', variant: 'sotw' | 'delta', nodeId: string): Promise<XdsTestClient> {
  const where = transport === 'unix' ? { unixPath: unix } : { address: j.xds };
  const c = await connectAds({ ...where, nodeId, variant });
  clients.push(c);
  return c;
}

// Listeners come after Secrets in ADS order: once a listener response asked after the secret
// request arrives, any secret response the server was going to send has arrived before it.
const LISTENERS = ['0.0.0.0:1025/tcp', '0.0.0.0:10080/tcp', '0.0.0.0:10443/tcp', '0.0.0.0:16379/tcp', '0.0.0.0:18443/tcp'];
const barriers = new WeakMap<XdsTestClient, number>();

/** Ask for secrets the given way; resolves with the secret names the server sent in answer. */
async function ask(c: XdsTestClient, variant: 'sotw' | 'delta', names: readonly string[]): Promise<string[]> {
  const from = c.received.length;
  const n = barriers.get(c) ?? 0;
  barriers.set(c, n + 1);
  if (variant === 'sotw') {
    c.request(TYPE.secret, names);
    c.request(TYPE.listener, LISTENERS.slice(0, n + 1));
  } else {
    c.subscribe(TYPE.secret, names);
    c.subscribe(TYPE.listener, [LISTENERS[n] ?? '']);
  }
  c.ack(await c.nextResponse(TYPE.listener));
  const secrets = c.received.slice(from).filter((r) => r.typeUrl === TYPE.secret);
  // take them off the unread queue (they arrived before the listener response) and ACK them
  for (let i = 0; i < secrets.length; i++) c.ack(await c.nextResponse(TYPE.secret));
  return secrets.flatMap((r) => r.resources.map((x) => x.name));
}

describe('by default (no mutual TLS, no opt-in)', () => {
  let j: RunningJanitor;
  beforeAll(async () => {
    j = await startTestJanitor({ source: `file:${cluster.file}`, janitorSocket: unix });
    await j.janitor.ready;
  });
  afterAll(async () => j.close());

  it.each(['sotw', 'delta'] as const)('%s: the unix socket gets a named secret, never one for * or an empty first request', async (variant) => {
    const c = await client(j, 'unix', variant, `unix-${variant}`);
    expect(await ask(c, variant, [])).toEqual([]);
    expect(await ask(c, variant, ['*'])).toEqual([]);
    expect(await ask(c, variant, ['*', SECRET])).toEqual([SECRET]);
  });

  it.each(['sotw', 'delta'] as const)('%s: a secret no served listener or cluster references is not served, even named', async (variant) => {
    const c = await client(j, 'unix', variant, `unreferenced-${variant}`);
    expect(await ask(c, variant, [UNUSED, SECRET])).toEqual([SECRET]);
  });

  it.each(['sotw', 'delta'] as const)('%s: TCP without mutual TLS gets no secret, named or not; other types flow', async (variant) => {
    const c = await client(j, 'tcp', variant, `tcp-${variant}`);
    expect(await ask(c, variant, ['*'])).toEqual([]);
    expect(await ask(c, variant, [SECRET])).toEqual([]);
    if (variant === 'sotw') c.request(TYPE.cluster);
    else c.subscribe(TYPE.cluster, []);
    expect((await c.nextResponse(TYPE.cluster)).resources.length).toBeGreaterThan(0);
    expect(j.log()).toMatch(new RegExp(`"node":"tcp-${variant}".*"reason":"secrets are (sent only when named|not sent over TCP)`));
  });
});

describe('with --insecure-sds-over-tcp', () => {
  it.each(['sotw', 'delta'] as const)('%s: TCP gets a named secret, still never one for *', async (variant) => {
    const j = await startTestJanitor({ source: `file:${cluster.file}`, insecureSdsOverTcp: true });
    try {
      await j.janitor.ready;
      expect(j.log()).toContain('any local user can read every private key');
      const c = await client(j, 'tcp', variant, `optin-${variant}`);
      expect(await ask(c, variant, ['*'])).toEqual([]);
      expect(await ask(c, variant, ['*', SECRET])).toEqual([SECRET]);
    } finally {
      await j.close();
    }
  });
});
