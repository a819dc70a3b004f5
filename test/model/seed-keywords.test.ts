// The cluster-file keywords of the seed use cases: typed, checked, located.
import { describe, expect, it } from 'vitest';
import { build, fails, HTTP, ROUTE, VHOST } from './support/build.js';

const http = (route: Record<string, unknown>, expose: Record<string, unknown> = {}) => ({
  'expose#0': ['expose.envoy', { ...HTTP, ...expose }],
  'vhost#0': ['vhost.envoy', { ...VHOST }],
  'route#0': ['route.envoy', { ...ROUTE, ...route }],
}) as const;

describe('seed keywords', () => {
  it('route_weighted_clusters: clusters of the namespace, weights', () => {
    const m = build(http({ route_weighted_clusters: 'test/svc/web1.expose#0=9 test/svc/canary.expose#0=1' }));
    expect(m.exposes[0]?.vhosts[0]?.routes[0]?.action).toMatchObject({ kind: 'route', weightedClusters: [{ name: 'test/svc/web1.expose#0', weight: 9 }, { name: 'test/svc/canary.expose#0', weight: 1 }] });
    for (const [value, why] of [
      [['other/svc/x.expose#0=1'], /not a cluster of namespace test/],
      [['test/svc/a.expose#0=0'], /adding up to 0/],
      [['test/svc/a.expose#0'], /not <cluster>=<weight>/],
      [['test/svc/a.expose#0=1', 'test/svc/a.expose#0=2'], /twice/],
    ] as const) {
      expect(fails(http({ route_weighted_clusters: value }))).toContainEqual(expect.objectContaining({ section: 'route#0', keyword: 'route_weighted_clusters', message: expect.stringMatching(why) }));
    }
  });

  it('direct_response_status and body; never with a forward or a redirect', () => {
    const m = build(http({ direct_response_status: '403', direct_response_body: 'no' }));
    expect(m.exposes[0]?.vhosts[0]?.routes[0]?.action).toEqual({ kind: 'direct', status: 403, body: 'no' });
    expect(fails(http({ direct_response_body: 'x' }))).toContainEqual(expect.objectContaining({ keyword: 'direct_response_status', reason: 'MissingKeyword' }));
    expect(fails(http({ direct_response_status: 403, direct_response_body: 'x'.repeat(4097) }))).toContainEqual(expect.objectContaining({ keyword: 'direct_response_body', reason: 'OutOfRange' }));
    expect(fails(http({ direct_response_status: 403, route_timeout: '5s' }))).toContainEqual(expect.objectContaining({ keyword: 'direct_response_status', reason: 'InvalidValue' }));
  });

  it('cluster_sni, circuit breakers and outlier detection', () => {
    const m = build(http({}, { cluster_sni: 'API.internal', circuit_breakers_max_requests: 10, outlier_detection_interval: '500ms', outlier_detection_max_ejection_percent: '100' }));
    expect(m.exposes[0]).toMatchObject({ upstreamSni: 'api.internal', circuitBreakers: { maxRequests: 10 }, outlierDetection: { intervalMs: 500, maxEjectionPercent: 100 } });
    expect(fails(http({}, { circuit_breakers_max_retries: -1 }))).toContainEqual(expect.objectContaining({ keyword: 'circuit_breakers_max_retries' }));
  });
});
