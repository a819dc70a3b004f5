// No private key on plaintext TCP, whatever a tenant writes into cluster_data or
// filter_config_data: a real janitor follows a cluster file, real SotW CDS and LDS clients read
// it over loopback TCP (no TLS, no opt-in), and fast-check places a PEM private key in valid
// messages (TLS contexts, a TypedStruct, an encoded Any, transport socket matches, gRPC
// credentials, local reply and access log formats, header values, metadata, a Lua script), as
// text or base64. After each edit has been applied (a marker service shows up in both), no
// response the clients ever received holds the key, in any form.
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { encodeMessage } from '../../src/proto/codec.js';
import { TYPE, type TypeUrl } from '../../src/xds/types.js';
import { startTestJanitor, tempCluster, type RunningJanitor, type TempCluster } from '../e2e/support.js';
import { connectXds, type XdsTestClient, type XdsResponse } from '../xds/support/client.js';

const T = 'type.googleapis.com/';
const TLS = `${T}envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext`;
const BODY = 'MC4CAQAwBQYDK2VwBCIEITenantKeyBodyNeverOnTheWire';
const pemOf = (kind: string): string => `-----BEGIN ${kind}-----\n${BODY}\n-----END ${kind}-----\n`;
const b64 = (text: string): string => Buffer.from(text).toString('base64');

type Placement = (pem: string) => { readonly keyword: 'cluster_data' | 'filter_config_data'; readonly data: object };

const tls = (pem: string) => ({ common_tls_context: { tls_certificates: [{ private_key: { inline_string: pem } }] } });
const socket = (typedConfig: object) => ({ transport_socket: { name: 'envoy.transport_sockets.tls', typed_config: typedConfig } });
const filters = (...list: object[]) => ({ http_filters: list });
const grpc = (extra: object) => ({ name: 'envoy.filters.http.ext_authz', typed_config: { '@type': `${T}envoy.extensions.filters.http.ext_authz.v3.ExtAuthz`, transport_api_version: 'V3', grpc_service: { google_grpc: { target_uri: 'authz:9000', stat_prefix: 'authz', ...extra } } } });

const PLACEMENTS: readonly (readonly [string, Placement])[] = [
  ['TLS private key, inline_string', (pem) => ({ keyword: 'cluster_data', data: socket({ '@type': TLS, ...tls(pem) }) })],
  ['TLS private key, inline_bytes', (pem) => ({ keyword: 'cluster_data', data: socket({ '@type': TLS, common_tls_context: { tls_certificates: [{ private_key: { inline_bytes: b64(pem) } }] } }) })],
  ['TLS key password', (pem) => ({ keyword: 'cluster_data', data: socket({ '@type': TLS, common_tls_context: { tls_certificates: [{ password: { inline_string: pem } }] } }) })],
  ['TypedStruct', (pem) => ({ keyword: 'cluster_data', data: socket({ '@type': `${T}xds.type.v3.TypedStruct`, type_url: TLS, value: tls(pem) }) })],
  ['encoded Any', (pem) => ({ keyword: 'cluster_data', data: socket({ type_url: TLS, value: b64(String.fromCharCode(...encodeMessage(TLS.slice(T.length), tls(pem)))) }) })],
  ['transport socket match', (pem) => ({ keyword: 'cluster_data', data: { transport_socket_matches: [{ name: 'm', match: {}, ...socket({ '@type': TLS, ...tls(pem) }) }] } })],
  ['cluster metadata', (pem) => ({ keyword: 'cluster_data', data: { metadata: { filter_metadata: { acme: { note: pem, copy: b64(pem) } } } } })],
  ['gRPC client key', (pem) => ({ keyword: 'filter_config_data', data: filters(grpc({ channel_credentials: { ssl_credentials: { private_key: { inline_string: pem } } } })) })],
  ['gRPC metadata value', (pem) => ({ keyword: 'filter_config_data', data: filters(grpc({ initial_metadata: [{ key: 'x-key', value: pem }] })) })],
  ['local reply body', (pem) => ({ keyword: 'filter_config_data', data: { local_reply_config: { mappers: [{ filter: { status_code_filter: { comparison: { op: 'GE', value: { default_value: 400, runtime_key: 'k' } } } }, body: { inline_string: pem } }] } } })],
  ['access log format', (pem) => ({ keyword: 'filter_config_data', data: { access_log: [{ name: 'f', typed_config: { '@type': `${T}envoy.extensions.access_loggers.file.v3.FileAccessLog`, path: '/dev/stdout', log_format: { text_format_source: { inline_string: pem } } } }] } })],
  ['Lua script', (pem) => ({ keyword: 'filter_config_data', data: filters({ name: 'envoy.filters.http.lua', typed_config: { '@type': `${T}envoy.extensions.filters.http.lua.v3.Lua`, default_source_code: { inline_string: `-- ${pem.replace(/\n/g, ' ')}\nfunction envoy_on_request(h) end` } } }) })],
];

