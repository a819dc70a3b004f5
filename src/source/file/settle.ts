// A file is taken only once it has settled: two reads `settleMs` apart give the same content (a
// SHA-256 of it). An editor writing a file in place, or a tool writing it in several chunks, is
// never read half-way through: every event re-arms the wait, and a content that moves is read again.
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';

/** Largest file read (cluster file, certificate files): 64 MiB. */
export const MAX_FILE_BYTES = 64 * 1024 * 1024;

export type Read = { readonly text: string; readonly print: string } | { readonly error: string; readonly print: 'missing' };

export function fingerprint(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** The content of a file and its fingerprint, or why it cannot be read (`print` is then 'missing'). */
export async function readPrinted(file: string): Promise<Read> {
  try {
    const size = (await stat(file)).size;
    if (size > MAX_FILE_BYTES) return { error: `larger than ${MAX_FILE_BYTES} bytes (${size})`, print: 'missing' };
    const text = await readFile(file, 'utf8');
    return { text, print: fingerprint(text) };
  } catch (error) {
    const code = error instanceof Error && 'code' in error ? String(error.code) : String(error);
    return { error: code, print: 'missing' };
  }
}

/** Read until two reads `settleMs` apart agree (at most `tries` times), for a file read outside events. */
export async function readSettled(file: string, settleMs: number, tries = 20): Promise<Read> {
  let read = await readPrinted(file);
  for (let i = 0; i < tries; i++) {
    await new Promise((resolve) => setTimeout(resolve, settleMs));
    const again = await readPrinted(file);
    if (again.print === read.print) return again;
    read = again;
  }
  return read;
}

export interface Settler {
  /** Something happened to this file: read it again once it holds still. */
  touch(file: string): void;
  close(): void;
}

export function createSettler(settleMs: number, onStable: (file: string, read: Read) => void): Settler {
  /** The last read of each file: its fingerprint and when it started. */
  const last = new Map<string, { readonly print: string; readonly at: number }>();
  const timers = new Map<string, NodeJS.Timeout>();
  let closed = false;

  function arm(file: string): void {
    clearTimeout(timers.get(file));
    timers.set(file, setTimeout(() => void check(file), settleMs));
  }

  async function check(file: string): Promise<void> {
    timers.delete(file);
    const at = performance.now();
    const read = await readPrinted(file);
    if (closed || timers.has(file)) return; // closed, or touched again meanwhile: that wait decides
    const before = last.get(file);
    // two reads that started settleMs apart (a timer may fire a millisecond early)
    if (before && before.print === read.print && at - before.at >= settleMs - 1) return onStable(file, read);
    last.set(file, { print: read.print, at });
    arm(file);
  }

  return {
    touch(file) {
      if (closed) return;
      // the first read of a burst is taken at once, to compare with the one after the wait
      if (!timers.has(file)) {
        const at = performance.now();
        void readPrinted(file).then((read) => {
          if ((last.get(file)?.at ?? -1) < at) last.set(file, { print: read.print, at });
        });
      }
      arm(file);
    },
    close() {
      closed = true;
      for (const timer of timers.values()) clearTimeout(timer);
      timers.clear();
    },
  };
}
