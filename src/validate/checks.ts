// More of Envoy's own checks (see semantics.ts for the dispatch), each naming the Envoy code that
// refuses the value. These guard what operators bring through cluster_data and filter_config_data
// as much as the janitor's own translation.
//
// Cluster:
//   - RingHashLoadBalancer (load_balancing_policies/ring_hash): "ring hash: minimum_ring_size (N) >
//     maximum_ring_size (M)", for the Cluster's ring_hash_lb_config and the typed RingHash policy;
//   - MaglevLoadBalancer (load_balancing_policies/maglev): "The table size of maglev must be prime
//     number", for maglev_lb_config and the typed Maglev policy;
//   - ClusterInfoImpl (upstream_impl.cc): the deprecated protocol options beside
//     typed_extension_protocol_options' HttpProtocolOptions, and max_requests_per_connection in both.
// HttpConnectionManager (http_connection_manager/config.cc, HttpConnectionManagerConfig):
//   codec HTTP3 on a listener that is not QUIC; two upgrade_configs with one upgrade_type (case
//   insensitive); max_response_headers_kb; strip_any_host_port with strip_matching_host_port;
//   original_ip_detection_extensions with use_remote_address or xff_num_trusted_hops;
//   access_log_options with the deprecated flush fields.
// Route (router/config_impl.cc): weighted clusters whose weights add up to 0; a direct response
//   body above max_direct_response_body_size_bytes (4096 by default).
// TLS (tls/cert_validator, CertificateValidationContextConfigImpl): an inline validation context
//   checking peer names (match_typed_subject_alt_names, match_subject_alt_names) or loading a CRL
//   without a trusted CA ("SAN-based verification of peer certificates without trusted CA is
//   insecure and not allowed"). A combined context is left alone: its CA may come over SDS.
// Every RE2 regex anywhere (a RegexMatcher: `regex` beside `google_re2`, or under safe_regex /
//   pattern / regex_match) is sized as C++ RE2 does (re2size.ts).
import { inert } from '../proto/constant.js';
import { isJsonObject, type JsonObject, type JsonValue } from '../proto/json.js';
import { ENVOY_RE2_MAX_PROGRAM_SIZE, re2ProgramSize } from './re2size.js';

const LB = 'type.googleapis.com/envoy.extensions.load_balancing_policies';

function num(value: JsonValue | undefined): number | undefined {
  const v = isJsonObject(value) ? value['value'] : value;
  if (typeof v === 'number') return v;
  return typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : undefined;
}

function isPrime(n: number): boolean {
  if (n < 2) return false;
  for (let d = 2; d * d <= n; d++) if (n % d === 0) return false;
  return true;
}

function ringIssue(config: JsonValue | undefined, where: string): string[] {
  if (!isJsonObject(config)) return [];
  const min = num(config['minimum_ring_size']) ?? 1024;
  const max = num(config['maximum_ring_size']) ?? 8388608;
  return min > max ? [`${where}.minimum_ring_size: ring hash: minimum_ring_size (${min}) > maximum_ring_size (${max})`] : [];
}

function maglevIssue(config: JsonValue | undefined, where: string): string[] {
  if (!isJsonObject(config)) return [];
  const size = num(config['table_size']);
  return size !== undefined && !isPrime(size) ? [`${where}.table_size: ${size} is not prime; the table size of maglev must be a prime number (65537, 5000011, ...)`] : [];
}

function typedPolicies(cluster: JsonObject): { readonly config: JsonObject; readonly where: string }[] {
  const policy = cluster['load_balancing_policy'];
  const list = isJsonObject(policy) && Array.isArray(policy['policies']) ? (policy['policies'] as readonly JsonValue[]) : [];
  return list.flatMap((p, i) => {
    const config = isJsonObject(p) && isJsonObject(p['typed_extension_config']) ? p['typed_extension_config']['typed_config'] : undefined;
    return isJsonObject(config) ? [{ config, where: `load_balancing_policy.policies[${i}].typed_extension_config.typed_config` }] : [];
  });
}

