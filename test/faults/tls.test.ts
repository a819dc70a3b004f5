// TLS and mutual TLS on the xDS TCP port, against a real janitor and real TLS connections: who
// is refused at the handshake, who is served, what an authenticated stream may read, and a
// certificate rotation on disk seen by new connections while open streams carry on.
import { copyFileSync, renameSync } from 'node:fs';
import path from 'node:path';
import { credentials, type ChannelCredentials } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TYPE } from '../../src/xds/types.js';
import { startTestJanitor, tempCluster, until, type RunningJanitor, type TempCluster } from '../e2e/support.js';
import { connectAds, type XdsTestClient } from '../xds/support/client.js';
import { connectCsds } from '../xds/support/csds.js';
import { createPki, type KeyPair, type Pki } from './support/pki.js';

const SECRET = 'tls_certificate/demo/sec/web-cert';
// a connection of its own per client; TLS names the server localhost (its certificate's SAN)
const OWN_CONNECTION = { 'grpc.use_local_subchannel_pool': 1, 'grpc.ssl_target_name_override': 'localhost' };

let pki: Pki;
let cluster: TempCluster;
const open: XdsTestClient[] = [];

beforeAll(() => {
  pki = createPki();
  cluster = tempCluster();
});
afterAll(() => {
  for (const c of open) c.close();
  pki.cleanup();
  cluster.cleanup();
});

/** TLS client credentials trusting the test CA; `serials` collects the serial of each server certificate seen. */
function tlsClient(identity: KeyPair | undefined, serials: string[] = []): ChannelCredentials {
  return credentials.createSsl(pki.read(pki.ca.cert), identity ? pki.read(identity.key) : null, identity ? pki.read(identity.cert) : null, {
    checkServerIdentity: (_host, cert) => void serials.push(cert.serialNumber),
  });
}

async function connect(j: RunningJanitor, nodeId: string, creds: ChannelCredentials): Promise<XdsTestClient> {
  const c = await connectAds({ address: `127.0.0.1:${j.janitor.ports.xds}`, nodeId, variant: 'delta', credentials: creds, channelOptions: OWN_CONNECTION });
  open.push(c);
  return c;
}

/** A client that asks for every Cluster; resolves with the names it got, or the status that ended it. */
async function clusters(c: XdsTestClient): Promise<string[] | { code: number }> {
  c.subscribe(TYPE.cluster, []);
  const first = await Promise.race([c.nextDelta(TYPE.cluster, { timeoutMs: 10_000 }), c.ended]);
  return 'resources' in first ? first.resources.map((r) => r.name) : { code: first.code };
}

