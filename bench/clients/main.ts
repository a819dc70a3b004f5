// The clients process of the bench (forked by bench/harness/clients.ts): delta ADS clients, each on
// its own HTTP/2 connection to the server under test, driven over IPC (protocol.ts). It reports when
// newly opened clients hold everything and when every client meets an armed expectation.
import { claEndpoints, claEndpointsOf, hasEndpoint } from './resources.js';
import { openDeltaClient, type ClientEvents, type DeltaClient, type Short } from './delta-client.js';
import type { Expectation, ExpectItem, FromClients, Minimum, ToClients } from './protocol.js';

const clients: DeltaClient[] = [];

const reply = (message: FromClients): void => void process.send?.(message);

// ---- expectations: per id, per client, the items still unmet
interface Armed {
  readonly expectation: Expectation;
  /** client id → indexes of its unmet items */
  readonly unmet: Map<number, Set<number>>;
  readonly times: Map<number, number>;
}
const armed = new Map<number, Armed>();
/** CLA name → expectation ids with an endpoint item on it; route markers are few and scanned. */
const byCla = new Map<string, Set<number>>();
const withRoutes = new Set<number>();

const markerMemo = new Map<string, boolean>();

/** Whether a RouteConfiguration carries the marker, scanned once per (name, version) for all clients. */
function carries(name: string, version: string, bytes: Uint8Array, marker: string): boolean {
  const key = `${name}\0${version}\0${marker}`;
  let found = markerMemo.get(key);
  if (found === undefined) {
    if (markerMemo.size > 100_000) markerMemo.clear();
    found = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).includes(marker);
    markerMemo.set(key, found);
  }
  return found;
}

function itemMet(item: ExpectItem, type: Short, name: string, version: string, bytes: Uint8Array): boolean {
  if (item.kind === 'endpoint') return type === 'eds' && name === item.name && hasEndpoint(claEndpointsOf(name, version, bytes), item.address, item.health);
  return type === 'rds' && carries(name, version, bytes, item.marker);
}

function arm(expectations: readonly Expectation[]): void {
  for (const expectation of expectations) {
    const unmet = new Map<number, Set<number>>();
    for (const c of clients) unmet.set(c.id, new Set(expectation.items.map((_, i) => i)));
    armed.set(expectation.id, { expectation, unmet, times: new Map() });
    for (const item of expectation.items) {
      if (item.kind === 'route') withRoutes.add(expectation.id);
      else byCla.set(item.name, (byCla.get(item.name) ?? new Set()).add(expectation.id));
    }
  }
}

function settle(id: number): void {
  const a = armed.get(id);
  if (!a) return;
  armed.delete(id);
  withRoutes.delete(id);
  for (const item of a.expectation.items) if (item.kind === 'endpoint') byCla.get(item.name)?.delete(id);
  reply({ kind: 'reached', id, times: clients.map((c) => a.times.get(c.id) ?? NaN) });
}

function check(client: DeltaClient, type: Short, name: string, version: string, bytes: Uint8Array, at: number): void {
  const ids = type === 'eds' ? byCla.get(name) : type === 'rds' ? withRoutes : undefined;
  if (!ids || ids.size === 0) return;
  for (const id of [...ids]) {
    const a = armed.get(id);
    const unmet = a?.unmet.get(client.id);
    if (!a || !unmet || unmet.size === 0) continue;
    for (const i of [...unmet]) {
      const item = a.expectation.items[i];
      if (item && itemMet(item, type, name, version, bytes)) unmet.delete(i);
    }
    if (unmet.size > 0) continue;
    a.times.set(client.id, at);
    if (a.times.size === a.unmet.size) settle(id);
  }
}

// ---- opening clients: one batch at a time
interface Opening {
  readonly ids: Set<number>;
  readonly first: Map<number, number>;
  readonly complete: Map<number, number>;
}
let opening: Opening | undefined;

const events: ClientEvents = {
  onResource: check,
  onFirstResponse(client, at) {
    opening?.first.set(client.id, at);
  },
  onComplete(client, at) {
    if (!opening?.ids.has(client.id)) return;
    opening.complete.set(client.id, at);
    if (opening.complete.size < opening.ids.size) return;
    const done = opening;
    opening = undefined;
    const ids = [...done.ids];
    reply({ kind: 'opened', firstResponse: ids.map((i) => done.first.get(i) ?? NaN), complete: ids.map((i) => done.complete.get(i) ?? NaN) });
  },
};

function open(target: string, count: number, minimum: Minimum): void {
  const batch: Opening = { ids: new Set(), first: new Map(), complete: new Map() };
  opening = batch;
  for (let i = 0; i < count; i++) {
    const id = clients.length;
    batch.ids.add(id);
    clients.push(openDeltaClient(target, id, minimum, events));
  }
}

function dump(): Record<string, string[]>[] {
  return clients.map((c) => {
    const out: Record<string, string[]> = {};
    for (const [name, held] of c.held.eds) out[name] = held.bytes ? claEndpoints(held.bytes) : [];
    return out;
  });
}

process.on('message', (message: ToClients) => {
  switch (message.kind) {
    case 'open':
      return open(message.target, message.count, message.minimum);
    case 'arm':
      arm(message.expectations);
      return reply({ kind: 'armed', count: message.expectations.length });
    case 'dump':
      return reply({ kind: 'dump', clients: dump() });
    case 'status':
      return reply({ kind: 'status', clients: clients.map((c) => c.status()) });
    case 'exit':
      for (const c of clients) c.close();
      process.exit(0);
  }
});
process.on('disconnect', () => process.exit(0));
reply({ kind: 'ready' });
