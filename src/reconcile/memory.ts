// What the janitor remembers across restarts, in a small file under --state-dir: the holders of
// contested keys (so a restart never flips the winner of a conflict) and when each service was
// first seen (so among claims that arrive together the older service wins). Written atomically
// (temporary file, then rename), at most once a second, only when it changed.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '../log.js';
import type { Remembered } from '../pipeline/index.js';

const FILE = 'xds-state.json';

interface StateFile {
  readonly version: 1;
  readonly holders: Record<string, string>;
  readonly ages: Record<string, number>;
}

function isRecordOf<T>(value: unknown, check: (v: unknown) => v is T): value is Record<string, T> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.values(value).every(check);
}

/** The remembered state, or undefined (no file yet, or unreadable: said once). */
export async function loadRemembered(dir: string, logger: Logger): Promise<Remembered | undefined> {
  const file = path.join(dir, FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') logger.warn({ file, err: error instanceof Error ? error.message : String(error) }, 'cannot read the state file: conflict winners start from a stable order');
    return undefined;
  }
  try {
    const parsed = JSON.parse(text) as Partial<StateFile>;
    const isString = (v: unknown): v is string => typeof v === 'string';
    const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
    if (parsed.version !== 1 || !isRecordOf(parsed.holders, isString) || !isRecordOf(parsed.ages, isNumber)) throw new Error('not a version 1 state file');
    return { holders: new Map(Object.entries(parsed.holders)), ages: new Map(Object.entries(parsed.ages)) };
  } catch (error) {
    logger.warn({ file, err: error instanceof Error ? error.message : String(error) }, 'state file unreadable, ignored: conflict winners start from a stable order');
    return undefined;
  }
}

export interface MemoryWriter {
  save(remembered: Remembered): void;
  /** Write what is pending now. */
  flush(): Promise<void>;
}

export function createMemoryWriter(dir: string, logger: Logger, delayMs = 1000): MemoryWriter {
  const file = path.join(dir, FILE);
  /** The text the file holds once the queued writes are done. */
  let last = '';
  let pending: string | undefined;
  let timer: NodeJS.Timeout | undefined;
  let writing: Promise<void> = Promise.resolve();

  async function write(text: string): Promise<void> {
    try {
      await mkdir(dir, { recursive: true });
      const tmp = `${file}.${process.pid}.tmp`;
      await writeFile(tmp, text);
      await rename(tmp, file);
    } catch (error) {
      if (last === text) last = ''; // written again on the next save
      logger.warn({ file, err: error instanceof Error ? error.message : String(error) }, 'cannot write the state file: a restart may settle conflicts differently');
    }
  }

  function flushNow(): Promise<void> {
    if (timer) clearTimeout(timer);
    timer = undefined;
    const text = pending;
    pending = undefined;
    if (text === undefined || text === last) return writing;
    last = text;
    writing = writing.then(() => write(text));
    return writing;
  }

  return {
    save(remembered) {
      const body: StateFile = { version: 1, holders: Object.fromEntries(remembered.holders), ages: Object.fromEntries(remembered.ages) };
      const text = `${JSON.stringify(body)}\n`;
      if (text === last) {
        pending = undefined; // a change undone before it was written
        return;
      }
      pending = text;
      timer ??= setTimeout(() => void flushNow(), delayMs);
      timer.unref();
    },
    flush: flushNow,
  };
}
