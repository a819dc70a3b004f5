// Drive the open-streams child process from a test: start it, wait for its streams to be served,
// close them, wait for them to end.
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';

export interface StreamsChild {
  readonly child: ChildProcess;
  /** Resolves once every stream got its first response. */
  readonly ready: Promise<void>;
  /** Resolves once every stream ended: how many ended with each gRPC status code. */
  readonly ended: Promise<Record<string, number>>;
  /** Cancel every stream. */
  close(): void;
  kill(): void;
}

export function openStreams(target: string, count: number, perConnection = 100): StreamsChild {
  const child = fork(path.join(import.meta.dirname, 'open-streams.ts'), [target, String(count), String(perConnection)], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, GRPC_VERBOSITY: 'NONE' },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const message = <T>(key: string): Promise<T> =>
    new Promise((resolve, reject) => {
      child.on('message', (m: Record<string, unknown>) => key in m && resolve(m[key] as T));
      child.once('exit', (code) => reject(new Error(`the streams child exited (${String(code)}) before '${key}'`)));
    });
  const ready = message<number>('ready').then(() => undefined);
  const ended = message<Record<string, number>>('ended');
  ready.catch(() => undefined);
  ended.catch(() => undefined);
  return { child, ready, ended, close: () => child.send('close'), kill: () => child.kill('SIGKILL') };
}

/** A deadline that only guards against a hang: rejects with `what` when `promise` takes longer. */
export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms)));
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}
