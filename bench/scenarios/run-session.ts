// A scenario's session with the run's options: opened, handed to the measurement, always closed.
import type { Value } from '../harness/figures.js';
import { openSession, type Session, type Sync } from '../harness/session.js';
import type { Measured, RunContext } from './types.js';

export interface SessionSize {
  readonly services: number;
  readonly clients: number;
}

/**
 * Open a session, wait for the first sync, run `measure`, close. When the first sync times out,
 * `measure` is not run: every figure in `keys` is a timeout, except those `partial` can still tell.
 */
export async function withSession(
  ctx: RunContext,
  size: SessionSize,
  keys: readonly string[],
  measure: (session: Session, sync: Sync) => Promise<Measured>,
  partial?: (session: Session) => Promise<Record<string, Value>>,
): Promise<Measured> {
  const o = ctx.options;
  ctx.log(`${ctx.kind} run ${ctx.run}: ${size.services} services, ${size.clients} clients: starting`);
  const session = await openSession({
    kind: ctx.kind, services: size.services, clients: size.clients, transport: o.transport,
    janitorBuild: o.janitorBuild, syncTimeoutMs: o.timeoutMs, ...(ctx.cpuProfDir ? { cpuProfDir: ctx.cpuProfDir } : {}),
  });
  try {
    if ('timeout' in session.sync) {
      const values: Record<string, Value> = { ...Object.fromEntries(keys.map((k) => [k, 'timeout'])), ...(await partial?.(session)) };
      return { values, notes: [`first sync: ${session.sync.timeout}`, `server log: ${session.server.logTail(3)}`] };
    }
    ctx.log(`${ctx.kind} run ${ctx.run}: clients hold everything after ${(session.sync.allHeldAt - session.sync.spawnedAt).toFixed(0)} ms`);
    const measured = await measure(session, session.sync);
    const drops = session.server.alive() ? (await session.clients.status()).reduce((n, c) => n + c.drops, 0) : 0;
    return drops > 0 ? { ...measured, notes: [...measured.notes, `${drops} client stream(s) dropped by the server (opened again)`] } : measured;
  } finally {
    await session.close();
  }
}
