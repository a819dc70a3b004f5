// monitoring/prometheus-rules.yaml: the structure Prometheus loads (groups[].rules[] with alert,
// expr, for, labels, annotations), expressions that parse and select only series the janitor
// exports, the alerts the operators asked for; and, where promtool is installed, Prometheus's own
// check and the alert unit tests in prometheus-rules.promtool.yaml.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../e2e/support.js';
import { exportedSeries } from './exported.js';
import { parsePromQL, queryProblems } from './promql.js';

const RULES = path.join(ROOT, 'monitoring/prometheus-rules.yaml');

interface AlertRule {
  readonly alert: string;
  readonly expr: string;
  readonly for: string;
  readonly labels: Record<string, string>;
  readonly annotations: Record<string, string>;
}

function load(): { name: string; rules: AlertRule[] }[] {
  const doc = parse(readFileSync(RULES, 'utf8'), { uniqueKeys: true }) as { groups?: unknown };
  expect(Array.isArray(doc.groups)).toBe(true);
  return doc.groups as { name: string; rules: AlertRule[] }[];
}

const alerts = (): AlertRule[] => load().flatMap((g) => g.rules);
/** Prometheus's own series, not the janitor's: the scrape health. */
const PROMETHEUS_SERIES = ['up'];

describe('prometheus-rules.yaml', () => {
  it('has the structure Prometheus loads, with unique names', () => {
    const groups = load();
    expect(groups.length).toBeGreaterThan(0);
    expect(new Set(groups.map((g) => g.name)).size).toBe(groups.length);
    for (const group of groups) {
      expect(typeof group.name).toBe('string');
      expect(Array.isArray(group.rules) && group.rules.length > 0).toBe(true);
      for (const rule of group.rules) {
        expect(Object.keys(rule).sort(), rule.alert).toEqual(['alert', 'annotations', 'expr', 'for', 'labels']);
        expect(rule.alert).toMatch(/^Xds[A-Z][A-Za-z]+$/);
        expect(rule.for, rule.alert).toMatch(/^\d+[smhd]$/);
        expect(['info', 'warning', 'critical'], rule.alert).toContain(rule.labels.severity);
        expect(Object.keys(rule.annotations).sort(), rule.alert).toEqual(['description', 'summary']);
        expect(rule.annotations.summary?.length, rule.alert).toBeGreaterThan(10);
        expect(rule.annotations.description?.length, rule.alert).toBeGreaterThan(40);
      }
    }
    const names = alerts().map((r) => r.alert);
    expect(new Set(names).size).toBe(names.length);
  });

  it('has expressions that parse and select only series and labels the janitor exports', () => {
    const catalogue = exportedSeries();
    const problems = alerts().flatMap((r) => queryProblems(r.expr, catalogue, PROMETHEUS_SERIES).map((p) => `${r.alert}: ${p}`));
    expect(problems).toEqual([]);
  });

  it('alerts on NACKs, a stale or held source, Envoys not synced, certificates within 14 days, a high p99 push latency', () => {
    const selecting = (metric: string) => alerts().filter((r) => parsePromQL(r.expr).selectors.some((s) => s.metric === metric));
    expect(selecting('xds_nacks_total')).not.toEqual([]);
    expect(selecting('xds_source_state').some((r) => r.expr.includes('stale') && r.expr.includes('held'))).toBe(true);
    expect(selecting('xds_client_sync').map((r) => r.for)).toEqual(['10m']);
    expect(selecting('xds_certificate_expiry_timestamp_seconds').some((r) => r.expr.includes('14 * 86400'))).toBe(true);
    expect(selecting('xds_event_to_push_seconds_bucket').some((r) => r.expr.startsWith('histogram_quantile(0.99,'))).toBe(true);
  });

  it('catches a rule that names a metric the janitor does not export (the check can fail)', () => {
    expect(queryProblems('rate(xds_nack_total[5m]) > 0', exportedSeries())).toEqual(['xds_nack_total is not exported']);
    expect(queryProblems('xds_source_state{status="stale"} == 1', exportedSeries())).toEqual(['xds_source_state has no label status']);
    expect(queryProblems('sum(rate(xds_nacks_total[5m]) by', exportedSeries())[0]).toMatch(/^syntax error/);
  });

  const promtool = spawnSync('promtool', ['--version'], { encoding: 'utf8' });
  it.skipIf(promtool.error !== undefined)('passes promtool check rules and the alert unit tests', () => {
    const check = spawnSync('promtool', ['check', 'rules', RULES], { encoding: 'utf8', timeout: 60_000 });
    expect(check.stdout + check.stderr).toContain('SUCCESS');
    expect(check.status).toBe(0);
    const unit = spawnSync('promtool', ['test', 'rules', path.join(ROOT, 'test/monitoring/prometheus-rules.promtool.yaml')], { encoding: 'utf8', timeout: 60_000 });
    expect(unit.stdout + unit.stderr).not.toContain('FAILED');
    expect(unit.status).toBe(0);
  });
});
