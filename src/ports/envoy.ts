// Where Envoy listens itself, asked from its admin `/listeners?format=json`
// ({listener_statuses: [...]}) before an allocation, so an allocated port never collides with a
// listener Envoy has from its bootstrap. [] when Envoy does not answer within the timeout (not
// started yet, or elsewhere).
import type { ListenAddress } from './book.js';

interface EnvoyAddress {
  readonly socket_address?: { readonly address?: string; readonly port_value?: number };
}

interface EnvoyListenerStatus {
  readonly local_address?: EnvoyAddress;
  readonly additional_local_addresses?: readonly EnvoyAddress[];
}

function listenAddress(a: EnvoyAddress | undefined): ListenAddress[] {
  const port = a?.socket_address?.port_value;
  return typeof port === 'number' && port > 0 ? [{ address: a?.socket_address?.address ?? '0.0.0.0', port }] : [];
}

export async function envoyListenerPorts(envoyAdminPort: number, timeoutMs = 300): Promise<ListenAddress[]> {
  try {
    const response = await fetch(`http://127.0.0.1:${envoyAdminPort}/listeners?format=json`, { signal: AbortSignal.timeout(timeoutMs) });
    if (!response.ok) return [];
    const body = (await response.json()) as { listener_statuses?: readonly EnvoyListenerStatus[] };
    return (body.listener_statuses ?? []).flatMap((s) => [s.local_address, ...(s.additional_local_addresses ?? [])].flatMap(listenAddress));
  } catch {
    return [];
  }
}
