// Replies of the stand-in daemon, shaped like OpenSVC 2.1's raw-socket handlers (reference §1.3-§1.4,
// §5, §6; checked against fixtures/opensvc-v2.1 in test/source/opensvc/fake-daemon.test.ts).
import { dig, field, isArray, isObject, type Json, type JsonObject } from '../../../src/source/opensvc/json.js';

export interface ActionFailure {
  readonly status?: number;
  readonly ret?: number;
  readonly err?: string;
}

export interface DaemonData {
  status: Json;
  readonly secrets: Map<string, Map<string, string>>;
}

const TRACEBACK = 'Traceback (most recent call last):\n  File "<stand-in>", line 1, in action\n';

/** The options' object path: `path`, `svcpath` or `svcname`, first found (BaseHandler.parse_options). */
export function optionPath(options: Json | undefined): string | undefined {
  for (const key of ['path', 'svcpath', 'svcname']) {
    const value = field(options, key);
    if (typeof value === 'string') return value;
  }
  return undefined;
}

/** Generic router errors, or undefined when the request is routable. */
export function routingError(request: unknown, known: readonly string[]): JsonObject | undefined {
  if (!isObject(request)) return { error: 'invalid data format', status: 1 };
  const action = request['action'];
  if (typeof action !== 'string' || action === '') return { error: 'action not specified', status: 1 };
  if (!known.includes(action.replace(/^\/+/, ''))) {
    return { status: 501, error: `handler None ${action} is not supported` };
  }
  return undefined;
}

export function getSecretKey(data: DaemonData, options: Json | undefined): JsonObject {
  const path = optionPath(options);
  const key = field(options, 'key');
  if (path === undefined || typeof key !== 'string') return { status: 400, error: 'required options path and key' };
  const secret = data.secrets.get(path);
  if (!secret) return { status: 1, error: `'${path}'`, traceback: `${TRACEBACK}KeyError: '${path}'\n` };
  const value = secret.get(key);
  if (value === undefined) return { status: 1, error: `secret ${path} key ${key} does not exist or has no value` };
  return { status: 0, data: value };
}

/** Object paths with an instance on some node (the daemon answers 404 for others). */
export function installed(status: Json, path: string): boolean {
  const nodes = dig(status, ['monitor', 'nodes']);
  if (!isObject(nodes)) return false;
  return Object.values(nodes).some((node) => dig(node, ['services', 'status', path]) !== undefined);
}

export type ActionOutcome = { readonly reply: JsonObject; readonly kw: readonly string[] };

export function serviceAction(status: Json, options: Json | undefined, failure: ActionFailure | undefined): ActionOutcome {
  const none: readonly string[] = [];
  if (field(options, 'cmd') !== undefined) {
    // 2.1 wraps the list in a list and " ".join() fails on it (reference §6; recorded live as status 500).
    const error = 'sequence item 0: expected str instance, list found';
    return { reply: { status: 500, error, traceback: `${TRACEBACK}TypeError: ${error}\n` }, kw: none };
  }
  const path = optionPath(options);
  if (path === undefined) return { reply: { status: 400, error: 'required option path is not set' }, kw: none };
  if (typeof field(options, 'action') !== 'string') return { reply: { status: 400, error: 'action not set' }, kw: none };
  if (!installed(status, path)) return { reply: { status: 404, error: `${path} not found` }, kw: none };
  if (failure?.status !== undefined && failure.status !== 0) {
    return { reply: { status: failure.status, error: failure.err ?? 'failed' }, kw: none };
  }
  if (failure) return { reply: { status: 0, data: { out: '', err: failure.err ?? '', ret: failure.ret ?? 1 } }, kw: none };
  const kw = dig(options, ['options', 'kw']);
  const kws = isArray(kw) ? kw.filter((k): k is string => typeof k === 'string') : [];
  return { reply: { status: 0, data: { out: '', err: '', ret: 0 } }, kw: field(options, 'action') === 'set' ? kws : none };
}

function selects(selector: string, path: string): boolean {
  return selector.split(',').some((glob) => {
    const pattern = glob.trim().replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
    return pattern !== '' && new RegExp(`^${pattern}$`).test(path);
  });
}

function keep(entries: Json | undefined, selector: string): Json | undefined {
  if (!isObject(entries)) return entries;
  return Object.fromEntries(Object.entries(entries).filter(([path]) => selects(selector, path)));
}

/**
 * daemon_status with a `selector` (globs, comma separated): like filter_daemon_status, the instance
 * status, config and monitor.services entries of unselected object paths are left out. The janitor's
 * probe asks with a selector that matches nothing, to keep the reply small.
 */
export function selectStatus(status: Json, options: Json | undefined): Json {
  const selector = field(options, 'selector');
  const monitor = field(status, 'monitor');
  if (typeof selector !== 'string' || selector === '' || !isObject(status) || !isObject(monitor)) return status;
  const nodes = field(monitor, 'nodes');
  const filteredNodes = !isObject(nodes) ? nodes : Object.fromEntries(Object.entries(nodes).map(([name, node]) => {
    const services = field(node, 'services');
    if (!isObject(node) || !isObject(services)) return [name, node];
    return [name, { ...node, services: { ...services, status: keep(services['status'], selector), config: keep(services['config'], selector) } }];
  }));
  return { ...status, monitor: { ...monitor, nodes: filteredNodes as Json, services: keep(monitor['services'], selector) as Json } };
}