let cluster: TempCluster;
let janitor: RunningJanitor;
let cds: XdsTestClient;
let lds: XdsTestClient;

/** The tenant's service (when placed) and a marker service that tells each edit apart. */
function clusterFile(step: number, placed?: ReturnType<Placement>): string {
  const marker = { [`marker/svc/m${step}`]: { endpoints: ['127.0.0.2'], 'expose#0': { port: 7000, listener_port: 20000 + step } } };
  if (placed === undefined) return JSON.stringify({ services: marker });
  const expose = { port: 8443, listener_port: 18443, ...(placed.keyword === 'filter_config_data' ? { vhosts: ['vhost#0'] } : {}), [placed.keyword]: placed.data };
  const tenant = { endpoints: ['127.0.0.1'], 'expose#0': expose, 'vhost#0': { domains: ['api.tenant.test'], routes: ['route#0'] }, 'route#0': { match_prefix: '/' } };
  return JSON.stringify({ services: { 'tenant/svc/api': tenant, ...marker } });
}

/** What no byte on the wire may hold: the key as text, its body, and the base64 of its header. */
function leaks(r: XdsResponse): string[] {
  const wire = Buffer.from(r.raw);
  return ['PRIVATE KEY', BODY, b64('-----BEGIN PRIVATE KEY-----').slice(0, 24), b64('-----BEGIN RSA PRIVATE KEY-----').slice(0, 24)].filter((s) => wire.includes(s, 0, 'latin1'));
}

/** Read (and ACK) responses until one names `name`; every response must be clean. */
async function until(c: XdsTestClient, typeUrl: TypeUrl, name: string): Promise<void> {
  for (;;) {
    const r = await c.nextResponse(typeUrl, { timeoutMs: 10_000 });
    c.ack(r);
    expect(leaks(r), `${typeUrl} response ${r.nonce}`).toEqual([]);
    if (r.resources.some((x) => x.name === name)) return;
  }
}

beforeAll(async () => {
  cluster = tempCluster(clusterFile(0));
  janitor = await startTestJanitor({ source: `file:${cluster.file}` });
  await janitor.janitor.ready;
  cds = await connectXds({ address: janitor.xds, nodeId: 'tenant-keys-cds', variant: 'sotw', service: 'cds' });
  lds = await connectXds({ address: janitor.xds, nodeId: 'tenant-keys-lds', variant: 'sotw', service: 'lds' });
  cds.request(TYPE.cluster);
  lds.request(TYPE.listener);
  await until(cds, TYPE.cluster, 'marker/svc/m0.expose#0');
  await until(lds, TYPE.listener, '0.0.0.0:20000/tcp');
}, 30_000);

afterAll(async () => {
  cds.close();
  lds.close();
  await janitor.close();
  cluster.cleanup();
});

it('serves no private key on plaintext TCP CDS and LDS, wherever a tenant places one', async () => {
  let step = 0;
  await fc.assert(
    fc.asyncProperty(fc.constantFrom(...PLACEMENTS), fc.constantFrom('PRIVATE KEY', 'RSA PRIVATE KEY', 'EC PRIVATE KEY', 'ENCRYPTED PRIVATE KEY'), async ([_what, place], kind) => {
      step += 1;
      cluster.write(clusterFile(step, place(pemOf(kind))));
      await until(cds, TYPE.cluster, `marker/svc/m${step}.expose#0`);
      await until(lds, TYPE.listener, `0.0.0.0:${20000 + step}/tcp`);
    }),
    { numRuns: 24 },
  );
  // the janitor took every edit and served none of the tenant's attempts
  for (const r of [...cds.received, ...lds.received]) expect(r.resources.map((x) => x.name).filter((n) => n.startsWith('tenant/') || n.includes(':18443/'))).toEqual([]);
}, 120_000);
