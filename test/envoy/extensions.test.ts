// Every Envoy extension the protos package ships is usable in filter_config_data / cluster_data:
// loaded on first use (start-up loads only what the janitor itself emits).
import { describe, expect, it } from 'vitest';
import { extensionPackages, envoyRoot, findMessageType } from '../../src/proto/root.js';
import { fullCheck } from '../../src/validate/check.js';
import { MSG } from '../../src/envoy/core.js';
import { httpConnectionManagerFilter } from '../../src/envoy/filters.js';

/** Extensions that import protos the package does not ship (OpenTelemetry's). */
const UNSHIPPED = ['envoy.extensions.access_loggers.open_telemetry.v3'];

const T = 'type.googleapis.com/envoy.extensions.filters.http';

describe('Envoy extension protos', () => {
  it('loads every extension package shipped, on first use', () => {
    const packages = extensionPackages();
    expect(packages.length).toBeGreaterThan(200);
    const missing = packages.filter((p) => {
      findMessageType(`${p}.__probe__`);
      try {
        return envoyRoot().lookup(p) === null;
      } catch {
        return true;
      }
    });
    expect(missing).toEqual(UNSHIPPED);
    for (const name of ['envoy.extensions.filters.http.cors.v3.Cors', 'envoy.extensions.filters.http.lua.v3.Lua', 'envoy.extensions.filters.http.ext_authz.v3.ExtAuthz', 'envoy.extensions.filters.http.rbac.v3.RBAC', 'envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit', 'envoy.extensions.load_balancing_policies.wrr_locality.v3.WrrLocality', 'envoy.extensions.health_checkers.redis.v3.Redis']) {
      expect(findMessageType(name), name).toBeDefined();
    }
  });

  it('checks an HTTP filter chain using them, and still refuses a type nobody ships', () => {
    const data = {
      http_filters: [
        { name: 'envoy.filters.http.local_ratelimit', typed_config: { '@type': `${T}.local_ratelimit.v3.LocalRateLimit`, stat_prefix: 'rl', token_bucket: { max_tokens: 10, fill_interval: '1s' } } },
        { name: 'envoy.filters.http.rbac', typed_config: { '@type': `${T}.rbac.v3.RBAC`, rules: { action: 'ALLOW', policies: { office: { permissions: [{ any: true }], principals: [{ remote_ip: { address_prefix: '10.0.0.0', prefix_len: 8 } }] } } } } },
      ],
    };
    const chain = (d: object) => ({ name: 'http', filters: [httpConnectionManagerFilter('s', 'r', d as never)] });
    expect(fullCheck(MSG.filterChain, chain(data))).toEqual([]);
    const bad = { http_filters: [{ name: 'x', typed_config: { '@type': `${T}.nope.v3.Nope` } }] };
    expect(fullCheck(MSG.filterChain, chain(bad)).join()).toMatch(/unknown type/);
  });
});
