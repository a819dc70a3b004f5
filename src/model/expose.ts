// `expose#N` (expose.envoy): what Envoy listens on and where it sends traffic. Resolves the
// vhosts, routes and certificates it names, and its endpoints.
//
// listener_port: absent → the backend `port` (the keyword's documented default "<port>");
// 0 → the port the janitor allocated (ports.ts, through ModelContext.listenerPort);
// `cluster_private_key_filename` is accepted and ignored, as the Python janitor did.
import { parseCertificate, type CertificateSpec } from './certificate.js';
import { certificateWarnings } from './certificate-warnings.js';
import type { ModelContext } from './context.js';
import { isHostname, parseNameList } from './hostnames.js';
import { parseAddress, parseBool, parseJsonObject, parseList, parseLbPolicy, parseListenerPort, parsePort, parseProtocol } from './keywords.js';
import { clusterName } from './names.js';
import { problem, show } from './problems.js';
import { reader, resolveRefs, where, type Scope, type SectionReader } from './scope.js';
import { checkTenantJson } from './tenant-json.js';
import { upstreamExtras } from './upstream.js';
import { SECTION_TYPE } from './sections.js';
import type { Certificate, Expose, LbPolicy, SecretModel, VirtualHost } from './types.js';
import { bindVhost, parseVhost } from './vhost.js';

/** A parsed expose and the SDS secrets its certificates need. */
export interface ExposeSpec {
  readonly expose: Expose;
  readonly secrets: readonly SecretModel[];
}

const HASHING: ReadonlySet<LbPolicy> = new Set(['RING_HASH', 'MAGLEV']);

function listenerPort(scope: Scope, ctx: ModelContext, r: SectionReader, port: number | undefined): { port?: number; allocated: boolean } {
  if (r.raw('listener_port') === undefined) return port === undefined ? { allocated: false } : { port, allocated: false };
  const asked = r.get('listener_port', parseListenerPort);
  if (asked === undefined) return { allocated: false };
  if (asked !== 0) return { port: asked, allocated: false };
  const allocated = ctx.listenerPort(scope.svc.path, r.rid);
  if (allocated === undefined) {
    r.report('listener_port', 'PortUnavailable', 'listener_port 0 asks for a port from the gateway port range, and none could be allocated (the range is exhausted).', 0);
    return { allocated: true };
  }
  return { port: allocated, allocated: true };
}

function certificates(scope: Scope, ctx: ModelContext, r: SectionReader, kw: string): CertificateSpec[] {
  const rids = r.get(kw, parseList) ?? [];
  const out: CertificateSpec[] = [];
  for (const rid of resolveRefs(scope, r, kw, rids, SECTION_TYPE.certificate)) {
    const spec = parseCertificate(scope, ctx, rid);
    if (spec === undefined) r.report(kw, 'InvalidValue', `${kw} names ${rid}, which is invalid (see its own problems).`, rid);
    else out.push(spec);
  }
  const contexts = new Set(out.map((c) => c.certificate.validationSecret).filter((v) => v !== undefined));
  if (contexts.size > 1) {
    r.report(kw, 'InvalidValue', `${kw} names certificates with different validation_secret values (${[...contexts].join(', ')}); one TLS context checks peers against one validation context.`, rids);
  }
  const secrets = new Set(out.flatMap((c) => (c.certificate.tlsSecret === undefined ? [] : [c.certificate.tlsSecret])));
  if (kw === 'listener_certificates') {
    for (const c of out.filter((x) => x.certificate.tlsSecret === undefined)) {
      r.report(kw, 'InvalidValue', `listener_certificates names ${c.certificate.rid}, which has only a validation_secret: a listener terminating TLS presents a certificate (certificate_secret or the certificate_chain_*/private_key_* keywords). A validation-only section checks backends, in cluster_certificates.`, c.certificate.rid);
    }
  }
  if (kw === 'cluster_certificates' && secrets.size > 1) {
    r.report(kw, 'Unsupported', `cluster_certificates names ${secrets.size} different certificate secrets (${[...secrets].sort().join(', ')}); Envoy presents one client certificate to a backend (its upstream TLS context takes one): name one.`, rids);
  }
  return out;
}

function vhosts(scope: Scope, r: SectionReader, listener: number): VirtualHost[] {
  const rids = r.get('vhosts', parseList) ?? [];
  const out: VirtualHost[] = [];
  const owners = new Map<string, string>();
  for (const rid of resolveRefs(scope, r, 'vhosts', rids, SECTION_TYPE.vhost)) {
    const spec = parseVhost(scope, rid);
    if (spec === undefined) {
      r.report('vhosts', 'InvalidValue', `vhosts names ${rid}, which is invalid (see its own problems).`, rid);
      continue;
    }
    for (const host of spec.hostnames.map((h) => h.toLowerCase())) {
      const owner = owners.get(host);
      if (owner !== undefined) r.report('vhosts', 'Conflict', `${rid} and ${owner} both serve the domain ${show(host)}; a domain belongs to one vhost of a listener.`, rid);
      else owners.set(host, rid);
    }
    out.push(bindVhost(spec, scope.svc.path, r.rid, listener));
  }
  return out;
}

function checkCombinations(r: SectionReader, protocol: string | undefined, sni: readonly string[], hasVhosts: boolean): void {
  const terminates = r.raw('listener_certificates') !== undefined;
  if (protocol === 'udp') {
    for (const kw of ['sni', 'vhosts', 'listener_certificates', 'cluster_certificates']) {
      if (r.raw(kw) !== undefined) r.report(kw, 'Unsupported', `${kw} needs protocol tcp; a UDP expose is proxied datagram by datagram (no TLS, no HTTP).`, r.raw(kw));
    }
  }
  if (sni.length > 0 && hasVhosts && !terminates) {
    r.report('sni', 'InvalidValue', 'sni with vhosts and no listener_certificates would pass TLS through to the backend, and the gateway cannot route HTTP it cannot read: add listener_certificates (the chain then matches the sni names, terminates TLS and routes on the vhosts), or remove vhosts for a plain passthrough.', sni);
  }
}

