import { describe, expect, it } from 'vitest';
import { Cluster } from '../../src/envoy/cluster.js';
import { fullCheck, protoRules, structuralCheck } from '../../src/validate/check.js';
import { MSG } from '../../src/envoy/core.js';
import type { JsonObject } from '../../src/proto/json.js';
import { certificate, expose } from './fixtures.js';

const P = 'test/svc/web1';
const ADS = { ads: {}, resource_api_version: 'V3' };

function valid(obj: JsonObject): JsonObject {
  expect(fullCheck(MSG.cluster, obj)).toEqual([]);
  return obj;
}

describe('Cluster', () => {
  it('EDS over ADS, lb_policy, 5s connect timeout, a TCP health check', () => {
    expect(valid(Cluster(expose(P, 'expose#1', { lbPolicy: 'LEAST_REQUEST' })))).toEqual({
      name: 'test/svc/web1.expose#1',
      type: 'EDS',
      eds_cluster_config: { service_name: 'test/svc/web1.expose#1', eds_config: ADS },
      connect_timeout: { seconds: 5 },
      alt_stat_name: 'test/svc/web1_expose#1',
      ignore_health_on_host_removal: true,
      health_checks: [
        { timeout: { seconds: 5 }, interval: { seconds: 10 }, unhealthy_threshold: { value: 3 }, healthy_threshold: { value: 1 }, tcp_health_check: {} },
      ],
      lb_policy: 'LEAST_REQUEST',
    });
  });

  it('UDP clusters have no TCP health check', () => {
    const c = valid(Cluster(expose(P, 'expose#2', { protocol: 'udp' })));
    expect(c['health_checks']).toBeUndefined();
  });

  it('cluster_data is the base: it overrides defaults, the expose settings override it, the janitor owns name/type/EDS', () => {
    const data = {
      name: 'hijack',
      type: 'STATIC',
      load_assignment: { cluster_name: 'x' },
      connect_timeout: { seconds: 1 },
      lb_policy: 'RANDOM',
      health_checks: [],
      circuit_breakers: { thresholds: [{ max_connections: { value: 10 } }] },
      eds_cluster_config: { service_name: 'other' },
    };
    const c = valid(Cluster(expose(P, 'expose#1', { lbPolicy: 'MAGLEV', clusterData: data })));
    expect(c['name']).toBe('test/svc/web1.expose#1');
    expect(c['type']).toBe('EDS');
    expect(c['load_assignment']).toBeUndefined();
    expect(c['eds_cluster_config']).toEqual({ service_name: 'test/svc/web1.expose#1', eds_config: ADS });
    expect(c['connect_timeout']).toEqual({ seconds: 1 });
    expect(c['health_checks']).toEqual([]);
    expect(c['lb_policy']).toBe('MAGLEV');
    expect(c['circuit_breakers']).toEqual({ thresholds: [{ max_connections: { value: 10 } }] });
  });

  it('upstream TLS from cluster_certificates, backend checked with the validation context', () => {
    const certs = [certificate('certificate#1', 'tls_certificate/test/sec/client', 'validation_context/test/sec/ca')];
    const c = valid(Cluster(expose(P, 'expose#1', { clusterCertificates: certs })));
    expect(c['transport_socket']).toEqual({
      name: 'envoy.transport_sockets.tls',
      typed_config: {
        '@type': 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext',
        common_tls_context: {
          tls_params: { tls_minimum_protocol_version: 'TLSv1_2' },
          tls_certificate_sds_secret_configs: [{ name: 'tls_certificate/test/sec/client', sds_config: ADS }],
          validation_context_sds_secret_config: { name: 'validation_context/test/sec/ca', sds_config: ADS },
        },
      },
    });
  });

  it('an unknown field in cluster_data is reported with its path', () => {
    const c = Cluster(expose(P, 'expose#1', { clusterData: { circuit_breakers: { tresholds: [] } } }));
    expect(structuralCheck(MSG.cluster, c)).toEqual(['circuit_breakers.tresholds: unknown field of envoy.config.cluster.v3.CircuitBreakers']);
    expect(protoRules(MSG.cluster, c)).toEqual([expect.stringMatching(/^circuit_breakers\.tresholds: unknown field/)]);
    expect(fullCheck(MSG.cluster, c)).toHaveLength(1);
  });
});