export function clusterChecks(cluster: JsonObject): string[] {
  const issues = [...ringIssue(cluster['ring_hash_lb_config'], 'ring_hash_lb_config'), ...maglevIssue(cluster['maglev_lb_config'], 'maglev_lb_config')];
  for (const { config, where } of typedPolicies(cluster)) {
    if (config['@type'] === `${LB}.ring_hash.v3.RingHash`) issues.push(...ringIssue(config, where));
    if (config['@type'] === `${LB}.maglev.v3.Maglev`) issues.push(...maglevIssue(config, where));
  }
  const typed = cluster['typed_extension_protocol_options'];
  const http = isJsonObject(typed) ? typed['envoy.extensions.upstreams.http.v3.HttpProtocolOptions'] : undefined;
  if (isJsonObject(http)) {
    const old = ['http_protocol_options', 'http2_protocol_options', 'common_http_protocol_options', 'upstream_http_protocol_options', 'protocol_selection'].filter((f) => cluster[f] !== undefined);
    if (old.length > 0) issues.push(`${old[0] ?? ''}: cannot be set beside typed_extension_protocol_options' HttpProtocolOptions; set the protocol options there only`);
    const common = http['common_http_protocol_options'];
    if (cluster['max_requests_per_connection'] !== undefined && isJsonObject(common) && common['max_requests_per_connection'] !== undefined) {
      issues.push('max_requests_per_connection: only one of max_requests_per_connection (Cluster) or HttpProtocolOptions.common_http_protocol_options.max_requests_per_connection can be set');
    }
  }
  return issues;
}

/** An HttpConnectionManager typed_config at `where`, on a QUIC listener or not. */
export function hcmChecks(hcm: JsonObject, where: string, quic: boolean): string[] {
  const issues: string[] = [];
  const codec = hcm['codec_type'] ?? 'AUTO';
  if (codec === 'HTTP3' && !quic) issues.push(`${where}.codec_type: HTTP/3 codec configured on a listener that is not QUIC (this listener is TCP)`);
  if (codec !== 'HTTP3' && quic) issues.push(`${where}.codec_type: a QUIC listener needs codec_type HTTP3`);
  const seen = new Set<string>();
  const upgrades = Array.isArray(hcm['upgrade_configs']) ? (hcm['upgrade_configs'] as readonly JsonValue[]) : [];
  for (const u of upgrades) {
    const name = isJsonObject(u) && typeof u['upgrade_type'] === 'string' ? u['upgrade_type'].toLowerCase() : '';
    if (seen.has(name)) issues.push(`${where}.upgrade_configs: multiple upgrade configs with the same name: ${JSON.stringify(name)}`);
    seen.add(name);
  }
  const common = hcm['common_http_protocol_options'];
  if (isJsonObject(common) && common['max_response_headers_kb'] !== undefined) issues.push(`${where}.common_http_protocol_options.max_response_headers_kb: cannot be set on http_connection_manager`);
  if (hcm['strip_any_host_port'] === true && hcm['strip_matching_host_port'] === true) issues.push(`${where}.strip_any_host_port: only one of strip_matching_host_port or strip_any_host_port can be set`);
  const detection = hcm['original_ip_detection_extensions'];
  if (Array.isArray(detection) && detection.length > 0) {
    const remote = hcm['use_remote_address'];
    if (remote === true || (isJsonObject(remote) && remote['value'] === true)) issues.push(`${where}.original_ip_detection_extensions: cannot be mixed with use_remote_address (the janitor sets it: set use_remote_address false)`);
    if ((num(hcm['xff_num_trusted_hops']) ?? 0) > 0) issues.push(`${where}.original_ip_detection_extensions: cannot be mixed with xff_num_trusted_hops`);
  }
  if (isJsonObject(hcm['access_log_options']) && (hcm['flush_access_log_on_new_request'] === true || hcm['access_log_flush_interval'] !== undefined)) {
    issues.push(`${where}.access_log_options: cannot be set beside flush_access_log_on_new_request or access_log_flush_interval`);
  }
  return issues;
}

/** Route-level checks of one route.v3.Route at `where`. */
export function routeChecks(route: JsonObject, where: string): string[] {
  const issues: string[] = [];
  const action = route['route'];
  const weighted = isJsonObject(action) ? action['weighted_clusters'] : undefined;
  if (isJsonObject(weighted)) {
    const list = Array.isArray(weighted['clusters']) ? (weighted['clusters'] as readonly JsonValue[]) : [];
    const sum = list.reduce<number>((total, c) => total + (isJsonObject(c) ? (num(c['weight']) ?? 0) : 0), 0);
    if (sum === 0) issues.push(`${where}.route.weighted_clusters: the weights add up to 0; at least one cluster needs a weight above 0`);
  }
  const direct = route['direct_response'];
  const body = isJsonObject(direct) && isJsonObject(direct['body']) ? direct['body']['inline_string'] : undefined;
  if (typeof body === 'string' && Buffer.byteLength(body) > 4096) {
    issues.push(`${where}.direct_response.body: the body has ${Buffer.byteLength(body)} bytes; Envoy's limit is 4096 (max_direct_response_body_size_bytes)`);
  }
  return issues;
}