function checkHashPolicies(scope: Scope, exposeRid: string, lb: LbPolicy, hosts: readonly VirtualHost[]): void {
  if (HASHING.has(lb)) return;
  for (const host of hosts) {
    for (const route of host.routes) {
      if (route.action.kind !== 'route' || route.action.hashPolicies.length === 0) continue;
      const rids = route.action.hashPolicies.map((h) => h.rid);
      scope.warnings.add(problem(where(scope, route.rid), 'hash_policies', 'NoEffect', `hash_policies have no effect here: ${exposeRid} (through ${host.rid}) uses lb_policy ${lb.toLowerCase()}, which does not hash requests, and Envoy ignores them (only ring_hash and maglev do). The route is served; set lb_policy = ring_hash (or maglev) on ${exposeRid} to use them, or remove them.`, rids));
    }
  }
}

/** The message filter_config_data is merged into: the expose's main network filter. */
function mainFilterType(protocol: string | undefined, http: boolean): string {
  if (protocol === 'udp') return 'envoy.extensions.filters.udp.udp_proxy.v3.UdpProxyConfig';
  return http ? 'envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager' : 'envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy';
}

/** `http2` (cluster files), reconciled with filter_config_data's codec_type. */
function httpTwo(r: SectionReader, data: Readonly<Record<string, unknown>> | undefined): boolean {
  const asked = r.get('http2', parseBool);
  const codec = data?.['codec_type'];
  if (asked === false && codec !== undefined && codec !== 'HTTP1') {
    r.report('http2', 'InvalidValue', `http2 = false asks for the HTTP1 codec, and filter_config_data sets codec_type ${show(codec)}: keep one.`, false);
  }
  return codec === undefined ? asked !== false : codec !== 'HTTP1';
}

export function parseExpose(scope: Scope, ctx: ModelContext, rid: string): ExposeSpec | undefined {
  const res = scope.svc.sections.get(rid);
  if (res === undefined) return undefined;
  const r = reader(scope, rid, res);
  const gateway = r.raw('gateway');
  if (gateway !== undefined && typeof gateway !== 'string') r.report('gateway', 'InvalidType', `gateway must be a gateway name, not ${show(gateway)}.`, gateway);
  const port = r.get('port', parsePort);
  if (r.raw('port') === undefined) r.report('port', 'MissingKeyword', 'port (the backend port) is required.');
  const protocol = r.raw('protocol') === undefined ? 'tcp' : r.get('protocol', parseProtocol);
  const address = r.raw('listener_addr') === undefined ? '0.0.0.0' : r.get('listener_addr', parseAddress);
  const listener = listenerPort(scope, ctx, r, port);
  const lbPolicy = r.raw('lb_policy') === undefined ? 'ROUND_ROBIN' : r.get('lb_policy', parseLbPolicy);
  const sni = r.get('sni', (v) => parseNameList(v, isHostname, 'a server name')) ?? [];
  const clusterData = r.get('cluster_data', parseJsonObject);
  const filterConfigData = r.get('filter_config_data', parseJsonObject);
  const http2 = httpTwo(r, filterConfigData);
  const extras = upstreamExtras(r);
  const hosts = vhosts(scope, r, listener.port ?? 0);
  const listenerCerts = certificates(scope, ctx, r, 'listener_certificates');
  const clusterCerts = certificates(scope, ctx, r, 'cluster_certificates');
  checkCombinations(r, protocol, sni, r.raw('vhosts') !== undefined);
  const own = { namespace: scope.svc.namespace, service: scope.svc.path, certificates: [...listenerCerts, ...clusterCerts].map((c) => c.certificate), allowCodeExtensions: ctx.allowCodeExtensions === true };
  checkTenantJson(r, { ...(clusterData !== undefined && { cluster: clusterData }), ...(filterConfigData !== undefined && { filter: filterConfigData }), filterType: mainFilterType(protocol, r.raw('vhosts') !== undefined) }, own);
  if (lbPolicy !== undefined) checkHashPolicies(scope, rid, lbPolicy, hosts);
  certificateWarnings(scope, listenerCerts, sni.length > 0 ? sni : hosts.flatMap((h) => h.hostnames), ctx.now?.() ?? Date.now());
  if (r.raw('http2') !== undefined && hosts.length === 0) {
    scope.warnings.add(problem(where(scope, rid), 'http2', 'NoEffect', 'http2 has no effect here: it sets the codec of an HTTP connection manager, and this expose has no vhosts (its traffic is proxied as TCP or UDP).', r.raw('http2')));
  }
  if (!r.clean() || port === undefined || protocol === undefined || address === undefined || listener.port === undefined || lbPolicy === undefined) return undefined;
  const certs = (specs: CertificateSpec[]): Certificate[] => specs.map((s) => s.certificate);
  const expose: Expose = {
    rid,
    clusterName: clusterName(scope.svc.path, rid),
    protocol,
    port,
    listener: { address, port: listener.port, protocol },
    allocatedPort: listener.allocated,
    lbPolicy,
    sni,
    vhosts: hosts,
    listenerCertificates: certs(listenerCerts),
    clusterCertificates: certs(clusterCerts),
    ...(clusterData !== undefined && { clusterData }),
    ...(filterConfigData !== undefined && { filterConfigData }),
    http2,
    ...extras,
  };
  return { expose, secrets: [...listenerCerts, ...clusterCerts].flatMap((c) => c.secrets) };
}
