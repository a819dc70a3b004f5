// The bench's side of the clients process: fork it, open clients, arm expectations, wait for
// answers with deadlines (a deadline that passes is a "timeout" figure, never a hang).
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ClientStatus, Expectation, FromClients, Minimum, ToClients } from '../clients/protocol.js';

const MAIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../clients/main.ts');

export class Timeout extends Error {}

export interface Opened {
  readonly firstResponse: number[];
  readonly complete: number[];
}

export interface ClientsProcess {
  readonly pid: number;
  open(target: string, count: number, minimum: Minimum, timeoutMs: number): Promise<Opened>;
  arm(expectations: readonly Expectation[]): Promise<void>;
  /** Per client time (ms, monotonic) at which expectation `id` was met; rejects with Timeout. */
  reached(id: number, timeoutMs: number): Promise<number[]>;
  dump(): Promise<Record<string, string[]>[]>;
  status(): Promise<ClientStatus[]>;
  close(): Promise<void>;
}

type Kind = FromClients['kind'];
type Of<K extends Kind> = Extract<FromClients, { kind: K }>;

/** Fork the clients process and wait until it is loaded (before the server: its start-up is not measured). */
export async function startClients(): Promise<ClientsProcess> {
  const child: ChildProcess = fork(MAIN, [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const reached = new Map<number, number[]>();
  const waiters = new Map<string, (m: FromClients) => void>();
  let exited: string | undefined;
  const fail = new Set<(why: string) => void>();
  child.on('exit', (code, signal) => {
    exited = `clients process exited (${signal ?? code})`;
    for (const f of fail) f(exited);
  });
  child.on('message', (m: FromClients) => {
    if (m.kind === 'reached') reached.set(m.id, m.times);
    const key = m.kind === 'reached' ? `reached:${m.id}` : m.kind;
    const w = waiters.get(key);
    if (w) {
      waiters.delete(key);
      w(m);
    }
  });

  function next<K extends Kind>(key: string, timeoutMs: number, what: string): Promise<Of<K>> {
    return new Promise((resolve, reject) => {
      if (exited) return reject(new Error(exited));
      const timer = setTimeout(() => {
        waiters.delete(key);
        fail.delete(onExit);
        reject(new Timeout(`${what}: no answer within ${timeoutMs} ms`));
      }, timeoutMs);
      const onExit = (why: string): void => {
        clearTimeout(timer);
        reject(new Error(why));
      };
      fail.add(onExit);
      waiters.set(key, (m) => {
        clearTimeout(timer);
        fail.delete(onExit);
        resolve(m as Of<K>);
      });
    });
  }

  const send = (message: ToClients): void => void child.send(message);
  const ASK_MS = 60_000;
  await next<'ready'>('ready', ASK_MS, 'clients process start');

  return {
    pid: child.pid ?? 0,
    async open(target, count, minimum, timeoutMs) {
      const answer = next<'opened'>('opened', timeoutMs, `${count} clients holding everything`);
      send({ kind: 'open', target, count, minimum });
      return answer;
    },
    async arm(expectations) {
      const answer = next<'armed'>('armed', ASK_MS, 'arming');
      send({ kind: 'arm', expectations });
      await answer;
    },
    async reached(id, timeoutMs) {
      const known = reached.get(id);
      if (known) return known;
      return (await next<'reached'>(`reached:${id}`, timeoutMs, `expectation ${id}`)).times;
    },
    async dump() {
      const answer = next<'dump'>('dump', ASK_MS, 'dump');
      send({ kind: 'dump' });
      return (await answer).clients;
    },
    async status() {
      const answer = next<'status'>('status', ASK_MS, 'status');
      send({ kind: 'status' });
      return (await answer).clients;
    },
    async close() {
      if (exited) return;
      const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      send({ kind: 'exit' });
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await gone;
      clearTimeout(timer);
    },
  };
}
