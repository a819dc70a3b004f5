// Envoy bootstrap files checked as envoy.config.bootstrap.v3.Bootstrap, as issue 5 requires of
// docker/envoy.yaml: a minimal ADS bootstrap (unix socket and TCP variants) passes, mistakes are
// named by path, and YAML errors come back as issues too.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { deprecatedFields, formatIssues, validateBootstrapYaml, validateMessage } from '../../src/validate/validate.js';

const xdsCluster = (address: string): string => `
  - name: xds_cluster
    type: STATIC
    connect_timeout: 1s
    typed_extension_protocol_options:
      envoy.extensions.upstreams.http.v3.HttpProtocolOptions:
        "@type": type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions
        explicit_http_config:
          http2_protocol_options: {}
    load_assignment:
      cluster_name: xds_cluster
      endpoints:
      - lb_endpoints:
        - endpoint:
            address:
${address}`;

const bootstrap = (address: string, extra = ''): string => `
node:
  id: gateway-1
  cluster: envoy
admin:
  address:
    socket_address: { address: 127.0.0.1, port_value: 9901 }
dynamic_resources:
  ads_config:
    api_type: GRPC
    transport_api_version: V3
    set_node_on_first_message_only: true
    grpc_services:
    - envoy_grpc:
        cluster_name: xds_cluster
  cds_config: { ads: {}, resource_api_version: V3 }
  lds_config: { ads: {}, resource_api_version: V3 }
static_resources:
  clusters:${xdsCluster(address)}
${extra}`;

const UNIX = `              pipe:
                path: /var/run/xds/xds.sock`;
const TCP = `              socket_address:
                address: 127.0.0.1
                port_value: 50051`;

describe('validateBootstrapYaml', () => {
  it.each([['unix socket', UNIX], ['TCP', TCP]])('accepts a minimal ADS bootstrap over %s', (_what, address) => {
    const issues = validateBootstrapYaml(bootstrap(address));
    expect(formatIssues(issues)).toBe('');
    expect(deprecatedFields('envoy.config.bootstrap.v3.Bootstrap', YAML.parse(bootstrap(address)))).toEqual([]);
  });

  it('names the field of each mistake', () => {
    const text = bootstrap(TCP.replace('50051', '99999'))
      .replace('api_type: GRPC', 'api_type: GRPCS')
      .replace('connect_timeout: 1s', 'connect_timeout: 1 second')
      .replace('cluster_name: xds_cluster\n  cds_config', 'cluster_name: ""\n  cds_config');
    const lines = formatIssues(validateBootstrapYaml(text)).split('\n').sort();
    expect(lines).toEqual([
      'dynamic_resources.ads_config.api_type: unknown ApiType value "GRPCS"; expected one of DEPRECATED_AND_UNAVAILABLE_DO_NOT_USE, REST, GRPC, DELTA_GRPC, AGGREGATED_GRPC, AGGREGATED_DELTA_GRPC',
      'dynamic_resources.ads_config.grpc_services[0].envoy_grpc.cluster_name: must be at least 1 character, got 0',
      'static_resources.clusters[0].connect_timeout: invalid duration "1 second": expected e.g. "5s" or "0.250s"',
      'static_resources.clusters[0].load_assignment.endpoints[0].lb_endpoints[0].endpoint.address.socket_address.port_value: must be <= 65535, got 99999',
    ]);
  });

  it('refuses an unknown top-level section and a typo in a typed config', () => {
    const text = bootstrap(UNIX, 'layerd_runtime: {}').replace('explicit_http_config', 'explicit_http_confg');
    expect(validateBootstrapYaml(text).map((i) => i.path)).toEqual([
      'static_resources.clusters[0].typed_extension_protocol_options["envoy.extensions.upstreams.http.v3.HttpProtocolOptions"].explicit_http_confg',
      'static_resources.clusters[0].typed_extension_protocol_options["envoy.extensions.upstreams.http.v3.HttpProtocolOptions"]',
      'layerd_runtime',
    ]);
  });

  it('reports YAML syntax errors as issues', () => {
    const issues = validateBootstrapYaml('node: {id: [unclosed\n');
    expect(issues.length).toBeGreaterThan(0);
    expect(issues[0]?.message).toMatch(/^YAML: /);
  });

  it('checks an empty document as an empty Bootstrap', () => {
    expect(validateBootstrapYaml('')).toEqual(validateMessage('envoy.config.bootstrap.v3.Bootstrap', null));
  });
});

// The shipped bootstraps (written under issue 5): checked here too as soon as they exist.
for (const file of ['envoy.yaml', 'envoy-tcp.yaml']) {
  const full = path.resolve(import.meta.dirname, '../../docker', file);
  describe.skipIf(!existsSync(full))(`docker/${file}`, () => {
    it('is a valid v3 Bootstrap', () => {
      expect(formatIssues(validateBootstrapYaml(readFileSync(full, 'utf8')))).toBe('');
    });
  });
}
