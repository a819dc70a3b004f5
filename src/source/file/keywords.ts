// The keyword vocabulary of the OpenSVC data sections, and the conversions the OpenSVC daemon
// applies before it publishes a resource's `info` (lists split on whitespace, integers, booleans,
// durations in seconds, JSON parsed, defaults filled). The file source applies the same, so the
// model sees exactly what the daemon would show.

export type Convert = 'string' | 'list' | 'integer' | 'boolean' | 'duration' | 'json';

export interface GroupSpec {
  /** Driver used when the section has no `type` keyword. */
  readonly driver: string;
  readonly keywords: Readonly<Record<string, Convert>>;
  /** Values the daemon always publishes when unset. `{name}` stands for the object name. */
  readonly defaults: Readonly<Record<string, unknown>>;
}

export const GROUPS: Readonly<Record<string, GroupSpec>> = {
  expose: {
    driver: 'envoy',
    keywords: {
      cluster_data: 'json',
      filter_config_data: 'json',
      port: 'integer',
      protocol: 'string',
      listener_addr: 'string',
      listener_port: 'integer',
      sni: 'list',
      lb_policy: 'string',
      gateway: 'string',
      vhosts: 'list',
      listener_certificates: 'list',
      cluster_certificates: 'list',
      cluster_private_key_filename: 'string',
      http2: 'boolean',
      cluster_sni: 'string',
      circuit_breakers_max_connections: 'integer',
      circuit_breakers_max_pending_requests: 'integer',
      circuit_breakers_max_requests: 'integer',
      circuit_breakers_max_retries: 'integer',
      outlier_detection_consecutive_5xx: 'integer',
      outlier_detection_interval: 'string',
      outlier_detection_base_ejection_time: 'string',
      outlier_detection_max_ejection_percent: 'integer',
    },
    defaults: { protocol: 'tcp', lb_policy: 'round robin' },
  },
  vhost: {
    driver: 'envoy',
    keywords: { domains: 'list', routes: 'list' },
    defaults: { domains: ['{name}'] },
  },
  route: {
    driver: 'envoy',
    keywords: {
      match_path: 'string',
      match_regex: 'string',
      match_prefix: 'string',
      match_case_sensitive: 'string',
      route_prefix_rewrite: 'string',
      route_host_rewrite: 'string',
      route_cluster_header: 'string',
      route_timeout: 'string',
      redirect_host_redirect: 'string',
      redirect_prefix_rewrite: 'string',
      redirect_path_redirect: 'string',
      redirect_response_code: 'string',
      redirect_https_redirect: 'boolean',
      redirect_strip_query: 'boolean',
      hash_policies: 'list',
      route_weighted_clusters: 'list',
      direct_response_status: 'integer',
      direct_response_body: 'string',
    },
    defaults: { redirect_https_redirect: false, redirect_strip_query: false },
  },
  hashpolicy: {
    driver: 'envoy',
    keywords: {
      cookie_name: 'string',
      cookie_path: 'string',
      cookie_ttl: 'duration',
      header_header_name: 'string',
      connection_source_ip: 'string',
      terminal: 'boolean',
    },
    defaults: { terminal: false },
  },
  certificate: {
    driver: 'tls',
    keywords: {
      certificate_secret: 'string',
      validation_secret: 'string',
      certificate_chain_filename: 'string',
      private_key_filename: 'string',
      certificate_chain_inline_string: 'string',
      private_key_inline_string: 'string',
      verify_subject_alt_name: 'list',
    },
    defaults: {},
  },
};

export type Converted = { ok: true; value: unknown } | { ok: false; reason: string };

const DURATION_UNITS: Readonly<Record<string, number>> = { '': 1, s: 1, m: 60, h: 3600, d: 86400, w: 604800 };

function toDuration(value: unknown): Converted {
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0) return { ok: true, value };
  const m = typeof value === 'string' ? /^(\d+)([smhdw]?)$/.exec(value.trim()) : null;
  if (!m) return { ok: false, reason: 'is not a duration (30, 30s, 5m, 1h, 1d)' };
  return { ok: true, value: Number(m[1]) * (DURATION_UNITS[m[2] ?? ''] ?? 1) };
}

function toBoolean(value: unknown): Converted {
  if (typeof value === 'boolean') return { ok: true, value };
  const text = String(value).toLowerCase();
  if (['true', 'yes', 'y', 'on', '1'].includes(text)) return { ok: true, value: true };
  if (['false', 'no', 'n', 'off', '0'].includes(text)) return { ok: true, value: false };
  return { ok: false, reason: 'is not a boolean' };
}

function toJson(value: unknown): Converted {
  if (typeof value !== 'string') return { ok: true, value };
  try {
    return { ok: true, value: JSON.parse(value) as unknown };
  } catch {
    return { ok: false, reason: 'is not valid JSON' };
  }
}

/** Convert one keyword value as the daemon would. Lists accept a YAML list or a whitespace-separated string. */
export function convert(kind: Convert, value: unknown): Converted {
  switch (kind) {
    case 'string':
      return typeof value === 'object' && value !== null ? { ok: false, reason: 'must be a single value' } : { ok: true, value: String(value) };
    case 'list':
      if (Array.isArray(value)) return { ok: true, value: value.map(String) };
      return { ok: true, value: String(value).split(/\s+/).filter(Boolean) };
    case 'integer':
      if (typeof value === 'number' && Number.isInteger(value)) return { ok: true, value };
      if (typeof value === 'string' && /^-?\d+$/.test(value.trim())) return { ok: true, value: Number(value) };
      return { ok: false, reason: 'is not an integer' };
    case 'boolean':
      return toBoolean(value);
    case 'duration':
      return toDuration(value);
    case 'json':
      return toJson(value);
  }
}

/** Whether the daemon publishes this converted value (it drops null and empty lists). */
export function published(value: unknown): boolean {
  return value !== null && value !== undefined && !(Array.isArray(value) && value.length === 0);
}
