// proto/README.md says which Envoy API the janitor's protos match; this checks it against what is
// installed, so an upgrade of @grpc/grpc-js-xds cannot leave that page wrong: the package version,
// a field of the documented data-plane-api snapshot present, a field of the next Envoy release
// absent, all read through the loader the janitor uses.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { expect, it } from 'vitest';
import { messageType } from '../../src/proto/root.js';
import { ROOT } from './support.js';

const PAGE = readFileSync(path.join(ROOT, 'proto/README.md'), 'utf8');
const installed = (createRequire(import.meta.url)('@grpc/grpc-js-xds/package.json') as { version: string }).version;

it('documents the installed @grpc/grpc-js-xds version', () => {
  expect(/pins `@grpc\/grpc-js-xds` \*\*([^*]+)\*\*/.exec(PAGE)?.[1]).toBe(installed);
});

it('loads the documented API level: Envoy 1.31 (data-plane-api f8b75d1e), nothing of 1.32', () => {
  expect(PAGE).toContain('f8b75d1efa92bbf534596a013d9ca5873f79dd30');
  const cluster = messageType('envoy.config.cluster.v3.Cluster');
  expect(Object.keys(cluster.fields)).toContain('lrs_report_endpoint_metrics'); // renamed by f8b75d1e itself
  expect(Object.keys(cluster.fields)).not.toContain('dns_jitter'); // Envoy 1.32
});
