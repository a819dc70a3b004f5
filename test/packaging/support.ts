// Shared by the packaging tests: the repository root, its package.json, and child processes run
// to completion with a deadline (a guard against a hang, not a timing assertion).
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '../..');

export interface PackageJson {
  readonly name: string;
  readonly version: string;
  readonly license: string;
}

export function packageJson(dir = ROOT): PackageJson {
  return JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as PackageJson;
}

export interface Ran {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Run a command to its end; throws with its output when it fails and `check` is set. */
export function run(command: string, args: readonly string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number; check?: boolean } = {}): Ran {
  const r = spawnSync(command, args, {
    cwd: opts.cwd ?? ROOT,
    env: { ...process.env, GRPC_VERBOSITY: 'NONE', ...opts.env },
    encoding: 'utf8',
    timeout: opts.timeoutMs ?? 60_000,
  });
  const ran = { status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
  if (opts.check && r.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} exited ${String(r.status)} ${r.error?.message ?? ''}\n${ran.stdout.slice(-2000)}\n${ran.stderr.slice(-2000)}`);
  }
  return ran;
}

/** npm, offline first: the scratch installs take their tarballs from the cache `npm ci` filled. */
export function npm(args: readonly string[], cwd: string, timeoutMs = 120_000): Ran {
  return run('npm', [...args], { cwd, timeoutMs, check: true, env: { npm_config_prefer_offline: 'true', npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' } });
}
