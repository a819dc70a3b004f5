// First-class keywords of cluster files for what OpenSVC passes through cluster_data (its agent
// has no such keywords): the SNI sent to backends, circuit breakers and outlier detection. Each is
// typed and checked here; the translation (src/envoy/cluster.ts) puts it over cluster_data.
import { isHostname } from './hostnames.js';
import { parseDuration } from './keywords.js';
import { accept, refuse, show, type Parsed } from './problems.js';
import type { SectionReader } from './scope.js';
import type { CircuitBreakers, Expose, OutlierDetection } from './types.js';

function count(max: number): (v: unknown) => Parsed<number> {
  return (v) => {
    const n = typeof v === 'number' ? v : typeof v === 'string' && /^\s*\d+\s*$/.test(v) ? Number(v) : Number.NaN;
    if (!Number.isInteger(n)) return refuse('InvalidValue', `${show(v)} is not a whole number.`);
    return n < 0 || n > max ? refuse('OutOfRange', `${show(v)} is out of range: 0 to ${max}.`) : accept(n);
  };
}

function positiveDuration(v: unknown): Parsed<number> {
  const d = parseDuration(v);
  if (!d.ok) return d;
  return d.value > 0 ? d : refuse('OutOfRange', `${show(v)} must be longer than 0.`);
}

function sni(v: unknown): Parsed<string> {
  if (typeof v !== 'string') return refuse('InvalidType', `must be a server name, not ${show(v)}.`);
  const name = v.trim().toLowerCase();
  return isHostname(name) && !name.includes('*') && name.length <= 255 ? accept(name) : refuse('InvalidValue', `${show(v)} is not a server name (a DNS name without wildcard).`);
}

const UINT32 = 4294967295;

function defined<T extends object>(o: T): T | undefined {
  return Object.values(o).some((v) => v !== undefined) ? o : undefined;
}

function strip<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

const KEYWORDS = [
  'cluster_sni',
  'circuit_breakers_max_connections', 'circuit_breakers_max_pending_requests', 'circuit_breakers_max_requests', 'circuit_breakers_max_retries',
  'outlier_detection_consecutive_5xx', 'outlier_detection_interval', 'outlier_detection_base_ejection_time', 'outlier_detection_max_ejection_percent',
];

export function upstreamExtras(r: SectionReader): Pick<Expose, 'upstreamSni' | 'circuitBreakers' | 'outlierDetection'> {
  // most exposes set none of them (OpenSVC has no such keywords): nothing to build then
  if (KEYWORDS.every((kw) => r.raw(kw) === undefined)) return {};
  const upstreamSni = r.get('cluster_sni', sni);
  const breakers: CircuitBreakers = strip({
    maxConnections: r.get('circuit_breakers_max_connections', count(UINT32)),
    maxPendingRequests: r.get('circuit_breakers_max_pending_requests', count(UINT32)),
    maxRequests: r.get('circuit_breakers_max_requests', count(UINT32)),
    maxRetries: r.get('circuit_breakers_max_retries', count(UINT32)),
  });
  const outlier: OutlierDetection = strip({
    consecutive5xx: r.get('outlier_detection_consecutive_5xx', count(UINT32)),
    intervalMs: r.get('outlier_detection_interval', positiveDuration),
    baseEjectionTimeMs: r.get('outlier_detection_base_ejection_time', positiveDuration),
    maxEjectionPercent: r.get('outlier_detection_max_ejection_percent', count(100)),
  });
  const circuitBreakers = defined(breakers);
  const outlierDetection = defined(outlier);
  return {
    ...(upstreamSni !== undefined && { upstreamSni }),
    ...(circuitBreakers !== undefined && { circuitBreakers }),
    ...(outlierDetection !== undefined && { outlierDetection }),
  };
}
