// Figures, their targets, medians over runs and the markdown table the bench prints.

export type Unit = 'ms' | 'MB' | 'KB' | 'x' | 'count';

export interface Target {
  /** The janitor's figure must be at most this. */
  readonly max?: number;
  /** The janitor's figure must be at most this many times the baseline's. */
  readonly ratioMax?: number;
  /** The janitor's figure must equal this (e.g. 0 wrong endpoints). */
  readonly equals?: number;
}

export interface Figure {
  readonly key: string;
  readonly label: string;
  readonly unit: Unit;
  readonly target?: Target;
}

/** A measured value: a number, a deadline that passed, or nothing (not measured for this server). */
export type Value = number | 'timeout' | null;

export interface Row {
  readonly figure: Figure;
  readonly janitor: Value;
  readonly baseline: Value;
  readonly ratio: number | null;
  readonly met: boolean | null;
}

export function quantile(xs: readonly number[], q: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))] ?? NaN;
}

/** Median over runs; a timeout counts as +infinity (so most runs timing out is a timeout). */
export function medianValue(values: readonly Value[]): Value {
  const measured = values.filter((v): v is number | 'timeout' => v !== null);
  if (measured.length === 0) return null;
  const m = quantile(measured.map((v) => (v === 'timeout' ? Infinity : v)), 0.5);
  return Number.isFinite(m) ? m : 'timeout';
}

/** false when a target is missed, null when one cannot be judged (e.g. no baseline figure), else true. */
function judge(figure: Figure, janitor: Value, ratio: number | null): boolean | null {
  const t = figure.target;
  if (!t) return null;
  if (janitor === 'timeout') return false;
  if (janitor === null) return null;
  const checks: (boolean | null)[] = [
    t.max === undefined ? true : janitor <= t.max,
    t.equals === undefined ? true : janitor === t.equals,
    t.ratioMax === undefined ? true : ratio === null ? null : ratio <= t.ratioMax,
  ];
  if (checks.includes(false)) return false;
  return checks.includes(null) ? null : true;
}

export function row(figure: Figure, janitor: Value, baseline: Value): Row {
  const ratio = typeof janitor === 'number' && typeof baseline === 'number' && baseline > 0 ? janitor / baseline : null;
  return { figure, janitor, baseline, ratio, met: judge(figure, janitor, ratio) };
}

function show(v: Value, unit: Unit): string {
  if (v === null) return '—';
  if (v === 'timeout') return 'timeout';
  if (unit === 'count') return String(v);
  const digits = Math.abs(v) >= 100 ? 0 : Math.abs(v) >= 10 ? 1 : 2;
  return `${v.toFixed(digits)}${unit === 'x' ? '×' : ` ${unit}`}`;
}

export function targetText(figure: Figure): string {
  const t = figure.target;
  if (!t) return '';
  const parts: string[] = [];
  if (t.max !== undefined) parts.push(`≤ ${show(t.max, figure.unit)}`);
  if (t.equals !== undefined) parts.push(`= ${show(t.equals, figure.unit)}`);
  if (t.ratioMax !== undefined) parts.push(`≤ ${t.ratioMax}× baseline`);
  return parts.join(', ');
}

export function table(rows: readonly Row[]): string {
  const lines = ['| figure | janitor | baseline | ratio | target | met |', '| --- | ---: | ---: | ---: | --- | --- |'];
  for (const r of rows) {
    const met = r.met === null ? '' : r.met ? 'yes' : '**no**';
    const ratio = r.ratio === null ? '—' : `${r.ratio.toFixed(2)}×`;
    lines.push(`| ${r.figure.label} | ${show(r.janitor, r.figure.unit)} | ${show(r.baseline, r.figure.unit)} | ${ratio} | ${targetText(r.figure)} | ${met} |`);
  }
  return lines.join('\n');
}
