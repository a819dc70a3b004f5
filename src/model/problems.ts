// Building Problems: one place for how a bad input is located and worded.
// A problem names the service, the section, the keyword and the value; its message is a sentence
// an operator can act on. Secret material is never put in a problem (callers pass no value).
import type { Problem, Reason } from './types.js';

/** Where a keyword lives: service path and section rid. */
export interface Where {
  readonly service: string;
  readonly section: string;
}

/** A parser's refusal, before it is located. */
export interface Refusal {
  readonly reason: Reason;
  /** The sentence after the keyword name, e.g. `"3x" is not a duration …`. */
  readonly message: string;
}

export type Parsed<T> = { readonly ok: true; readonly value: T } | ({ readonly ok: false } & Refusal);

export function accept<T>(value: T): Parsed<T> {
  return { ok: true, value };
}

export function refuse<T>(reason: Reason, message: string): Parsed<T> {
  return { ok: false, reason, message };
}

/** Short printable form of a keyword value for messages (JSON, cut at 80 characters). */
export function show(value: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** A problem about `keyword` of a section. Omit `value` for anything secret. */
export function problem(where: Where, keyword: string, reason: Reason, message: string, value?: unknown): Problem {
  const base = { service: where.service, section: where.section, keyword, reason, message };
  return value === undefined ? base : { ...base, value };
}

/** One line for logs: `test/svc/web1 route#0 route_timeout: <message> [InvalidValue]`. */
export function formatProblem(p: Problem): string {
  const at = [p.service, p.section, p.keyword].filter((s) => s !== undefined && s !== '').join(' ');
  return `${at}: ${p.message} [${p.reason}]`;
}

/** Collects the problems of one service build; the same problem is kept once. */
export class ProblemList {
  readonly #items = new Map<string, Problem>();

  add(p: Problem): void {
    const key = `${p.service}\u0000${p.section}\u0000${p.keyword ?? ''}\u0000${p.reason}\u0000${p.message}`;
    if (!this.#items.has(key)) this.#items.set(key, p);
  }

  /** Record a refused keyword: the message is `<keyword> <refusal>`. */
  refused(where: Where, keyword: string, value: unknown, refusal: Refusal, secret = false): void {
    this.add(problem(where, keyword, refusal.reason, `${keyword} ${refusal.message}`, secret ? undefined : value));
  }

  get size(): number {
    return this.#items.size;
  }

  list(): Problem[] {
    return [...this.#items.values()];
  }
}
