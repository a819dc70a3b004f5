// /config_dump: what the cache serves, per type, decoded back from the exact bytes Envoy receives,
// with secret values redacted.
import type { ResourceCache } from '../xds/cache.js';
import { ADS_ORDER, type TypeUrl } from '../xds/types.js';
import { decodeMessage } from '../proto/codec.js';
import { redactSecrets } from './redact.js';
import { shortType } from './metrics.js';

export interface DumpedResource {
  readonly name: string;
  readonly version: string;
  readonly resource: unknown;
}

function decode(typeUrl: TypeUrl, bytes: Uint8Array): unknown {
  try {
    return decodeMessage(typeUrl.slice(typeUrl.lastIndexOf('/') + 1), bytes);
  } catch (error) {
    return { error: `undecodable: ${error instanceof Error ? error.message : String(error)}` };
  }
}

/** What `?type=` accepts (any case), in ADS order: `Cluster`, `ClusterLoadAssignment`, `Secret`, `Listener`, `RouteConfiguration`. */
export const DUMP_TYPES: readonly string[] = ADS_ORDER.map(shortType);

export function isDumpType(text: string): boolean {
  return DUMP_TYPES.some((t) => t.toLowerCase() === text.toLowerCase());
}

/** Keys: DUMP_TYPES, or only the one asked for. */
export function configDump(cache: ResourceCache, only?: string): Record<string, { version: string; resources: DumpedResource[] }> {
  const out: Record<string, { version: string; resources: DumpedResource[] }> = {};
  for (const typeUrl of ADS_ORDER) {
    const key = shortType(typeUrl);
    if (only && only.toLowerCase() !== key.toLowerCase()) continue;
    out[key] = {
      version: cache.systemVersion(typeUrl),
      resources: cache.list(typeUrl).map((r) => ({ name: r.name, version: r.version, resource: redactSecrets(typeUrl.slice(typeUrl.lastIndexOf('/') + 1), decode(typeUrl, r.bytes)) })),
    };
  }
  return out;
}
