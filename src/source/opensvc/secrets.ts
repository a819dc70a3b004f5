// Reading a secret object's keys (`get_secret_key`, reference §5). Values never reach a log line or
// an error message: errors name the secret path and key and quote only the daemon's error text.
import { SECRET_KEYS, type SecretValues } from '../types.js';
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

async function readKey(request: Requester, path: string, key: string, timeoutMs: number): Promise<KeyOutcome> {
  const reply = await request({ action: 'get_secret_key', options: { path, key } }, { timeoutMs });
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
  return { error: `key ${key}: status ${String(reply['status'])}: ${error}` };
}

/** All janitor keys of `path`, fetched in parallel. Rejects when the object cannot be read. */
export async function fetchSecret(request: Requester, path: string, timeoutMs: number): Promise<SecretValues> {
  let outcomes: KeyOutcome[];
  try {
    outcomes = await Promise.all(SECRET_KEYS.map((key) => readKey(request, path, key, timeoutMs)));
  } catch (err) {
    throw new Error(`secret ${path} cannot be read: ${err instanceof Error ? err.message : String(err)}`);
  }
  const values: Record<string, string> = {};
  const errors: string[] = [];
  SECRET_KEYS.forEach((key, i) => {
    const outcome = outcomes[i];
    if (!outcome) return;
    if ('error' in outcome) errors.push(outcome.error);
    else if (outcome.value !== undefined) values[key] = outcome.value;
  });
  if (errors.length > 0) throw new Error(`secret ${path} cannot be read (is it known to this node?): ${errors[0]}`);
  return values;
}
