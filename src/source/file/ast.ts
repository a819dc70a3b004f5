// Small helpers over the yaml package's document tree: typed access to mappings, lists and scalars,
// each failure reported as a FileProblem carrying the line of the offending node.
import { isMap, isScalar, isSeq, type Document, type LineCounter, type Node, type Pair } from 'yaml';

/** One reason a cluster file was refused, located in the file. */
export interface FileProblem {
  readonly line: number;
  readonly column: number;
  readonly message: string;
}

export class FileSyntaxError extends Error {
  constructor(readonly problem: FileProblem) {
    super(problem.message);
  }
}

export interface Walker {
  readonly doc: Document;
  readonly lines: LineCounter;
}

export function fail(w: Walker, node: Node | Pair | null | undefined, message: string): never {
  const range = node && 'range' in node ? node.range : undefined;
  const keyRange = node && 'key' in node && isScalar(node.key) ? node.key.range : undefined;
  const offset = range?.[0] ?? keyRange?.[0] ?? 0;
  const pos = w.lines.linePos(offset);
  throw new FileSyntaxError({ line: pos.line, column: pos.col, message });
}

export interface Entry {
  readonly key: string;
  readonly pair: Pair;
  readonly value: Node | null;
}

/** The entries of a mapping node, keys as strings. */
export function mapEntries(w: Walker, node: Node | null, what: string): Entry[] {
  if (!isMap(node)) fail(w, node, `${what} must be a mapping`);
  return node.items.map((pair) => {
    if (!isScalar(pair.key)) fail(w, pair, `${what}: keys must be plain strings`);
    const value = pair.value === null || pair.value === undefined ? null : (pair.value as Node);
    return { key: String(pair.key.value), pair, value };
  });
}

export function listItems(w: Walker, node: Node | null, what: string): Node[] {
  if (!isSeq(node)) fail(w, node, `${what} must be a list`);
  return node.items.map((item) => item as Node);
}

/** A scalar's value (string, number, boolean or null); anything else is refused. */
export function scalarValue(w: Walker, node: Node | null, what: string): string | number | boolean | null {
  if (node === null) return null;
  if (!isScalar(node)) fail(w, node, `${what} must be a single value`);
  const v: unknown = node.value;
  if (v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  return fail(w, node, `${what} has an unsupported value`);
}

export function stringValue(w: Walker, node: Node | null, what: string): string {
  const v = scalarValue(w, node, what);
  if (v === null) fail(w, node, `${what} must not be empty`);
  return String(v);
}

/** Aliases expanded per value at most (a YAML "billion laughs" is refused, not expanded). */
export const MAX_ALIAS_COUNT = 100;

/** The plain JS value of any node (for JSON keywords such as cluster_data); aliases bounded. */
export function jsValue(w: Walker, node: Node | null): unknown {
  if (node === null) return null;
  try {
    return node.toJS(w.doc, { maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    return fail(w, node, `this value cannot be read: ${error instanceof Error ? error.message : String(error)}`);
  }
}
