// Persisting an allocated listener port (reference §6): `service_action set --kw <rid>.listener_port=<n>`.
// The Python janitor's `cmd` list form answers status 500 on 2.1; this is the form that works.
// The daemon answers status 0 even when the command failed: `data.ret` says. No retry here.
import { field, isObject } from './json.js';
import { daemonError, type Requester } from './secrets.js';

export function listenerPortRequest(path: string, rid: string, port: number) {
  return {
    action: 'service_action',
    options: { path, action: 'set', options: { kw: [`${rid}.listener_port=${port}`] }, sync: true },
  };
}

export async function writeListenerPort(
  request: Requester,
  path: string,
  rid: string,
  port: number,
  timeoutMs: number,
): Promise<void> {
  const what = `listener_port write-back ${path} ${rid}.listener_port=${port}`;
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`${what}: port out of range`);
  if (!/^[A-Za-z0-9_]+#[A-Za-z0-9_.-]+$/.test(rid)) throw new Error(`${what}: not a resource id`);
  const reply = await request(listenerPortRequest(path, rid, port), { timeoutMs });
  if (!isObject(reply)) throw new Error(`${what}: reply is not an object`);
  const status = reply['status'];
  if (status !== 0) throw new Error(`${what}: status ${String(status)}: ${daemonError(reply)}`);
  const data = reply['data'];
  const ret = field(data, 'ret');
  if (ret === 0) return;
  const err = field(data, 'err');
  const text = typeof err === 'string' && err.trim() !== '' ? err.replace(/\s+/g, ' ').slice(0, 200) : 'no error text';
  throw new Error(`${what}: status 0 ret ${String(ret)}: ${text}`);
}
