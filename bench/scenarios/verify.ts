// Final-state check: what every client holds against the endpoints the stand-in's table says.
import { expectedEndpoints, type BenchCluster } from '../daemon/cluster.js';

export interface Mismatch {
  /** Per client: ClusterLoadAssignments missing, differing, or not expected. */
  readonly wrong: number;
  readonly examples: string[];
}

export function compareHeld(cluster: BenchCluster, held: readonly Record<string, string[]>[]): Mismatch {
  const expected = expectedEndpoints(cluster);
  const examples: string[] = [];
  let wrong = 0;
  held.forEach((client, i) => {
    const note = (what: string): void => {
      wrong++;
      if (examples.length < 5) examples.push(`client ${i}: ${what}`);
    };
    for (const [name, endpoints] of expected) {
      const got = client[name];
      if (!got) note(`${name} missing`);
      else if (got.join(' ') !== endpoints.join(' ')) note(`${name} holds ${got.join(' ')}, expected ${endpoints.join(' ')}`);
    }
    for (const name of Object.keys(client)) if (!expected.has(name)) note(`${name} not expected`);
  });
  return { wrong, examples };
}
