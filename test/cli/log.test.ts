// The logger: JSON lines, and secret-ish fields censored even if a caller slips.
import { Writable } from 'node:stream';
import { expect, it } from 'vitest';
import { createLogger } from '../../src/log.js';

it('writes one JSON line per event and censors private keys, passwords and inline data', () => {
  let out = '';
  const sink = new Writable({ write: (c, _e, done) => ((out += String(c)), done()) });
  const log = createLogger('info', sink);
  log.info({ service: 'a/svc/b', private_key: 'K1', tls: { password: 'P1', private_key: 'K2' }, secret: { keys: { inline_string: 'S1' } } }, 'event');
  log.debug({ private_key: 'K3' }, 'hidden below the level');
  const lines = out.trim().split('\n');
  expect(lines).toHaveLength(1);
  const line = JSON.parse(lines[0] ?? '{}') as Record<string, unknown>;
  expect(line).toMatchObject({ msg: 'event', service: 'a/svc/b', private_key: '[redacted]', tls: { password: '[redacted]', private_key: '[redacted]' } });
  for (const value of ['K1', 'K2', 'K3', 'P1', 'S1']) expect(out).not.toContain(value);
});
