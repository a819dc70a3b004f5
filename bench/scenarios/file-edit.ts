// The file source: the janitor serves a copy of examples/cluster.yaml; the file is edited (an
// endpoint address of demo/svc/cache; half written in place, half saved by rename as editors do)
// and the time from the write to the client decoding the new ClusterLoadAssignment is measured.
import { cpSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { monotonicMs } from '../daemon/standin.js';
import { startClients, Timeout } from '../harness/clients.js';
import { ROOT, startServer } from '../harness/server.js';
import { changeId, q } from './changes.js';
import type { Scenario } from './types.js';

/** chokidar's per-file throttle is 50 ms: edits closer than that may be folded. */
const EDIT_GAP_MS = 70;
const CLA = 'demo/svc/cache.expose#0';
const LINE = 'endpoints: [127.0.0.1]';

const editAddress = (n: number): string => `127.${100 + ((n >> 16) & 127)}.${(n >> 8) & 255}.${n & 255}`;

export const fileEdit: Scenario = {
  name: 'file-edit',
  summary: 'cluster file edit → one delta client (file source, examples/cluster.yaml; janitor only)',
  defaults: { services: 4, clients: 1, changes: 50 },
  servers: ['janitor'],
  figures: () => [
    { key: 'file.startup', label: 'spawn → the client holds everything', unit: 'ms' },
    { key: 'file.p50', label: 'file edit → client, p50', unit: 'ms' },
    { key: 'file.p99', label: 'file edit → client, p99', unit: 'ms' },
  ],
  async measure(ctx) {
    const o = ctx.options;
    const work = mkdtempSync(path.join(tmpdir(), 'xds-bench-file-'));
    // the janitor watches the cluster file's folder: its own ports file and log go elsewhere
    const dir = path.join(work, 'run');
    mkdirSync(dir);
    cpSync(path.join(ROOT, 'examples'), path.join(work, 'cluster'), { recursive: true });
    const file = path.join(work, 'cluster', 'cluster.yaml');
    const base = readFileSync(file, 'utf8');
    if (!base.includes(LINE)) throw new Error(`file-edit: examples/cluster.yaml no longer has "${LINE}"`);
    const clients = await startClients();
    const server = await startServer({
      kind: 'janitor', daemonSocket: '', dir, transport: o.transport, janitorBuild: o.janitorBuild,
      source: `file:${file}`, ...(ctx.cpuProfDir ? { cpuProfDir: ctx.cpuProfDir } : {}),
    });
    try {
      const opened = await clients.open(server.target, o.clients, { clusters: 0, listeners: 0 }, o.timeoutMs);
      const startup = Math.max(...opened.complete) - server.spawnedAt;
      const samples: number[] = [];
      const fromMs = monotonicMs();
      for (let i = 0; i < o.changes; i++) {
        const id = changeId();
        const address = editAddress(id);
        await clients.arm([{ id, items: [{ kind: 'endpoint', name: CLA, address }] }]);
        const text = base.replace(LINE, `endpoints: [${address}]`);
        const t0 = monotonicMs();
        if (i % 2 === 0) writeFileSync(file, text);
        else {
          writeFileSync(`${file}.tmp`, text);
          renameSync(`${file}.tmp`, file);
        }
        try {
          samples.push(Math.max(...(await clients.reached(id, o.timeoutMs))) - t0);
        } catch (err) {
          if (!(err instanceof Timeout)) throw err;
          samples.push(Infinity);
        }
        await new Promise((resolve) => setTimeout(resolve, EDIT_GAP_MS));
      }
      return {
        values: { 'file.startup': startup, 'file.p50': q(samples, 0.5), 'file.p99': q(samples, 0.99) },
        window: { fromMs, toMs: monotonicMs() },
        notes: [],
      };
    } catch (err) {
      if (!(err instanceof Timeout)) throw err;
      return { values: { 'file.startup': 'timeout', 'file.p50': 'timeout', 'file.p99': 'timeout' }, notes: [err.message, server.logTail(5)] };
    } finally {
      await clients.close();
      await server.stop();
      rmSync(work, { recursive: true, force: true });
    }
  },
};
