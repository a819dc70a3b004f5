// Running the real CLI (`node --import tsx src/cli.ts ...`) to its end, and the cluster files the
// command tests share.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { spawnCli } from '../e2e/support.js';

export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export async function runCli(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  const child = spawnCli(args, { env });
  const { code } = await child.exit;
  return { code, stdout: child.stdout(), stderr: child.stderr() };
}

export function writeCluster(text: string): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'xds-cmd-')), 'cluster.yaml');
  writeFileSync(file, text);
  return file;
}

/** A valid service, an invalid one (a bad route_timeout), and a conflict (two TCP exposes on one port). */
export const MIXED = `services:
  demo/svc/web:
    endpoints: [127.0.0.1]
    expose#0: { port: 8080, listener_port: 10080, vhosts: [vhost#0] }
    vhost#0: { domains: [web.demo.test], routes: [route#0] }
    route#0: { match_prefix: / }
  demo/svc/broken:
    endpoints: [127.0.0.2]
    expose#0: { port: 8080, listener_port: 10081, vhosts: [vhost#0] }
    vhost#0: { domains: [broken.demo.test], routes: [route#0] }
    route#0: { match_prefix: /, route_timeout: 3x }
  demo/svc/cache:
    endpoints: [127.0.0.1]
    expose#0: { port: 6379, listener_port: 16379 }
  demo/svc/cache2:
    endpoints: [127.0.0.3]
    expose#0: { port: 6379, listener_port: 16379 }
`;
