// What one service's exposes ask of listener ports, read from its keywords without a full build:
// the address, and `listener_port` when set, else the backend `port` (the keyword's documented
// default); 0 asks the janitor for an allocation. Invalid values are left to the model, which
// reports them; here they simply use no port.
import { parseAddress, parseListenerPort, parsePort } from '../model/keywords.js';
import { exposeRids, keyword, type ServiceSections } from '../model/sections.js';

export interface ExposePort {
  readonly service: string;
  readonly rid: string;
  /** Normalised listener address (`0.0.0.0` by default, IPv6 without brackets). */
  readonly address: string;
  /** The port it listens on; 0: it asks for an allocation; undefined: unknown (invalid keywords). */
  readonly port: number | undefined;
}

/** The listener ports a service's exposes for this gateway use or ask for, by expose rid. */
export function exposePorts(svc: ServiceSections, gateway: string): ExposePort[] {
  const out: ExposePort[] = [];
  for (const rid of exposeRids(svc, gateway)) {
    const res = svc.sections.get(rid);
    if (res === undefined) continue;
    const addr = keyword(res, 'listener_addr');
    const address = addr === undefined ? { ok: true as const, value: '0.0.0.0' } : parseAddress(addr);
    if (!address.ok) continue;
    const asked = keyword(res, 'listener_port');
    const port = asked === undefined ? parsePort(keyword(res, 'port')) : parseListenerPort(asked);
    out.push({ service: svc.path, rid, address: address.value, port: port.ok ? port.value : undefined });
  }
  return out;
}
