// The one-pass writer (src/proto/writer.ts) against the reference encoding it replaced (normalise.ts
// then protobufjs' own encoder): the same bytes for every golden resource and for random input,
// the same EncodeError where the input cannot be encoded.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toMessage } from '../../src/proto/normalise.js';
import { messageType } from '../../src/proto/root.js';
import { writeMessage } from '../../src/proto/writer.js';

const T = 'type.googleapis.com/';

function reference(fullName: string, obj: unknown): Uint8Array {
  const type = messageType(fullName);
  return type.encode(toMessage(type, obj, undefined)).finish();
}

function outcome(f: () => Uint8Array): string {
  try {
    return `bytes ${Buffer.from(f()).toString('hex')}`;
  } catch (error) {
    return `error ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`;
  }
}

/** Same bytes, or both refuse (the first problem found may differ when several fields are wrong). */
function same(fullName: string, obj: unknown): void {
  const expected = outcome(() => reference(fullName, obj));
  const got = outcome(() => writeMessage(messageType(fullName), obj));
  if (expected.startsWith('error ')) expect(got).toMatch(/^error EncodeError: /);
  else expect(got).toBe(expected);
}

const KINDS: Record<string, string> = {
  listeners: 'envoy.config.listener.v3.Listener',
  routes: 'envoy.config.route.v3.RouteConfiguration',
  clusters: 'envoy.config.cluster.v3.Cluster',
  endpoints: 'envoy.config.endpoint.v3.ClusterLoadAssignment',
  secrets: 'envoy.extensions.transport_sockets.tls.v3.Secret',
};

describe('writer', () => {
  it('writes every golden resource as the reference encoding does', () => {
    const dir = path.join(__dirname, '../golden/cases');
    let count = 0;
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.json'))) {
      const golden = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as Record<string, unknown>;
      for (const [kind, fullName] of Object.entries(KINDS)) {
        for (const resource of (golden[kind] as unknown[] | undefined) ?? []) {
          same(fullName, resource);
          count += 1;
        }
      }
    }
    expect(count).toBeGreaterThan(250);
  });

  it('agrees with the reference on random input: maps, packed repeated scalars, Anys, well-known types, defaults', () => {
    const key = fc.constantFrom(
      'name', 'virtual_hosts', 'domains', 'routes', 'match', 'prefix', 'path', 'case_sensitive', 'route', 'cluster', 'timeout', 'retry_policy', 'retriable_status_codes',
      'num_retries', 'typed_per_filter_config', 'request_headers_to_add', 'header', 'key', 'value', 'append_action', 'metadata', 'filter_metadata', 'typed_config', '@type',
      'priority', 'per_filter_config', 'include_request_attempt_count', 'internal_only_headers', 'max_direct_response_body_size_bytes', 'x',
    );
    const leaf = fc.oneof(
      fc.jsonValue({ maxDepth: 1 }),
      fc.constantFrom(0, 1, -1, 2 ** 32, '5s', '0s', 'HIGH', 'DEFAULT', true, false, '', `${T}envoy.config.core.v3.Address`, `${T}google.protobuf.Duration`, `${T}google.protobuf.Struct`),
      fc.array(fc.integer({ min: -2, max: 600 }), { maxLength: 4 }),
    );
    const json = fc.letrec((tie) => ({
      value: fc.oneof({ depthSize: 'small' }, leaf, tie('obj'), fc.array(tie('value'), { maxLength: 3 })),
      obj: fc.dictionary(key, tie('value'), { maxKeys: 4 }),
    }));
    fc.assert(
      fc.property(json.obj, (obj) => same('envoy.config.route.v3.RouteConfiguration', obj)),
      { numRuns: 800 },
    );
  });
});
