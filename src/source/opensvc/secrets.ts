// Reading a secret object's keys (`get_secret_key`, reference §5): one request per key asked for
// (the daemon answers one key at a time), only the keys the caller needs. Values never reach a log
// line or an error message: errors name the secret path and key and quote only the daemon's error.
import type { SecretKey, SecretValues } from '../types.js';
import { field, isObject } from './json.js';
import type { RequestOptions } from './transport.js';

export type Requester = (body: { action: string; options?: unknown }, options: RequestOptions) => Promise<unknown>;

type KeyOutcome = { readonly value?: string } | { readonly error: string };

/** The daemon's error text, cut short and on one line (it never carries the values we asked for). */
export function daemonError(reply: unknown): string {
  const error = field(reply, 'error');
  const text = typeof error === 'string' ? error : 'no error text';
  return text.replace(/\s+/g, ' ').slice(0, 200);
}

async function readKey(request: Requester, path: string, key: SecretKey, timeoutMs: number): Promise<KeyOutcome> {
  let reply: unknown;
  try {
    reply = await request({ action: 'get_secret_key', options: { path, key } }, { timeoutMs });
  } catch (err) {
    return { error: `key ${key}: ${err instanceof Error ? err.message : String(err)}` };
  }
  if (!isObject(reply)) return { error: `key ${key}: reply is not an object` };
  if (reply['status'] === 0) {
    const data = reply['data'];
    if (data === null || data === undefined) return {};
    if (typeof data === 'string') return { value: data };
    return { error: `key ${key}: reply data is not text` };
  }
  const error = daemonError(reply);
  // "secret <path> key <key> does not exist or has no value": an absent key, which is fine.
  if (/does not exist or has no value/.test(error)) return {};
  // a KeyError on the path: the object is not known to this node
  const hint = error === `'${path}'` ? ' (not known to this node?)' : '';
  return { error: `key ${key}: status ${String(reply['status'])}: ${error}${hint}` };
}

/** The `keys` of `path`, fetched in parallel. Rejects, naming the secret and the key, when one cannot be read. */
export async function fetchSecret(request: Requester, path: string, keys: readonly SecretKey[], timeoutMs: number): Promise<SecretValues> {
  const wanted = [...new Set(keys)];
  const outcomes = await Promise.all(wanted.map((key) => readKey(request, path, key, timeoutMs)));
  const values: Partial<Record<SecretKey, string>> = {};
  const errors: string[] = [];
  wanted.forEach((key, i) => {
    const outcome = outcomes[i];
    if (!outcome) return;
    if ('error' in outcome) errors.push(outcome.error);
    else if (outcome.value !== undefined) values[key] = outcome.value;
  });
  if (errors.length > 0) throw new Error(`secret ${path} cannot be read: ${errors[0]}`);
  return values;
}
