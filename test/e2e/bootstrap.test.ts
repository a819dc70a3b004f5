// The Envoy bootstraps we ship parse as envoy.config.bootstrap.v3.Bootstrap with the project's
// validator, and say what the janitor expects: delta ADS to xds_cluster over HTTP/2.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { validateBootstrapYaml } from '../../src/validate/validate.js';
import { ROOT } from './support.js';

describe.each(['envoy.yaml', 'envoy-tcp.yaml'])('docker/%s', (file) => {
  const text = readFileSync(path.join(ROOT, 'docker', file), 'utf8');

  it('is a valid v3 Bootstrap', () => {
    expect(validateBootstrapYaml(text)).toEqual([]);
  });

  it('uses delta ADS for clusters and listeners through xds_cluster over HTTP/2', () => {
    const doc = YAML.parse(text) as {
      dynamic_resources: { ads_config: { api_type: string; grpc_services: { envoy_grpc: { cluster_name: string } }[] }; cds_config: object; lds_config: object };
      static_resources: { clusters: { name: string; typed_extension_protocol_options: Record<string, { explicit_http_config: object }> }[] };
    };
    expect(doc.dynamic_resources.ads_config.api_type).toBe('DELTA_GRPC');
    expect(doc.dynamic_resources.ads_config.grpc_services[0]?.envoy_grpc.cluster_name).toBe('xds_cluster');
    expect(doc.dynamic_resources.cds_config).toMatchObject({ ads: {} });
    expect(doc.dynamic_resources.lds_config).toMatchObject({ ads: {} });
    const xds = doc.static_resources.clusters.find((c) => c.name === 'xds_cluster');
    expect(xds?.typed_extension_protocol_options['envoy.extensions.upstreams.http.v3.HttpProtocolOptions']?.explicit_http_config).toEqual({ http2_protocol_options: {} });
  });

  it('is refused by the validator once broken (the test can fail)', () => {
    expect(validateBootstrapYaml(text.replace('api_type: DELTA_GRPC', 'api_type: NOT_A_TYPE')).length).toBeGreaterThan(0);
  });
});

it('docker/envoy.yaml talks to the janitor unix socket, envoy-tcp.yaml to 127.0.0.1:50051', () => {
  expect(readFileSync(path.join(ROOT, 'docker/envoy.yaml'), 'utf8')).toContain('path: /var/run/xds/xds.sock');
  expect(readFileSync(path.join(ROOT, 'docker/envoy-tcp.yaml'), 'utf8')).toMatch(/address: 127\.0\.0\.1, port_value: 50051/);
});
