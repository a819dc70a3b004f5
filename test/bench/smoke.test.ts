// The bench must not rot: its smallest scenario runs end to end (stand-in daemon, the janitor's
// real CLI and the baseline server as child processes, delta clients in another process), and
// every client must end up holding exactly the endpoints the changes lead to. No timing is
// asserted. The expected endpoints are computed here from the documented layout of the synthetic
// cluster (bench/daemon/cluster.ts), not with the bench's own code.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');

interface Change {
  service: number;
  node: string;
  address?: string;
  status?: 'down';
}

interface Report {
  options: { services: number; clients: number };
  runs: { server: string; values: Record<string, unknown>; notes: string[]; details: { changes: Change[]; held: Record<string, string[]>[] } }[];
}

/** CLA name → sorted `address:port:HEALTH`: service k has ip 10.<node index>.<k/256>.<k%256> on n1 and n2, up. */
function expected(services: number, changes: readonly Change[]): Record<string, string[]> {
  const nodes = ['n1', 'n2'];
  const out: Record<string, string[]> = {};
  for (let k = 0; k < services; k++) {
    const instances = nodes.map((node, j) => ({ node, address: `10.${j}.${k >> 8}.${k & 255}`, health: 'HEALTHY' }));
    for (const c of changes.filter((x) => x.service === k)) {
      const inst = instances.find((i) => i.node === c.node);
      if (!inst) throw new Error(`unknown node ${c.node}`);
      if (c.address) inst.address = c.address;
      if (c.status === 'down') inst.health = 'UNHEALTHY';
    }
    for (const [rid, port] of [['expose#0', 5432], ['expose#1', 8443]] as const) {
      out[`bench/svc/s${k}.${rid}`] = instances.map((i) => `${i.address}:${port}:${i.health}`).sort();
    }
  }
  return out;
}

describe('bench smoke scenario', () => {
  it('ends with every client of the janitor and of the baseline holding exactly the expected endpoints', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'bench/run.ts', 'smoke', '--runs', '1', '--json', '--timeout', '60'], {
      cwd: ROOT,
      maxBuffer: 64 * 1024 * 1024,
    });
    const report = JSON.parse(stdout) as Report;
    expect(report.runs.map((r) => r.server).sort()).toEqual(['baseline', 'janitor']);
    for (const run of report.runs) {
      const { changes, held } = run.details;
      expect(changes).toHaveLength(3);
      expect(changes.some((c) => c.status === 'down')).toBe(true);
      for (const c of changes.filter((x) => x.address)) expect(c.address).not.toMatch(/^10\.[01]\./);
      expect(held).toHaveLength(report.options.clients);
      const want = expected(report.options.services, changes);
      for (const client of held) expect(client).toEqual(want);
      expect(run.values['smoke.wrong']).toBe(0);
    }
  }, 180_000);
});
