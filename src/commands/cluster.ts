// The cluster read once, for `xds check` and `xds translate`: a cluster file parsed as the file
// source parses it, or the OpenSVC daemon's status asked once over its socket as the OpenSVC source
// asks it (daemon_status, then get_secret_key per secret; no events subscription, nothing written).
import { SECRET_KEYS } from '../source/types.js';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { ClusterOptions } from '../config.js';
import { parseCluster, type FileProblem } from '../source/file/cluster.js';
import { readSecret } from '../source/file/secrets.js';
import { resolveSocketPath } from '../source/opensvc/index.js';
import { field, isObject, type Json } from '../source/opensvc/json.js';
import { fetchSecret } from '../source/opensvc/secrets.js';
import { deriveClusterState } from '../source/opensvc/state.js';
import { request } from '../source/opensvc/transport.js';
import type { ClusterState, SecretValues } from '../source/types.js';

export interface LoadedCluster {
  readonly state: ClusterState;
  /** Where it came from, for the reports: `file:PATH` or `opensvc:SOCKET`. */
  readonly origin: string;
  getSecret(path: string): Promise<SecretValues>;
}

export type LoadResult =
  | { readonly ok: true; readonly cluster: LoadedCluster }
  /** The cluster file is refused (a problem of the input: exit 1). */
  | { readonly ok: false; readonly origin: string; readonly fileProblem: FileProblem }
  /** The input cannot be read at all (exit 2). */
  | { readonly ok: false; readonly origin: string; readonly error: string };

const REQUEST_TIMEOUT_MS = 10_000;

async function loadFile(file: string): Promise<LoadResult> {
  const origin = `file:${file}`;
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = error instanceof Error && 'code' in error ? String(error.code) : String(error);
    return { ok: false, origin, error: `--source ${origin}: cannot read the file (${code})` };
  }
  const parsed = parseCluster(text, path.dirname(path.resolve(file)));
  if (!parsed.ok) return { ok: false, origin, fileProblem: parsed.problem };
  const { secrets, state } = parsed.cluster;
  return {
    ok: true,
    cluster: {
      state,
      origin,
      getSecret(p) {
        const spec = secrets.get(p);
        return spec ? readSecret(spec) : Promise.reject(new Error(`secret ${p} is not in the cluster file`));
      },
    },
  };
}

async function loadOpenSvc(socketPath: string): Promise<LoadResult> {
  const origin = `opensvc:${socketPath}`;
  const send = (body: { action: string; options?: unknown }, options: { timeoutMs: number }) => request(socketPath, body, options);
  let reply: unknown;
  try {
    reply = await send({ action: 'daemon_status', options: {} }, { timeoutMs: REQUEST_TIMEOUT_MS });
  } catch (error) {
    return { ok: false, origin, error: error instanceof Error ? error.message : String(error) };
  }
  if (!isObject(field(reply, 'monitor'))) return { ok: false, origin, error: `opensvc daemon_status on ${socketPath}: not a daemon status (status ${String(field(reply, 'status'))})` };
  return {
    ok: true,
    cluster: { state: deriveClusterState(reply as Json), origin, getSecret: (p) => fetchSecret(send, p, SECRET_KEYS, REQUEST_TIMEOUT_MS) },
  };
}

export function loadCluster(options: ClusterOptions, env: NodeJS.ProcessEnv): Promise<LoadResult> {
  if (options.source.kind === 'file') return loadFile(options.source.path);
  return loadOpenSvc(resolveSocketPath(options.socket, env, existsSync));
}
