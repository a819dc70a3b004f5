// A service's own JSON carries no secret material and reads nothing of the Envoy host, and runs
// no code in Envoy unless the operator allows it: each refusal names the keyword and the field,
// never the value.
import { describe, expect, it } from 'vitest';
import { context, fails, build, HTTP, ROUTE, VHOST } from './support/build.js';

const T = 'type.googleapis.com/';
const KEY = '-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIUnitTestKeyDoNotServe\n-----END PRIVATE KEY-----\n';
const upstream = (context: object) => ({ transport_socket: { name: 't', typed_config: { '@type': `${T}envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext`, ...context } } });
const ext = (config: object) => ({ http_filters: [{ name: 'f', typed_config: { '@type': `${T}envoy.extensions.filters.http.ext_authz.v3.ExtAuthz`, ...config } }] });
const http = (filterConfigData: object) => ({ 'expose#0': ['expose.envoy', { ...HTTP, filter_config_data: filterConfigData }], 'vhost#0': ['vhost.envoy', VHOST], 'route#0': ['route.envoy', ROUTE] }) as const;
const l4 = (clusterData: object) => ({ 'expose#0': ['expose.envoy', { port: 443, cluster_data: clusterData }] }) as const;

describe('secret material in cluster_data and filter_config_data', () => {
  it.each([
    ['a TLS private key, inline', l4(upstream({ common_tls_context: { tls_certificates: [{ private_key: { inline_string: KEY } }] } })), 'cluster_data', 'TlsCertificate.private_key'],
    ['a TLS private key, as a file of the Envoy host', l4(upstream({ common_tls_context: { tls_certificates: [{ private_key: { filename: '/etc/envoy/xds-client.key' } }] } })), 'cluster_data', 'TlsCertificate.private_key'],
    ['a PKCS#12 bundle', l4(upstream({ common_tls_context: { tls_certificates: [{ pkcs12: { inline_bytes: 'MIIK' } }] } })), 'cluster_data', 'TlsCertificate.pkcs12'],
    ['a key password', l4(upstream({ common_tls_context: { tls_certificates: [{ password: { inline_string: KEY } }] } })), 'cluster_data', 'TlsCertificate.password'],
    ['session ticket keys', l4({ transport_socket: { name: 't', typed_config: { '@type': `${T}envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext`, session_ticket_keys: { keys: [{ inline_bytes: 'AAAA' }] } } } }), 'cluster_data', 'TlsSessionTicketKeys.keys'],
    ['a Google gRPC client key', http(ext({ grpc_service: { google_grpc: { target_uri: 'a:1', stat_prefix: 's', channel_credentials: { ssl_credentials: { private_key: { inline_string: KEY } } } } } })), 'filter_config_data', 'SslCredentials.private_key'],
    ['a Google gRPC access token', http(ext({ grpc_service: { google_grpc: { target_uri: 'a:1', stat_prefix: 's', call_credentials: [{ access_token: KEY }] } } })), 'filter_config_data', 'CallCredentials.access_token'],
    ['AWS credentials', http({ http_filters: [{ name: 'l', typed_config: { '@type': `${T}envoy.extensions.filters.http.aws_lambda.v3.Config`, arn: 'arn:aws:lambda:eu-west-1:1:function:f', credentials: { access_key_id: 'A', secret_access_key: KEY } } }] }), 'filter_config_data', 'Credentials.secret_access_key'],
  ])('%s is refused', (_what, sections, keyword, field) => {
    const problems = fails(sections);
    expect(problems).toEqual([expect.objectContaining({ section: 'expose#0', keyword, reason: 'NotAllowed', message: expect.stringContaining(field) })]);
    expect(problems[0]).not.toHaveProperty('value');
    expect(JSON.stringify(problems)).not.toContain('BEGIN PRIVATE KEY');
  });

  it('refuses a PEM private key in any string, whatever the field (Struct metadata, base64 in bytes)', () => {
    const problems = fails(l4({ metadata: { filter_metadata: { acme: { note: KEY } } }, transport_socket_matches: [{ name: 'm', match: { k: Buffer.from(KEY).toString('base64') }, transport_socket: { name: 'raw_buffer' } }] }));
    expect(problems.map((p) => [p.keyword, p.reason, p.message.split(' holds')[0]])).toEqual([
      ['cluster_data', 'NotAllowed', 'cluster_data metadata.filter_metadata.acme.note'],
      ['cluster_data', 'NotAllowed', 'cluster_data transport_socket_matches[0].match.k'],
    ]);
  });

  it('refuses a DataSource reading a file or variable of the Envoy host, except a validation context CA bundle', () => {
    const body = http({ local_reply_config: { mappers: [{ filter: { status_code_filter: { comparison: { op: 'GE', value: { default_value: 400, runtime_key: 'k' } } } }, body: { filename: '/etc/envoy/xds-client.key' } }] } });
    expect(fails(body)).toEqual([expect.objectContaining({ keyword: 'filter_config_data', reason: 'NotAllowed', message: expect.stringMatching(/^filter_config_data local_reply_config\.mappers\[0\]\.body reads a file of the Envoy host/) })]);
    // the proto JSON names (lowerCamelCase) too
    for (const [source, what] of [[{ environmentVariable: 'XDS_TLS_KEY' }, 'an environment variable'], [{ watchedDirectory: { path: '/etc/envoy' } }, 'a directory']] as const) {
      const camel = http({ local_reply_config: { mappers: [{ filter: { status_code_filter: { comparison: { op: 'GE', value: { default_value: 400, runtime_key: 'k' } } } }, body: source }] } });
      expect(fails(camel)).toEqual([expect.objectContaining({ keyword: 'filter_config_data', reason: 'NotAllowed', message: expect.stringContaining(`reads ${what} of the Envoy host`) })]);
    }
    const ca = l4(upstream({ sni: 'api.example.com', common_tls_context: { validation_context: { trusted_ca: { filename: '/etc/ssl/certs/ca-certificates.crt' } } } }));
    expect(build(ca).exposes[0]?.clusterData).toBeDefined();
  });

  it('refuses a configuration source or a transcoder descriptor read from a file of the Envoy host', () => {
    const sdsFromFile = (source: object) => l4(upstream({ common_tls_context: { tls_certificate_sds_secret_configs: [{ name: 'tls_certificate/test/sec/x', sds_config: source }] } }));
    for (const source of [{ path_config_source: { path: '/etc/envoy/sds/bank.yaml' } }, { path: '/etc/envoy/sds/bank.yaml' }]) {
      expect(fails(sdsFromFile(source))).toContainEqual(expect.objectContaining({ keyword: 'cluster_data', reason: 'NotAllowed', message: expect.stringMatching(/reads a configuration file of the Envoy host \(envoy\.config\.core\.v3\.ConfigSource\.path/) }));
    }
    const transcoder = http({ http_filters: [{ name: 't', typed_config: { '@type': `${T}envoy.extensions.filters.http.grpc_json_transcoder.v3.GrpcJsonTranscoder`, proto_descriptor: '/var/run/xds/tls.key', services: ['a.B'] } }] });
    expect(fails(transcoder)).toContainEqual(expect.objectContaining({ keyword: 'filter_config_data', reason: 'NotAllowed', message: expect.stringContaining('reads a descriptor file of the Envoy host') }));
  });
});

describe('extensions that run code', () => {
  const lua = http({ http_filters: [{ name: 'envoy.filters.http.lua', typed_config: { '@type': `${T}envoy.extensions.filters.http.lua.v3.Lua`, default_source_code: { inline_string: 'function envoy_on_request(h) end' } } }] });
  const luaInTypedStruct = http({ http_filters: [{ name: 'x', typed_config: { '@type': `${T}xds.type.v3.TypedStruct`, type_url: `${T}envoy.extensions.filters.http.lua.v3.Lua`, value: { default_source_code: { inline_string: 'x' } } } }] });

  it.each([
    ['a Lua filter', lua, 'envoy.extensions.filters.http.lua.v3.Lua'],
    ['a Lua filter in a TypedStruct', luaInTypedStruct, 'envoy.extensions.filters.http.lua.v3.Lua'],
    ['a Wasm filter', http({ http_filters: [{ name: 'w', typed_config: { '@type': `${T}envoy.extensions.filters.http.wasm.v3.Wasm`, config: {} } }] }), 'envoy.extensions.filters.http.wasm.v3.Wasm'],
    ['a Wasm access logger', http({ access_log: [{ name: 'w', typed_config: { '@type': `${T}envoy.extensions.access_loggers.wasm.v3.WasmAccessLog`, config: {} } }] }), 'envoy.extensions.access_loggers.wasm.v3.WasmAccessLog'],
    ['a Lua string matcher', http({ http_filters: [{ name: 'r', typed_config: { '@type': `${T}envoy.extensions.filters.http.rbac.v3.RBAC`, rules: { policies: { p: { permissions: [{ url_path: { path: { custom: { name: 'l', typed_config: { '@type': `${T}envoy.extensions.string_matcher.lua.v3.Lua`, source_code: { inline_string: 'x' } } } } } }], principals: [{ any: true }] } } } } }] }), 'envoy.extensions.string_matcher.lua.v3.Lua'],
  ])('%s is refused by default, naming the flag', (_what, sections, type) => {
    expect(fails(sections)).toContainEqual(expect.objectContaining({ keyword: 'filter_config_data', reason: 'NotAllowed', message: expect.stringMatching(new RegExp(`uses ${type.replace(/\./g, '\\.')}, an extension that runs code.*--allow-code-extensions`)) }));
  });

  it('is taken when the operator allows code extensions', () => {
    expect(build(lua, context({ allowCodeExtensions: true })).exposes[0]?.filterConfigData).toBeDefined();
  });

  it('refuses what it cannot read by type, flag or not: a Struct typed_config, an unknown TypedStruct, config_discovery', () => {
    const data = http({
      http_filters: [
        { name: 'envoy.filters.http.lua', typed_config: { '@type': `${T}google.protobuf.Struct`, value: { inline_code: 'x' } } },
        { name: 'g', typed_config: { '@type': `${T}xds.type.v3.TypedStruct`, type_url: `${T}acme.filters.Unknown`, value: {} } },
        { name: 'd', config_discovery: { config_source: { ads: {} }, type_urls: [`${T}envoy.extensions.filters.http.ext_authz.v3.ExtAuthz`] } },
      ],
    });
    const problems = fails(data, context({ allowCodeExtensions: true }));
    expect(problems.map((p) => [p.reason, p.message.split(' ').slice(0, 4).join(' ')])).toEqual([
      ['NotAllowed', 'filter_config_data http_filters[0].typed_config is a'],
      ['NotAllowed', 'filter_config_data http_filters[1].typed_config is a'],
      ['NotAllowed', 'filter_config_data http_filters[2].config_discovery fetches the'],
    ]);
  });
});
