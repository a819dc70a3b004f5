// Route actions of cluster files only (OpenSVC's route driver has no such keywords):
// `direct_response_status` / `direct_response_body` (Envoy answers itself, e.g. 403 for the paths
// no other route takes) and `route_weighted_clusters` (a traffic split between services).
import { parseList } from './keywords.js';
import { splitPath } from './names.js';
import { accept, refuse, show, type Parsed } from './problems.js';
import type { SectionReader } from './scope.js';
import type { RouteAction } from './types.js';

function status(v: unknown): Parsed<number> {
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\s*\d+\s*$/.test(v) ? Number(v) : Number.NaN;
  if (!Number.isInteger(n)) return refuse('InvalidValue', `${show(v)} is not an HTTP status code.`);
  return n >= 200 && n <= 599 ? accept(n) : refuse('OutOfRange', `${show(v)} is out of range: an HTTP status from 200 to 599.`);
}

function body(v: unknown): Parsed<string> {
  if (typeof v !== 'string') return refuse('InvalidType', `must be text, not ${show(v)}.`);
  const bytes = Buffer.byteLength(v);
  return bytes <= 4096 ? accept(v) : refuse('OutOfRange', `is ${bytes} bytes long; Envoy takes direct response bodies up to 4096 bytes.`);
}

export function parseDirect(r: SectionReader): Extract<RouteAction, { kind: 'direct' }> | undefined {
  if (r.raw('direct_response_status') === undefined) {
    r.report('direct_response_status', 'MissingKeyword', 'direct_response_body needs direct_response_status (the HTTP status Envoy answers with).');
    return undefined;
  }
  const code = r.get('direct_response_status', status);
  const text = r.get('direct_response_body', body);
  return code === undefined ? undefined : { kind: 'direct', status: code, ...(text !== undefined && { body: text }) };
}

/**
 * `route_weighted_clusters`: `<cluster>=<weight>` entries (a list, or words), each cluster a cluster
 * of the service's own namespace (`<namespace>/svc/<name>.<expose rid>`): a tenant is a namespace,
 * and a split may not send one tenant's traffic to another's backends. Weights add up above 0.
 */
export function parseWeightedClusters(value: unknown, namespace: string): Parsed<{ name: string; weight: number }[]> {
  const list = parseList(value);
  const words = list.ok ? list.value : [];
  if (words.length === 0) return refuse('InvalidType', `must be a list of <cluster>=<weight>, not ${show(value)}.`);
  const out: { name: string; weight: number }[] = [];
  for (const word of words) {
    const m = /^(.+)=(\d+)$/.exec(word.trim());
    if (m === null) return refuse('InvalidValue', `has ${show(word)}, not <cluster>=<weight> (e.g. ${namespace}/svc/web.expose#0=90).`);
    const name = m[1] ?? '';
    const service = name.includes('.') ? name.slice(0, name.indexOf('.')) : '';
    const owner = splitPath(service);
    if (service === '' || owner.kind !== 'svc' || owner.namespace !== namespace) {
      return refuse('InvalidValue', `names ${show(name)}, which is not a cluster of namespace ${namespace} (<namespace>/svc/<name>.<expose rid>): a split may only send traffic to clusters of the service's own namespace.`);
    }
    if (out.some((c) => c.name === name)) return refuse('InvalidValue', `names ${show(name)} twice.`);
    out.push({ name, weight: Number(m[2]) });
  }
  return out.reduce((t, c) => t + c.weight, 0) > 0 ? accept(out) : refuse('InvalidValue', 'has weights adding up to 0: at least one cluster needs a weight above 0.');
}