const REGEX_PARENTS = new Set(['safe_regex', 'pattern', 'regex_match', 'safe_regex_match']);

/** What one walk of a message found: RE2 regexes over Envoy's limit, and TLS validation contexts Envoy refuses. */
export interface TreeIssues {
  readonly regex: string[];
  readonly tls: string[];
}

/** A path as the checks print it: `a.b[0].c` after `prefix`. Built only for an issue. */
function pathText(prefix: string, segs: readonly (string | number)[]): string {
  let out = prefix;
  for (const seg of segs) out = typeof seg === 'number' ? `${out}[${seg}]` : out === '' ? seg : `${out}.${seg}`;
  return out;
}

function nonEmpty(v: JsonValue | undefined): boolean {
  return Array.isArray(v) ? v.length > 0 : v !== undefined && v !== null;
}

/** The inline validation context under `key`: names or CRLs checked without a trusted CA. */
function tlsIssues(v: JsonObject, at: string, out: string[]): void {
  if (v['trusted_ca'] !== undefined || v['system_root_certs'] !== undefined) return;
  if (nonEmpty(v['match_typed_subject_alt_names']) || nonEmpty(v['match_subject_alt_names'])) out.push(`${at}: SAN-based verification of peer certificates without a trusted CA is insecure and Envoy refuses it: add trusted_ca`);
  if (v['crl'] !== undefined) out.push(`${at}.crl: a CRL cannot be loaded without a trusted CA`);
}

interface Walk {
  readonly prefix: string;
  readonly segs: (string | number)[];
  readonly found: TreeIssues;
  readonly tls: boolean;
}

/**
 * One depth-first walk for both checks (each in the order it would find its issues alone): a
 * regex (`regex` beside `google_re2`, or under one of REGEX_PARENTS) is sized, except inside the
 * value of a `regex` key itself; a `validation_context` object is checked when `tls` is set.
 */
/** What the walk looks for: a constant holding neither (src/proto/constant.ts) has nothing to find, ever. */
const SOUGHT: ReadonlySet<string> = new Set(['regex', 'validation_context']);

function walkTree(w: Walk, value: JsonValue | undefined, parent: string, regexOn: boolean): void {
  if (value !== null && typeof value === 'object' && inert(value, SOUGHT)) return;
  if (Array.isArray(value)) {
    const list = value as readonly JsonValue[];
    for (let i = 0; i < list.length; i++) {
      w.segs.push(i);
      walkTree(w, list[i], parent, regexOn);
      w.segs.pop();
    }
    return;
  }
  if (!isJsonObject(value)) return;
  const regex = value['regex'];
  if (regexOn && typeof regex === 'string' && (REGEX_PARENTS.has(parent) || value['google_re2'] !== undefined)) {
    const size = re2ProgramSize(regex);
    if (size !== undefined && size > ENVOY_RE2_MAX_PROGRAM_SIZE) w.found.regex.push(`${pathText(w.prefix, w.segs)}.regex: ${regexMessage(size)}`);
  }
  for (const key of Object.keys(value)) {
    const v = value[key];
    if (v === null || typeof v !== 'object') continue; // neither check looks into scalars
    w.segs.push(key);
    if (w.tls && key === 'validation_context' && isJsonObject(v)) tlsIssues(v, pathText(w.prefix, w.segs), w.found.tls);
    walkTree(w, v, key, regexOn && key !== 'regex');
    w.segs.pop();
  }
}

/** regexChecks and, with `tls`, inline validation contexts that check names or CRLs without a trusted CA, in one walk. */
export function treeChecks(value: JsonValue | undefined, path: string, tls: boolean): TreeIssues {
  const found: TreeIssues = { regex: [], tls: [] };
  walkTree({ prefix: path, segs: [], found, tls }, value, '', true);
  return found;
}

/** Every RE2 regex under `value` whose program is over Envoy's limit. */
export function regexChecks(value: JsonValue | undefined, path: string): string[] {
  return treeChecks(value, path, false).regex;
}

export function regexMessage(size: number): string {
  return `its RE2 program has ${size} instructions, over Envoy's limit of ${ENVOY_RE2_MAX_PROGRAM_SIZE} (runtime re2.max_program_size.error_level); simplify it (an anchored literal prefix such as ^/api/ costs nothing, every other character, class and counted repetition costs instructions)`;
}
