// The instances of a file-source service, in one of three spellings:
//   nodes:     { n1: { ip: 10.0.0.1, status: up } }      one instance per node, its ip as ip#0
//   endpoints: [ 127.0.0.1, { ip: 127.0.0.2, status: down } ]   one instance on node `local`, ip#0..N
//   instances: { n1: { avail: up, resources: { ip#1: { type: ip.cni, status: up, info: {...} } } } }
// The first two expose every expose#N of the service (as `ip#N.expose` lists them); the third maps
// one to one to the daemon's instance status. Data sections are added to every instance, as the
// daemon publishes them on each.
import { isMap, type Node } from 'yaml';
import type { InstanceState, ResourceState } from '../types.js';
import { fail, jsValue, listItems, mapEntries, scalarValue, stringValue, type Walker } from './ast.js';
import { convert } from './keywords.js';

export interface InstanceContext {
  readonly service: string;
  readonly sections: Readonly<Record<string, ResourceState>>;
  readonly exposeRids: readonly string[];
}

const NODE_KEYS = ['ip', 'status', 'avail', 'expose'];
const INSTANCE_KEYS = ['avail', 'resources', 'scaler_slave', 'scaler_slaves'];
const RESOURCE_KEYS = ['type', 'status', 'label', 'info'];

function ipResource(ipaddr: string | null, status: string, expose: readonly string[]): ResourceState {
  return { type: 'ip', status, info: expose.length > 0 ? { ipaddr, expose: [...expose] } : { ipaddr } };
}

function exposeList(w: Walker, node: Node | null, ctx: InstanceContext): string[] {
  const converted = convert('list', jsValue(w, node));
  const list = converted.ok && Array.isArray(converted.value) ? converted.value.map(String) : [];
  for (const rid of list) if (!ctx.exposeRids.includes(rid)) fail(w, node, `${ctx.service}: expose list names "${rid}", which is not a section of this service`);
  return list;
}

function fromNodes(w: Walker, node: Node | null, ctx: InstanceContext): InstanceState[] {
  return mapEntries(w, node, `${ctx.service}: nodes`).map((entry) => {
    let ipaddr: string | null = null;
    let status = 'up';
    let avail: string | undefined;
    let expose: readonly string[] = ctx.exposeRids;
    for (const field of mapEntries(w, entry.value, `${ctx.service}: nodes.${entry.key}`)) {
      if (!NODE_KEYS.includes(field.key)) fail(w, field.pair, `${ctx.service}: nodes.${entry.key}: unknown key "${field.key}" (expected ${NODE_KEYS.join(', ')})`);
      if (field.key === 'ip') ipaddr = field.value === null ? null : stringValue(w, field.value, 'ip');
      if (field.key === 'status') status = stringValue(w, field.value, 'status');
      if (field.key === 'avail') avail = stringValue(w, field.value, 'avail');
      if (field.key === 'expose') expose = exposeList(w, field.value, ctx);
    }
    return { node: entry.key, avail: avail ?? status, resources: { ...ctx.sections, 'ip#0': ipResource(ipaddr, status, expose) } };
  });
}

function fromEndpoints(w: Walker, node: Node | null, ctx: InstanceContext): InstanceState[] {
  const resources: Record<string, ResourceState> = { ...ctx.sections };
  listItems(w, node, `${ctx.service}: endpoints`).forEach((item, i) => {
    if (!isMap(item)) {
      resources[`ip#${i}`] = ipResource(stringValue(w, item, `${ctx.service}: endpoints[${i}]`), 'up', ctx.exposeRids);
      return;
    }
    let ipaddr: string | null = null;
    let status = 'up';
    for (const field of mapEntries(w, item, `${ctx.service}: endpoints[${i}]`)) {
      if (field.key !== 'ip' && field.key !== 'status') fail(w, field.pair, `${ctx.service}: endpoints[${i}]: unknown key "${field.key}" (expected ip, status)`);
      if (field.key === 'ip') ipaddr = stringValue(w, field.value, 'ip');
      if (field.key === 'status') status = stringValue(w, field.value, 'status');
    }
    if (ipaddr === null) fail(w, item, `${ctx.service}: endpoints[${i}] needs an ip`);
    resources[`ip#${i}`] = ipResource(ipaddr, status, ctx.exposeRids);
  });
  return [{ node: 'local', avail: 'up', resources }];
}

function parseResource(w: Walker, rid: string, node: Node | null, where: string): ResourceState {
  let type: string | undefined;
  let status = 'n/a';
  let label: string | undefined;
  let info: Record<string, unknown> = {};
  for (const field of mapEntries(w, node, `${where}.${rid}`)) {
    if (!RESOURCE_KEYS.includes(field.key)) fail(w, field.pair, `${where}.${rid}: unknown key "${field.key}" (expected ${RESOURCE_KEYS.join(', ')})`);
    if (field.key === 'type') type = stringValue(w, field.value, 'type');
    if (field.key === 'status') status = stringValue(w, field.value, 'status');
    if (field.key === 'label') label = stringValue(w, field.value, 'label');
    if (field.key === 'info') {
      if (!isMap(field.value)) fail(w, field.value ?? field.pair, `${where}.${rid}.info must be a mapping`);
      info = jsValue(w, field.value) as Record<string, unknown>;
    }
  }
  if (type === undefined) fail(w, node, `${where}.${rid} needs a type (e.g. ip, ip.cni)`);
  return label === undefined ? { type, status, info } : { type, status, label, info };
}

function fromInstances(w: Walker, node: Node | null, ctx: InstanceContext): InstanceState[] {
  return mapEntries(w, node, `${ctx.service}: instances`).map((entry) => {
    const where = `${ctx.service}: instances.${entry.key}`;
    const resources: Record<string, ResourceState> = { ...ctx.sections };
    let instance: { avail?: string; scalerSlave?: boolean; scalerSlaves?: string[] } = {};
    for (const field of mapEntries(w, entry.value, where)) {
      if (!INSTANCE_KEYS.includes(field.key)) fail(w, field.pair, `${where}: unknown key "${field.key}" (expected ${INSTANCE_KEYS.join(', ')})`);
      if (field.key === 'avail') instance = { ...instance, avail: stringValue(w, field.value, 'avail') };
      if (field.key === 'scaler_slave') instance = { ...instance, scalerSlave: scalarValue(w, field.value, 'scaler_slave') === true };
      if (field.key === 'scaler_slaves') instance = { ...instance, scalerSlaves: listItems(w, field.value, 'scaler_slaves').map((n) => stringValue(w, n, 'scaler_slaves')) };
      if (field.key === 'resources') {
        for (const res of mapEntries(w, field.value, `${where}.resources`)) resources[res.key] = parseResource(w, res.key, res.value, `${where}.resources`);
      }
    }
    return { node: entry.key, ...instance, resources };
  });
}

export function parseInstances(w: Walker, entry: { key: string; value: Node | null } | undefined, ctx: InstanceContext): InstanceState[] {
  const instances =
    entry === undefined
      ? [{ node: 'local', avail: 'up', resources: { ...ctx.sections } }]
      : entry.key === 'nodes'
        ? fromNodes(w, entry.value, ctx)
        : entry.key === 'endpoints'
          ? fromEndpoints(w, entry.value, ctx)
          : fromInstances(w, entry.value, ctx);
  return instances.sort((a, b) => (a.node < b.node ? -1 : a.node > b.node ? 1 : 0));
}
