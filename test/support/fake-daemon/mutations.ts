// How the stand-in daemon's status reacts to the commands it serves, the way the recordings show the
// real one react: `set --kw <rid>.listener_port=N` (patch 65) and a secret key change (patch 60).
import { createHash, randomUUID } from 'node:crypto';
import { isObject, type Json } from '../../../src/source/opensvc/json.js';

type Mutable = Record<string, unknown>;

function obj(value: unknown): Mutable | undefined {
  return isObject(value) ? (value as Mutable) : undefined;
}

function nodesOf(status: Mutable): [string, Mutable][] {
  const nodes = obj(obj(status['monitor'])?.['nodes']);
  if (!nodes) return [];
  return Object.entries(nodes).flatMap(([name, node]) => (obj(node) ? [[name, node as Mutable]] : []));
}

function newCsum(): string {
  return createHash('md5').update(randomUUID()).digest('hex');
}

/** A new status where `<rid>.listener_port=<n>` keywords are applied to every instance of `path`. */
export function applyKeywords(current: Json, path: string, kws: readonly string[], now: number): Json {
  const status = structuredClone(current) as Mutable;
  for (const kw of kws) {
    const match = /^([^.=]+)\.listener_port=([0-9]+)$/.exec(kw);
    if (!match) continue;
    const [, rid, value] = match as unknown as [string, string, string];
    for (const [, node] of nodesOf(status)) setListenerPort(node, path, rid, Number(value), now);
  }
  return status as Json;
}

function setListenerPort(node: Mutable, path: string, rid: string, port: number, now: number): void {
  const services = obj(node['services']);
  const instance = obj(obj(services?.['status'])?.[path]);
  const resource = obj(obj(instance?.['resources'])?.[rid]);
  if (!instance || !resource) return;
  instance['updated'] = now;
  const info = obj(resource['info']) ?? {};
  info['listener_port'] = port;
  resource['info'] = info;
  if (resource['type'] === 'expose.envoy') {
    const addr = typeof info['listener_addr'] === 'string' ? info['listener_addr'] : '0.0.0.0';
    resource['label'] = `envoy expose ${String(info['port'])}/${String(info['protocol'] ?? 'tcp')} via ${addr}:${port}`;
  }
  instance['csum'] = newCsum();
  touchConfig(services, path, now);
}

function touchConfig(services: Mutable | undefined, path: string, now: number): void {
  const config = obj(obj(services?.['config'])?.[path]);
  if (!config) return;
  config['updated'] = now;
  config['csum'] = newCsum();
}

/** A new status showing that the secret object `path` was rewritten (created when unknown). */
export function touchSecret(current: Json, path: string, now: number): Json {
  const status = structuredClone(current) as Mutable;
  const nodes = nodesOf(status);
  const known = nodes.some(([, node]) => obj(obj(obj(node['services'])?.['config'])?.[path]));
  for (const [name, node] of nodes) {
    const services = obj(node['services']) ?? {};
    node['services'] = services;
    const statuses = obj(services['status']) ?? {};
    const configs = obj(services['config']) ?? {};
    services['status'] = statuses;
    services['config'] = configs;
    if (!known) {
      statuses[path] = { updated: now, kind: 'sec', csum: newCsum(), monitor: { status: 'idle', placement: '' } };
      configs[path] = { updated: now, csum: newCsum(), scope: [name] };
      continue;
    }
    const instance = obj(statuses[path]);
    if (instance) instance['updated'] = now;
    touchConfig(services, path, now);
  }
  const monitor = obj(status['monitor']);
  const aggregated = obj(monitor?.['services']);
  if (aggregated && !known) aggregated[path] = {};
  return status as Json;
}
