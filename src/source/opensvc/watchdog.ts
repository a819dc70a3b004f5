// A silent events stream is not proof of a quiet cluster: the daemon may hang with the socket open.
// After `idleMs` without any message, probe the daemon with a small request. Every request makes the
// 2.1 daemon publish listener.stats patches on the stream, so a live stream speaks within a second;
// if the probe fails, or another `idleMs` passes in silence, the stream is declared dead.

export interface Watchdog {
  /** A message arrived: the stream is alive. */
  kick(): void;
  stop(): void;
}

export function createWatchdog(idleMs: number, probe: () => Promise<unknown>, dead: (reason: string) => void): Watchdog {
  let timer: NodeJS.Timeout | undefined;
  let probing = false;
  let stopped = false;

  function arm(): void {
    if (timer) clearTimeout(timer);
    timer = stopped ? undefined : setTimeout(idle, idleMs);
  }

  function idle(): void {
    if (probing) return die(`no message on the events stream for ${2 * idleMs} ms`);
    probing = true;
    arm();
    probe().catch((err: unknown) => die(`probe after ${idleMs} ms of silence failed: ${err instanceof Error ? err.message : String(err)}`));
  }

  function die(reason: string): void {
    if (stopped) return;
    stop();
    dead(reason);
  }

  function stop(): void {
    stopped = true;
    if (timer) clearTimeout(timer);
    timer = undefined;
  }

  arm();
  return {
    kick() {
      probing = false;
      arm();
    },
    stop,
  };
}
