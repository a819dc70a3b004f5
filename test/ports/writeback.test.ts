// Writing allocated ports back: once to the cluster, a failure logged with `err` and counted, never
// retried; in memory only (a cluster file, --read-only) the writer is never called.
import { describe, expect, it } from 'vitest';
import { createWriteBacks, type Allocation, type PortWriter } from '../../src/ports/index.js';
import { captureLog } from '../support/log.js';
import { until } from '../e2e/support.js';

const A: Allocation = { service: 'ns/svc/a', rid: 'expose#0', address: '0.0.0.0', port: 1025 };
const B: Allocation = { service: 'ns/svc/b', rid: 'expose#1', address: '::', port: 1026 };

/** A writer whose calls are recorded and settled by the test. */
function heldWriter() {
  const calls: string[] = [];
  const pending: { resolve: () => void; reject: (e: Error) => void }[] = [];
  const writer: PortWriter = {
    setListenerPort: (path, rid, port) =>
      new Promise<void>((resolve, reject) => {
        calls.push(`${path} ${rid}=${port}`);
        pending.push({ resolve, reject });
      }),
  };
  return { writer, calls, pending };
}

describe('createWriteBacks', () => {
  it('writes each allocation back to the cluster once', async () => {
    const log = captureLog();
    const w = heldWriter();
    const wb = createWriteBacks(w.writer, { target: 'cluster', logger: log.logger });
    wb.record([A, B]);
    expect(w.calls).toEqual(['ns/svc/a expose#0=1025', 'ns/svc/b expose#1=1026']);
    expect(wb.state(A.service, A.rid)).toBe('pending');
    for (const p of w.pending) p.resolve();
    await until(() => wb.state(B.service, B.rid) === 'written', 3000, 'the write-backs');
    expect(wb.state(A.service, A.rid)).toBe('written');
    expect(log.withMsg('listener port written back to the cluster').map((l) => [l['service'], l['rid'], l['port']])).toEqual([
      ['ns/svc/a', 'expose#0', 1025],
      ['ns/svc/b', 'expose#1', 1026],
    ]);
    expect(w.calls).toHaveLength(2);
  });

  it('logs a failure with err, counts it through onFailure, and does not retry', async () => {
    const log = captureLog();
    const w = heldWriter();
    const failures: [Allocation, string][] = [];
    const wb = createWriteBacks(w.writer, { target: 'cluster', logger: log.logger, onFailure: (a, e) => failures.push([a, e]) });
    wb.record([A]);
    w.pending[0]?.reject(new Error('service_action set: ret 1'));
    await until(() => failures.length === 1, 3000, 'the failure');
    expect(failures).toEqual([[A, 'service_action set: ret 1']]);
    expect(wb.state(A.service, A.rid)).toBe('failed');
    const [line] = log.withMsg('listener port write-back failed (the port stays allocated in memory; not retried)');
    expect(line).toMatchObject({ level: 50, service: 'ns/svc/a', rid: 'expose#0', port: 1025, err: 'service_action set: ret 1' });
    // nothing calls the writer again on its own
    await new Promise((r) => setTimeout(r, 50));
    expect(w.calls).toHaveLength(1);
  });

  it('never calls the writer for memory, and says the port stays in memory and why', () => {
    const log = captureLog();
    const w = heldWriter();
    const wb = createWriteBacks(w.writer, { target: 'memory', why: '--read-only', logger: log.logger });
    wb.record([A, B]);
    expect(w.calls).toEqual([]);
    expect(wb.state(A.service, A.rid)).toBe('memory');
    expect(log.withMsg('listener port allocated, kept in memory (not written to the cluster)').map((l) => [l['service'], l['port'], l['why']])).toEqual([
      ['ns/svc/a', 1025, '--read-only'],
      ['ns/svc/b', 1026, '--read-only'],
    ]);
  });
});