describe('mutual TLS (--tls-cert, --tls-key, --tls-ca)', () => {
  let j: RunningJanitor;
  let server: KeyPair;
  let good: KeyPair;

  beforeAll(async () => {
    server = pki.issue('server', 1001);
    good = pki.issue('envoy-client', 1002);
    j = await startTestJanitor({ source: `file:${cluster.file}`, tlsCert: server.cert, tlsKey: server.key, tlsCa: pki.ca.cert });
    await j.janitor.ready;
  });
  afterAll(async () => j.close());

  it('refuses a plaintext client, a TLS client without a certificate, and one whose certificate another CA signed', async () => {
    const plain = await connectAds({ address: `127.0.0.1:${j.janitor.ports.xds}`, nodeId: 'plain', variant: 'delta', channelOptions: OWN_CONNECTION });
    open.push(plain);
    const stranger = pki.issue('stranger', 1003, pki.otherCa);
    const refused = await Promise.all([
      clusters(plain),
      clusters(await connect(j, 'no-cert', tlsClient(undefined))),
      clusters(await connect(j, 'other-ca', tlsClient(stranger))),
    ]);
    expect(refused).toEqual([{ code: 14 }, { code: 14 }, { code: 14 }]);
    // the client status service on the same port asks the same proof
    const csds = connectCsds(`127.0.0.1:${j.janitor.ports.xds}`, tlsClient(undefined), OWN_CONNECTION);
    await expect(csds.fetch()).rejects.toMatchObject({ code: 14 });
    csds.close();
    expect(j.log()).not.toContain('"node":"no-cert"');
    expect(j.log()).not.toContain('"node":"other-ca"');
  });

  it('serves a client whose certificate the CA signed, secrets included', async () => {
    const c = await connect(j, 'good', tlsClient(good));
    expect(await clusters(c)).toContain('demo/svc/web.expose#0');
    c.subscribe(TYPE.secret, [SECRET]);
    const secret = await c.nextDelta(TYPE.secret, { timeoutMs: 5000 });
    expect(secret.resources.map((r) => r.name)).toEqual([SECRET]);
    expect(j.log()).toMatch(/"authenticated":true.*"msg":"client connected"/);
    const csds = connectCsds(`127.0.0.1:${j.janitor.ports.xds}`, tlsClient(good), OWN_CONNECTION);
    expect((await csds.fetch()).map((n) => n.node?.id)).toContain('good');
    csds.close();
  });

  it('new connections see a certificate replaced on disk; a half-done rotation keeps the last good one', async () => {
    const seen: string[] = [];
    const before = await connect(j, 'before-rotation', tlsClient(good, seen));
    expect(await clusters(before)).toContain('demo/svc/web.expose#0');
    expect(seen).toEqual(['03E9']); // 1001
    // a cert manager writes both files by rename
    const next = pki.issue('server-2', 2002);
    copyFileSync(next.key, `${server.key}.tmp`);
    renameSync(`${server.key}.tmp`, server.key);
    copyFileSync(next.cert, `${server.cert}.tmp`);
    renameSync(`${server.cert}.tmp`, server.cert);
    await until(async () => {
      const probe: string[] = [];
      const c = await connect(j, 'after-rotation', tlsClient(good, probe));
      const got = await clusters(c);
      c.close();
      return Array.isArray(got) && probe.at(-1) === '07D2'; // 2002
    }, 10_000, 'the new certificate');
    // the stream opened before the rotation is still served: it gets the next change
    cluster.write(cluster.read().replace('port: 6379', 'port: 6380'));
    before.subscribe(TYPE.endpoint, ['demo/svc/cache.expose#0']);
    await until(() => before.received.some((r) => JSON.stringify(r.resources).includes('"port_value":6380')), 10_000, 'the change on the old stream');

    // half way: a new certificate next to the old key is refused, the last good pair stays
    const third = pki.issue('server-3', 3003);
    copyFileSync(third.cert, server.cert);
    await until(() => j.log().includes('xDS TLS files refused'), 10_000, 'the refusal');
    const during: string[] = [];
    expect(await clusters(await connect(j, 'mid-rotation', tlsClient(good, during)))).toContain('demo/svc/web.expose#0');
    expect(during.at(-1)).toBe('07D2');
    copyFileSync(third.key, server.key);
    await until(async () => {
      const probe: string[] = [];
      const c = await connect(j, 'after-second-rotation', tlsClient(good, probe));
      await clusters(c);
      c.close();
      return probe.at(-1) === '0BBB'; // 3003
    }, 10_000, 'the third certificate');
    expect(j.log()).not.toContain('PRIVATE KEY');
  });
});

describe('TLS without a client CA', () => {
  it('encrypts, but a client without a verified certificate gets no secret', async () => {
    const server = pki.issue('server-only', 4004);
    const j = await startTestJanitor({ source: `file:${cluster.file}`, tlsCert: server.cert, tlsKey: path.resolve(server.key) });
    try {
      await j.janitor.ready;
      const c = await connect(j, 'tls-only', tlsClient(undefined));
      expect(await clusters(c)).toContain('demo/svc/web.expose#0');
      c.subscribe(TYPE.secret, [SECRET]);
      expect(await c.nextDelta(TYPE.secret, { timeoutMs: 5000 })).toMatchObject({ resources: [], removed: [SECRET] });
      expect(j.log()).toContain('secrets are not sent over TCP without mutual TLS');
    } finally {
      await j.close();
    }
  });
});
