// The README's metrics table is the operator's reference: exactly the janitor's own metrics, with
// the type each really has.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { createMetrics } from '../../src/admin/metrics.js';
import { ROOT } from '../e2e/support.js';

it('documents every xds_ metric the janitor registers, with its type, and no other', () => {
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const table = readme.slice(readme.indexOf('## Metrics'), readme.indexOf('## Logs'));
  const documented = [...table.matchAll(/^\| `(xds_\w+)` \| (\w+) \|/gm)].map((m) => `${m[1] ?? ''} ${m[2] ?? ''}`).sort();
  const registered = createMetrics()
    .registry.getMetricsAsArray()
    .filter((m) => m.name.startsWith('xds_'))
    .map((m) => `${m.name} ${String(m.type)}`)
    .sort();
  expect(registered.length).toBeGreaterThan(10);
  expect(documented).toEqual(registered);
});
