// Constant message parts (src/proto/constant.ts): deep-frozen, so what the validator, the encoder
// and Envoy's checks remember of one by its identity stays true; what they find wrong in one is
// found again every time, and a constant in a new place (another type, a regex parent) is checked.
import { describe, expect, it } from 'vitest';
import { MSG } from '../../src/envoy/core.js';
import { constant, inert, isConstant } from '../../src/proto/constant.js';
import { toMessage } from '../../src/proto/normalise.js';
import { messageType } from '../../src/proto/root.js';
import { writeMessage } from '../../src/proto/writer.js';
import { fullCheck } from '../../src/validate/check.js';

function reference(fullName: string, obj: unknown): string {
  const type = messageType(fullName);
  return Buffer.from(type.encode(toMessage(type, obj, undefined)).finish()).toString('hex');
}

describe('constants', () => {
  it('are frozen all the way down, and every object in one is a constant', () => {
    const c = constant({ a: { b: [{ c: 1 }] } });
    expect(isConstant(c)).toBe(true);
    expect(isConstant(c.a.b[0])).toBe(true);
    expect(() => {
      (c.a.b[0] as { c: number }).c = 2;
    }).toThrow(TypeError);
    expect(() => (c.a.b as unknown as unknown[]).push(1)).toThrow(TypeError);
    expect(isConstant({ a: 1 })).toBe(false);
  });

  it('an invalid constant is refused every time it is met, never remembered as checked', () => {
    const bad = constant({ ads: {}, resource_api_version: 'V9' });
    const cluster = (n: number): Record<string, unknown> => ({ name: `c${n}`, type: 'EDS', eds_cluster_config: { service_name: `c${n}`, eds_config: bad } });
    for (let n = 0; n < 3; n++) expect(fullCheck(MSG.cluster, cluster(n) as never).join()).toMatch(/resource_api_version/);
  });

  it('a constant found valid as one type is checked again as another', () => {
    const source = constant({ ads: {}, resource_api_version: 'V3' });
    const cluster = { name: 'c', type: 'EDS', eds_cluster_config: { service_name: 'c', eds_config: source } };
    expect(fullCheck(MSG.cluster, cluster as never)).toEqual([]);
    // the same object where a Duration is expected is not a Duration
    expect(fullCheck(MSG.cluster, { ...cluster, connect_timeout: source } as never).length).toBeGreaterThan(0);
    // and where a DataSource is expected, its fields are unknown
    expect(fullCheck(MSG.secret, { name: 's', tls_certificate: { certificate_chain: source } } as never).join()).toMatch(/unknown field "ads"/);
  });

  it('a constant is written with the same bytes wherever it sits, and as the reference encoder writes it', () => {
    const source = constant({ ads: {}, resource_api_version: 'V3' });
    const timeout = constant({ seconds: 5 });
    for (let n = 0; n < 3; n++) {
      const cluster = { name: `c${n}`, type: 'EDS', connect_timeout: timeout, eds_cluster_config: { service_name: `c${n}`, eds_config: source } };
      expect(Buffer.from(writeMessage(messageType(MSG.cluster), cluster)).toString('hex')).toBe(reference(MSG.cluster, cluster));
    }
  });

  it("Envoy's regex check looks into a constant holding a regex, every time", () => {
    const regex = constant({ safe_regex: { regex: 'x'.repeat(200) } });
    expect(inert(regex, new Set(['regex']))).toBe(false);
    const vhost = { name: 'v', domains: ['a.org'], routes: [{ name: 'r', match: regex, route: { cluster: 'c' } }] };
    for (let n = 0; n < 2; n++) expect(fullCheck(MSG.virtualHost, vhost as never).join()).toMatch(/RE2 program/);
  });
});
