// Certificates through the step: a rotation reaches Envoy as the Secret alone (SDS), so no
// listener drains; a bad new pair keeps the last good one served and says why on every user.
import { describe, expect, it } from 'vitest';
import { keyPairParses } from '../../src/model/secrets.js';
import { goodTls, pem } from '../model/support/certs.js';
import { Gateway, removed, upserted, type Services } from './support/gateway.js';
import { SECRETS, TLS_CERT, svc, web } from './support/specs.js';

const A = 'test/svc/a';
const B = 'test/svc/b';

const services: Services = {
  [A]: svc('10.0.0.1', web(0, { domains: ['a.example.com'], tls: {} })),
  [B]: svc('10.0.0.2', web(0, { domains: ['b.example.com'], tls: {} })),
};

function started(): Gateway {
  const g = new Gateway();
  g.set(services, SECRETS);
  return g;
}

describe('a certificate rotation', () => {
  it('gives the new Secret alone, parsed once for both services that use it', () => {
    const g = started();
    const parses = keyPairParses();
    // the same pair, written again (a new content digest, as a renewal gives)
    const rotated = { ...SECRETS, 'test/sec/cert': { ...goodTls, certificate_chain: `${goodTls.certificate_chain ?? ''}\n` } };
    const out = g.set(services, rotated);
    expect(upserted(out.changeSet)).toEqual([`secret ${TLS_CERT}`]);
    expect(removed(out.changeSet)).toEqual([]);
    expect(out.work).toMatchObject({ compiled: 2, listeners: 0, routeConfigurations: 0 });
    expect(keyPairParses()).toBe(parses + 1);
    expect(JSON.stringify(g.get('secret', TLS_CERT))).toContain(JSON.stringify(`${goodTls.certificate_chain ?? ''}\n`).slice(1, -1));
  });

  it('to a key that does not match keeps the last good pair served, every user saying why', () => {
    const g = started();
    const held = g.snapshot();
    const out = g.set(services, { ...SECRETS, 'test/sec/cert': { ...goodTls, private_key: pem.otherKey } });
    expect(upserted(out.changeSet)).toEqual([]);
    expect(removed(out.changeSet)).toEqual([]);
    expect(g.snapshot()).toEqual(held);
    for (const path of [A, B]) {
      const st = out.statuses.get(path);
      expect(st).toMatchObject({ valid: false, served: true });
      expect(st?.problems[0]).toMatchObject({ service: path, section: 'certificate#0', reason: 'InvalidSecret' });
      expect(JSON.stringify(st)).not.toContain(pem.otherKey.split('\n')[1] ?? '');
    }
  });
});
