// Shared by the OpenSVC source tests: the recordings, temp socket paths, and an event recorder.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Json } from '../../../src/source/opensvc/json.js';
import { applyPatch, type ApplyOptions, type Stanza } from '../../../src/source/opensvc/patch.js';
import type { SourceEvent } from '../../../src/source/types.js';

export const FIXTURES = new URL('../../fixtures/opensvc-v2.1', import.meta.url).pathname;

export function fixture(name: string): Json {
  return JSON.parse(readFileSync(join(FIXTURES, name), 'utf8')) as Json;
}

export interface Recorded {
  readonly recv_ts: number;
  readonly msg: { readonly kind: string; readonly id?: number; readonly data: unknown };
}

export function recordedEvents(): Recorded[] {
  return readFileSync(join(FIXTURES, 'events.jsonl'), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Recorded);
}

export function recordedPatch(id: number): Recorded['msg'] {
  const found = recordedEvents().find((e) => e.msg.kind === 'patch' && e.msg.id === id);
  if (!found) throw new Error(`no recorded patch ${id}`);
  return found.msg;
}

export function tempSocket(): { path: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'osvc-'));
  return { path: join(dir, 'lsnr.sock'), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export async function until(condition: () => boolean, timeoutMs = 5000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Collects source events; `next(kind)` waits for the next unseen event (of that kind if given). */
export function recorder() {
  const events: SourceEvent[] = [];
  let cursor = 0;
  return {
    events,
    push: (event: SourceEvent) => void events.push(event),
    count: (kind: SourceEvent['kind']) => events.filter((e) => e.kind === kind).length,
    async next<K extends SourceEvent['kind']>(kind?: K, timeoutMs = 5000): Promise<Extract<SourceEvent, { kind: K }>> {
      await until(() => events.slice(cursor).some((e) => !kind || e.kind === kind), timeoutMs, `a ${kind ?? 'source'} event`);
      const index = events.findIndex((e, i) => i >= cursor && (!kind || e.kind === kind));
      cursor = index + 1;
      return events[index] as Extract<SourceEvent, { kind: K }>;
    },
    /** Events after the last one returned by next(). */
    unseen: () => events.slice(cursor),
  };
}

/** A deep copy to edit. */
export function clone<T>(value: T): T {
  return structuredClone(value);
}

/** Get a mutable object at a path of keys (throws if missing: tests edit known fixtures). */
export function at(root: unknown, ...keys: (string | number)[]): Record<string, unknown> {
  let cursor: unknown = root;
  for (const key of keys) {
    cursor = (cursor as Record<string | number, unknown>)[key];
    if (cursor === undefined) throw new Error(`no ${keys.join('.')} in fixture`);
  }
  return cursor as Record<string, unknown>;
}

export type Recorder = ReturnType<typeof recorder>;

export type Patched = { readonly ok: true; readonly state: Json; readonly skipped: number } | { readonly ok: false; readonly error: string; readonly stanza: number };

/** The applier works in place: apply copies of the stanzas to a copy of `state`, which stays as it is. */
export function patched(state: Json, stanzas: readonly Stanza[], options?: ApplyOptions): Patched {
  const doc = { root: structuredClone(state) };
  const result = applyPatch(doc, structuredClone(stanzas), options);
  return result.ok ? { ok: true, state: doc.root, skipped: result.skipped } : result;
}
