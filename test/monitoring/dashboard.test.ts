// monitoring/grafana-dashboard.json: a dashboard Grafana imports (unique panel ids, positions, one
// data source variable), whose every query parses as PromQL and selects only series and labels
// the janitor exports, and which shows every metric of the janitor's own (xds_*) and the process.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../e2e/support.js';
import { exportedSeries, registeredFamilies } from './exported.js';
import { expandGrafana, parsePromQL, queryProblems } from './promql.js';

interface Target {
  readonly expr: string;
  readonly refId: string;
  readonly datasource?: { readonly uid?: string };
}

interface Panel {
  readonly id: number;
  readonly type: string;
  readonly title: string;
  readonly gridPos: { readonly x: number; readonly y: number; readonly w: number; readonly h: number };
  readonly datasource?: { readonly type?: string; readonly uid?: string };
  readonly targets?: readonly Target[];
  readonly panels?: readonly Panel[];
}

interface Dashboard {
  readonly uid: string;
  readonly title: string;
  readonly schemaVersion: number;
  readonly panels: readonly Panel[];
  readonly templating: { readonly list: readonly { readonly name: string; readonly type: string; readonly query?: unknown; readonly definition?: string }[] };
}

const dashboard = JSON.parse(readFileSync(path.join(ROOT, 'monitoring/grafana-dashboard.json'), 'utf8')) as Dashboard;
const allPanels = (panels: readonly Panel[]): Panel[] => panels.flatMap((p) => [p, ...allPanels(p.panels ?? [])]);
const panels = allPanels(dashboard.panels);
const queries = panels.flatMap((p) => (p.targets ?? []).map((t) => ({ panel: p.title, expr: t.expr, target: t })));
const variableQueries = dashboard.templating.list.filter((v) => v.type === 'query').map((v) => ({ name: v.name, expr: (v.definition ?? '').replace(/^label_values\(([^,]+),.*\)$/, '$1') }));

describe('grafana-dashboard.json', () => {
  it('is a dashboard Grafana imports: uid, title, unique panel ids, positions on the 24-column grid', () => {
    expect(dashboard.uid).toMatch(/^[a-z0-9-]{1,40}$/);
    expect(dashboard.title).not.toBe('');
    expect(dashboard.schemaVersion).toBeGreaterThanOrEqual(36);
    const ids = panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const p of panels) {
      expect(p.gridPos.x + p.gridPos.w, p.title).toBeLessThanOrEqual(24);
      expect(p.gridPos.h, p.title).toBeGreaterThan(0);
    }
    const cells = panels.filter((p) => p.type !== 'row').flatMap((p) => Array.from({ length: p.gridPos.w * p.gridPos.h }, (_, i) => `${p.gridPos.x + (i % p.gridPos.w)},${p.gridPos.y + Math.floor(i / p.gridPos.w)}`));
    expect(new Set(cells).size, 'overlapping panels').toBe(cells.length);
  });

  it('queries through its data source variable, and uses only the variables it defines', () => {
    const defined = new Set(dashboard.templating.list.map((v) => v.name));
    expect(dashboard.templating.list.find((v) => v.name === 'datasource')).toMatchObject({ type: 'datasource', query: 'prometheus' });
    for (const p of panels.filter((x) => x.targets)) {
      expect(p.datasource?.uid, p.title).toBe('${datasource}');
      for (const t of p.targets ?? []) expect(t.datasource?.uid, p.title).toBe('${datasource}');
    }
    const used = queries.flatMap((q) => [...q.expr.matchAll(/\$\{?(\w+)\}?/g)].map((m) => m[1] ?? '')).filter((v) => !v.startsWith('__'));
    expect(used.filter((v) => !defined.has(v))).toEqual([]);
  });

  it('has queries that parse and select only series and labels the janitor exports', () => {
    const catalogue = exportedSeries();
    expect(queries.length).toBeGreaterThan(10);
    const problems = [...queries.map((q) => ({ where: q.panel, expr: q.expr })), ...variableQueries.map((v) => ({ where: `$${v.name}`, expr: v.expr }))].flatMap((q) =>
      queryProblems(expandGrafana(q.expr), catalogue).map((p) => `${q.where}: ${p}`),
    );
    expect(problems).toEqual([]);
  });

  it('shows every xds_ metric the janitor exports, and the process CPU and memory', () => {
    const selected = new Set(queries.flatMap((q) => parsePromQL(expandGrafana(q.expr)).selectors.map((s) => s.metric.replace(/_(bucket|sum|count)$/, ''))));
    const missing = registeredFamilies().filter((name) => name.startsWith('xds_') && !selected.has(name));
    expect(missing).toEqual([]);
    for (const name of ['process_cpu_seconds_total', 'process_resident_memory_bytes']) expect(selected).toContain(name);
  });

  it('has the panels operators asked for', () => {
    const titles = panels.map((p) => p.title);
    for (const title of ['Connected Envoys', 'Sync state per Envoy', 'NACKs by type', 'Source state', 'Event-to-push latency', 'Build duration', 'Invalid services', 'Conflicts (24h)', 'Certificate expiry', 'Resources per type', 'CPU', 'Memory']) {
      expect(titles).toContain(title);
    }
  });
});
