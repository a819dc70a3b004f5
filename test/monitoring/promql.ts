// PromQL as Prometheus reads it (the Prometheus project's own lezer grammar): syntax errors, and
// the series each expression selects with the label names it matches on, so the monitoring tests
// can hold the dashboard and the alert rules to what the janitor really exports.
import { parser } from '@prometheus-io/lezer-promql';
import type { Catalogue } from './exported.js';

export interface Selector {
  readonly metric: string;
  readonly labels: readonly string[];
}

export interface ParsedQuery {
  readonly errors: readonly string[];
  readonly selectors: readonly Selector[];
}

/** Labels Prometheus adds to every scraped series. */
export const TARGET_LABELS = ['instance', 'job'] as const;

/** Grafana's own variables stand for durations; the dashboard's template variables for label values. */
export function expandGrafana(expr: string): string {
  return expr.replace(/\$__(rate_interval|interval|range)\b/g, '5m').replace(/\$\{?(\w+)\}?/g, 'value');
}

export function parsePromQL(expr: string): ParsedQuery {
  const errors: string[] = [];
  const selectors: { metric: string; labels: string[] }[] = [];
  parser.parse(expr).iterate({
    enter(ref) {
      if (ref.type.isError) errors.push(`syntax error at ${ref.from}: "${expr.slice(Math.max(0, ref.from - 10), ref.to + 10)}"`);
      if (ref.name !== 'VectorSelector') return;
      const node = ref.node;
      const name = node.getChild('Identifier');
      const labels: string[] = [];
      for (const matcher of node.getChild('LabelMatchers')?.getChildren('UnquotedLabelMatcher') ?? []) {
        const label = matcher.getChild('LabelName');
        if (label) labels.push(expr.slice(label.from, label.to));
      }
      selectors.push({ metric: name ? expr.slice(name.from, name.to) : '', labels });
    },
  });
  return { errors, selectors };
}

/** What is wrong with an expression against the catalogue: syntax, unknown series, unknown labels. */
export function queryProblems(expr: string, catalogue: Catalogue, alsoKnown: readonly string[] = []): string[] {
  const { errors, selectors } = parsePromQL(expr);
  const problems = [...errors];
  if (selectors.length === 0) problems.push('selects no series');
  for (const { metric, labels } of selectors) {
    if (alsoKnown.includes(metric)) continue;
    const known = catalogue.get(metric);
    if (!known) {
      problems.push(`${metric || '(no metric name)'} is not exported`);
      continue;
    }
    for (const label of labels) if (!known.has(label) && !(TARGET_LABELS as readonly string[]).includes(label)) problems.push(`${metric} has no label ${label}`);
  }
  return problems;
}
