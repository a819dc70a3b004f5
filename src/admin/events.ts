// The janitor's recent events for the status page: source connected, lost, resynced; conflicts;
// services turning invalid or valid again. A small ring: the oldest event goes when it is full,
// each addition is O(1), and nothing here grows with the cluster.

export type EventKind = 'source' | 'conflict' | 'service';

export interface JanitorEvent {
  /** ISO timestamp. */
  readonly at: string;
  readonly kind: EventKind;
  readonly level: 'info' | 'warn';
  readonly message: string;
}

export interface EventRing {
  add(kind: EventKind, level: JanitorEvent['level'], message: string): void;
  /** Newest first. */
  list(): JanitorEvent[];
}

export const EVENT_RING_SIZE = 50;

export function createEventRing(capacity = EVENT_RING_SIZE, now: () => Date = () => new Date()): EventRing {
  const ring: JanitorEvent[] = [];
  let next = 0;
  return {
    add(kind, level, message) {
      const event = { at: now().toISOString(), kind, level, message };
      if (ring.length < capacity) ring.push(event);
      else ring[next] = event;
      next = (next + 1) % capacity;
    },
    list() {
      const oldestFirst = ring.length < capacity ? ring : [...ring.slice(next), ...ring.slice(0, next)];
      return [...oldestFirst].reverse();
    },
  };
}
