// Every keyword the model reads, per section type (the file source can use it to flag typos;
// the README keyword table follows it). `ip` resources contribute `ipaddr` and `expose`.
import { SECTION_TYPE } from './sections.js';

export const SECTION_KEYWORDS = {
  [SECTION_TYPE.expose]: [
    'port', 'protocol', 'listener_addr', 'listener_port', 'lb_policy', 'gateway', 'sni', 'vhosts',
    'listener_certificates', 'cluster_certificates', 'cluster_data', 'filter_config_data',
    'cluster_private_key_filename', 'http2',
    // cluster files only (OpenSVC passes these through cluster_data): see the README recipes
    'cluster_sni',
    'circuit_breakers_max_connections', 'circuit_breakers_max_pending_requests', 'circuit_breakers_max_requests', 'circuit_breakers_max_retries',
    'outlier_detection_consecutive_5xx', 'outlier_detection_interval', 'outlier_detection_base_ejection_time', 'outlier_detection_max_ejection_percent',
  ],
  [SECTION_TYPE.vhost]: ['domains', 'routes'],
  [SECTION_TYPE.route]: [
    'match_prefix', 'match_path', 'match_regex', 'match_case_sensitive',
    'route_prefix_rewrite', 'route_host_rewrite', 'route_cluster_header', 'route_timeout', 'hash_policies',
    'redirect_https_redirect', 'redirect_strip_query', 'redirect_host_redirect', 'redirect_path_redirect',
    'redirect_prefix_rewrite', 'redirect_response_code',
    // cluster files only
    'route_weighted_clusters', 'direct_response_status', 'direct_response_body',
  ],
  [SECTION_TYPE.hashpolicy]: ['cookie_name', 'cookie_path', 'cookie_ttl', 'header_header_name', 'header_name', 'connection_source_ip', 'terminal'],
  [SECTION_TYPE.certificate]: [
    'certificate_secret', 'validation_secret', 'certificate_chain_filename', 'private_key_filename',
    'certificate_chain_inline_string', 'private_key_inline_string',
    // cluster files only (OpenSVC: the validation secret's verify_subject_alt_name key)
    'verify_subject_alt_name',
  ],
} as const satisfies Readonly<Record<string, readonly string[]>>;
