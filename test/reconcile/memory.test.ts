// The --state-dir file: what a restart remembers round-trips; a corrupt, foreign or unreadable file
// is ignored with a warning; writes are atomic and skipped when nothing changed.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Remembered } from '../../src/pipeline/index.js';
import { createMemoryWriter, loadRemembered } from '../../src/reconcile/memory.js';
import { captureLog } from '../support/log.js';

const FILE = 'xds-state.json';

function remembered(holders: Record<string, string>, ages: Record<string, number>): Remembered {
  return { holders: new Map(Object.entries(holders)), ages: new Map(Object.entries(ages)) };
}

const R1 = remembered({ 'match\u00000.0.0.0:80/tcp\u0000*': 'b/svc/web.expose#0' }, { 'b/svc/web': 1, 'a/svc/web': 2 });
const R2 = remembered({}, { 'b/svc/web': 1 });

describe('the state file', () => {
  const dirs: string[] = [];
  const tempDir = (): string => {
    const d = mkdtempSync(path.join(tmpdir(), 'xds-state-'));
    dirs.push(d);
    return d;
  };
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('round-trips what a restart remembers, creating the folder', async () => {
    const dir = path.join(tempDir(), 'nested', 'state');
    const log = captureLog();
    const writer = createMemoryWriter(dir, log.logger);
    writer.save(R1);
    await writer.flush();
    const back = await loadRemembered(dir, log.logger);
    expect(back).toEqual(R1);
    expect(JSON.parse(readFileSync(path.join(dir, FILE), 'utf8'))).toMatchObject({ version: 1 });
    expect(log.lines().filter((l) => l['level'] === 40)).toEqual([]);
  });

  it('no file yet: nothing remembered, nothing said', async () => {
    const log = captureLog();
    expect(await loadRemembered(tempDir(), log.logger)).toBeUndefined();
    expect(log.lines()).toEqual([]);
  });

  it.each([
    ['not JSON', '{"version":1,"holders":{'],
    ['another version', '{"version":2,"holders":{},"ages":{}}'],
    ['an array', '[1,2]'],
    ['null', 'null'],
    ['holders that are not names', '{"version":1,"holders":{"k":1},"ages":{}}'],
    ['ages that are not numbers', '{"version":1,"holders":{},"ages":{"a/svc/x":"old"}}'],
    ['empty', ''],
  ])('a file that is %s is ignored with a warning', async (_what, text) => {
    const dir = tempDir();
    writeFileSync(path.join(dir, FILE), text);
    const log = captureLog();
    expect(await loadRemembered(dir, log.logger)).toBeUndefined();
    expect(log.withMsg('state file unreadable, ignored: conflict winners start from a stable order')).toEqual([expect.objectContaining({ level: 40, file: path.join(dir, FILE), err: expect.any(String) as unknown })]);
  });

  it('a file that cannot be read is ignored with a warning; a folder that cannot be written is a warning too', async () => {
    const dir = tempDir();
    mkdirSync(path.join(dir, FILE));
    const log = captureLog();
    expect(await loadRemembered(dir, log.logger)).toBeUndefined();
    expect(log.withMsg('cannot read the state file: conflict winners start from a stable order')).toHaveLength(1);
    const file = path.join(tempDir(), 'a-file');
    writeFileSync(file, '');
    const writer = createMemoryWriter(file, log.logger);
    writer.save(R1);
    await writer.flush();
    expect(log.withMsg('cannot write the state file: a restart may settle conflicts differently')).toEqual([expect.objectContaining({ level: 40, err: expect.any(String) as unknown })]);
  });

  it('writes atomically: a reader sees no file or a whole one, never a part; no temporary file stays', async () => {
    const dir = tempDir();
    const log = captureLog();
    const writer = createMemoryWriter(dir, log.logger, 0);
    const big = (n: number): Remembered => remembered(Object.fromEntries(Array.from({ length: 1000 }, (_, i) => [`key ${i} ${n}`, `ns/svc/s${i}.expose#0`])), { [`ns/svc/${n}`]: n });
    let writing = true;
    let reads = 0;
    const partial: string[] = [];
    const reader = (async () => {
      while (writing) {
        const text = await readFile(path.join(dir, FILE), 'utf8').catch(() => undefined);
        if (text === undefined) continue;
        reads += 1;
        try {
          JSON.parse(text);
        } catch {
          partial.push(text.slice(-40));
        }
      }
    })();
    for (let n = 0; n < 60; n++) {
      writer.save(big(n));
      await writer.flush();
    }
    writing = false;
    await reader;
    expect(reads).toBeGreaterThan(0);
    expect(partial).toEqual([]);
    expect((await loadRemembered(dir, log.logger))?.ages).toEqual(new Map([['ns/svc/59', 59]]));
    expect(readdirSync(dir)).toEqual([FILE]);
  });

  it('skips the write when nothing changed, and waits for the delay before writing', async () => {
    const dir = tempDir();
    const log = captureLog();
    const writer = createMemoryWriter(dir, log.logger, 60_000);
    writer.save(R1);
    expect(existsSync(path.join(dir, FILE))).toBe(false);
    await writer.flush();
    // mark the file: a write would replace it
    writeFileSync(path.join(dir, FILE), 'marker');
    writer.save(remembered(Object.fromEntries(R1.holders), Object.fromEntries(R1.ages)));
    await writer.flush();
    expect(readFileSync(path.join(dir, FILE), 'utf8')).toBe('marker');
  });

  it('a change undone before the write leaves the file as it is, not at the undone state', async () => {
    const dir = tempDir();
    const log = captureLog();
    const writer = createMemoryWriter(dir, log.logger, 60_000);
    writer.save(R1);
    await writer.flush();
    writer.save(R2);
    writer.save(R1);
    await writer.flush();
    expect(await loadRemembered(dir, log.logger)).toEqual(R1);
    // undone while its write is under way: the undoing is written after it
    writer.save(R2);
    const first = writer.flush();
    writer.save(R1);
    await Promise.all([first, writer.flush()]);
    expect(await loadRemembered(dir, log.logger)).toEqual(R1);
  });
});
