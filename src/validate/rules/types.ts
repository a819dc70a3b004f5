// Shared shapes of the proto validator: issues, the walk context, compiled checks, rule readers.
import { isPlainObject, pathString, toNumeric } from '../../proto/form.js';

/** One violation: where (field path from the resource root) and what. Empty list = valid. */
export interface ValidationIssue {
  path: string;
  message: string;
}

/**
 * Walk state. `path` is a stack of segments: field names, array indexes (numbers) and map keys
 * (strings already written as `["key"]`). It is joined only when an issue is reported.
 */
export interface Ctx {
  readonly path: (string | number)[];
  readonly issues: ValidationIssue[];
  /** When set, every deprecated field or enum value met is recorded here (as a path). */
  readonly deprecated: string[] | undefined;
  /** > 0 while inside a message whose rules are off (`(validate.disabled)`, `message.skip`). */
  rulesOff: number;
}

/** A compiled check of one present value. */
export type Check = (value: unknown, ctx: Ctx) => void;

/** A `(validate.rules)` object as protobufjs parses it from the .proto text. */
export type Rules = Readonly<Record<string, unknown>>;

export function newCtx(collectDeprecated = false): Ctx {
  return { path: [], issues: [], deprecated: collectDeprecated ? [] : undefined, rulesOff: 0 };
}

export function report(ctx: Ctx, message: string): void {
  ctx.issues.push({ path: pathString(ctx.path), message });
}

/** Run `fn` with `seg` pushed on the path. */
export function at(ctx: Ctx, seg: string | number, fn: () => void): void {
  ctx.path.push(seg);
  try {
    fn();
  } finally {
    ctx.path.pop();
  }
}

// Readers for rule objects: options come from parsed .proto text, so narrow everything.

export function ruleObj(r: Rules | undefined, key: string): Rules | undefined {
  const v = r?.[key];
  return isPlainObject(v) ? v : undefined;
}

export function ruleBool(r: Rules | undefined, key: string): boolean | undefined {
  const v = r?.[key];
  return typeof v === 'boolean' ? v : undefined;
}

export function ruleStr(r: Rules | undefined, key: string): string | undefined {
  const v = r?.[key];
  return typeof v === 'string' ? v : undefined;
}

/** A numeric rule constant: numbers stay numbers, big values written as strings become bigint. */
export function ruleNum(r: Rules | undefined, key: string): number | bigint | undefined {
  return toNumeric(r?.[key]);
}

/** `in: [a, b]` parses as an array, a single `in: a` as a scalar. */
export function ruleList(r: Rules | undefined, key: string): unknown[] | undefined {
  const v = r?.[key];
  if (v === undefined) return undefined;
  return Array.isArray(v) ? v : [v];
}

/** Short, safe rendering of a value that is not a secret (numbers, enum names). */
export function show(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v.length > 60 ? `${v.slice(0, 57)}...` : v);
  if (typeof v === 'bigint') return v.toString();
  return String(v);
}
