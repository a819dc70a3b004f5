// `xds check`, the real CLI: exit codes (0 clean, 1 problems, 2 usage or unreadable input), the
// table and the JSON report, from a cluster file and from a stand-in OpenSVC daemon.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckReport } from '../../src/commands/check.js';
import type { FakeDaemon } from '../support/fake-daemon/index.js';
import { startRecordedDaemon } from '../support/recorded-daemon.js';
import { MIXED, runCli, writeCluster } from './support.js';

function parseReport(text: string): CheckReport {
  const r = JSON.parse(text) as CheckReport;
  // the schema: every field present with its type
  expect(Object.keys(r).sort()).toEqual(expect.arrayContaining(['gateway', 'services', 'source', 'summary', 'valid']));
  expect(typeof r.valid).toBe('boolean');
  for (const key of ['services', 'invalid', 'problems', 'warnings'] as const) expect(typeof r.summary[key]).toBe('number');
  for (const s of r.services) {
    expect(s).toMatchObject({ path: expect.any(String), valid: expect.any(Boolean), served: expect.any(Boolean), problems: expect.any(Array), warnings: expect.any(Array), exposes: expect.any(Array) });
    for (const p of s.problems) expect(p).toMatchObject({ service: s.path, section: expect.any(String), reason: expect.any(String), message: expect.any(String) });
  }
  return r;
}

describe('xds check --source file:', () => {
  it('a clean cluster: exit 0, every service valid (the janitor flags before the command count too)', async () => {
    const r = await runCli(['--source', 'file:examples/cluster.yaml', 'check', '--output', 'json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const report = parseReport(r.stdout);
    expect(report).toMatchObject({ source: 'file:examples/cluster.yaml', gateway: 'envoy', valid: true, summary: { services: 4, invalid: 0, problems: 0 } });
    expect(report.services.map((s) => s.path)).toEqual(['demo/svc/cache', 'demo/svc/db', 'demo/svc/tls', 'demo/svc/web']);
  });

  it('problems and a conflict: exit 1; the JSON names each problem, the loser and its holder', async () => {
    const file = writeCluster(MIXED);
    const r = await runCli(['check', '--source', `file:${file}`, '-o', 'json']);
    expect(r.code).toBe(1);
    const report = parseReport(r.stdout);
    expect(report.valid).toBe(false);
    expect(report.summary).toMatchObject({ services: 4, invalid: 2 });
    const byPath = new Map(report.services.map((s) => [s.path, s]));
    expect(byPath.get('demo/svc/web')?.valid).toBe(true);
    expect(byPath.get('demo/svc/broken')?.problems).toContainEqual(expect.objectContaining({ section: 'route#0', keyword: 'route_timeout', value: '3x', reason: 'InvalidValue' }));
    expect(byPath.get('demo/svc/cache2')?.exposes[0]).toMatchObject({ rid: 'expose#0', served: false, conflict: { holder: 'demo/svc/cache expose#0' } });
  });

  it('the table: one row per service, then each problem under its service, then a summary', async () => {
    const file = writeCluster(MIXED);
    const r = await runCli(['check', '--source', `file:${file}`]);
    expect(r.code).toBe(1);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toMatch(/^SERVICE\s+STATUS\s+EXPOSES\s+PROBLEMS\s+WARNINGS$/);
    expect(r.stdout).toMatch(/^demo\/svc\/broken\s+invalid\s+0\/0\s+3\s+0$/m);
    expect(r.stdout).toMatch(/^demo\/svc\/web\s+valid\s+1\/1\s+0\s+0$/m);
    expect(r.stdout).toContain('  problem  route#0 route_timeout: route_timeout "3x" is not a duration');
    expect(r.stdout).toMatch(/^ {2}problem {2}expose#0 .*listener 0\.0\.0\.0:16379\/tcp .* is held by demo\/svc\/cache expose#0 .*\[Conflict\]$/m);
    expect(lines.filter(Boolean).at(-1)).toBe(`file:${file}, gateway envoy: 4 services, 2 with problems (4 problems), 0 warnings`);
  });

  it('a cluster file refused as a whole: exit 1 with its line', async () => {
    const file = writeCluster('services:\n  demo/svc/web:\n    expose#0: { port: 80, colour: blue }\n');
    const r = await runCli(['check', '--source', `file:${file}`, '--output', 'json']);
    expect(r.code).toBe(1);
    const report = parseReport(r.stdout);
    expect(report).toMatchObject({ valid: false, services: [], file: { line: 3, message: expect.stringContaining('unknown keyword "colour"') } });
  });

  it.each([
    [['check', '--output', 'xml', '--source', 'file:examples/cluster.yaml'], /argument 'xml' is invalid/],
    [['check', '--source', 'file:/nonexistent/cluster.yaml'], /cannot read the file \(ENOENT\)/],
    [['check', '--source', 'file:examples/cluster.yaml', '--sock', '/tmp/lsnr.sock'], /not both/],
    [['check', '--port-range', '9-1', '--source', 'file:examples/cluster.yaml'], /has MIN greater than MAX/],
    [['check', 'extra'], /too many arguments/],
  ])('usage: %j exits 2 with one line on stderr', async (args, message) => {
    const r = await runCli(args);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});

describe('xds check --sock (the live cluster through the daemon socket)', () => {
  let daemon: FakeDaemon;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'xds-check-'));
    daemon = await startRecordedDaemon(path.join(dir, 'lsnr.sock'));
  });
  afterAll(async () => {
    await daemon.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads daemon_status and the secrets once; no events subscription, nothing written', async () => {
    const r = await runCli(['check', '--sock', daemon.socketPath, '-o', 'json']);
    const report = parseReport(r.stdout);
    expect(report.source).toBe(`opensvc:${daemon.socketPath}`);
    expect(report.services.find((s) => s.path === 'test/svc/web1')?.clusters).toEqual(['test/svc/web1.expose#0', 'test/svc/web1.expose#1', 'test/svc/web1.expose#2']);
    expect(r.code).toBe(report.valid ? 0 : 1);
    expect(daemon.count('daemon_status')).toBe(1);
    expect(daemon.count('get_secret_key')).toBeGreaterThan(0);
    expect(daemon.count('events')).toBe(0);
    expect(daemon.count('service_action')).toBe(0);
  });

  it('a daemon that is not there: exit 2 naming the socket', async () => {
    const r = await runCli(['check', '--sock', path.join(dir, 'missing.sock')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/daemon_status on .*missing\.sock: ENOENT/);
  });
});
