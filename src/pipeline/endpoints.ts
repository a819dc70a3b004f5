// The endpoint path: an instance's address or state changes only its exposes'
// ClusterLoadAssignments. Nothing else of the service is rebuilt: no model, no certificate, no
// listener, no route.
import { MSG } from '../envoy/core.js';
import { ClusterLoadAssignment } from '../envoy/endpoint.js';
import { exposeEndpoints, invalidAddresses } from '../model/endpoints.js';
import type { Problem } from '../model/types.js';
import type { ServiceSections } from '../model/sections.js';
import { checkedBytes } from '../validate/check.js';
import type { ExposeUnit } from './units.js';

/** A ClusterLoadAssignment's bytes, or why it may not be served. */
export interface Assignment {
  readonly bytes?: Uint8Array;
  readonly errors: readonly string[];
}

/** The ClusterLoadAssignment of a served unit, from the service's current instances. */
export function assignmentBytes(svc: ServiceSections, unit: ExposeUnit): Assignment {
  const endpoints = exposeEndpoints(svc.instances, unit.rid, unit.backend.port);
  const message = ClusterLoadAssignment(unit.id, unit.backend.protocol, endpoints);
  const checked = checkedBytes(MSG.clusterLoadAssignment, message);
  return checked.bytes === undefined ? checked : { bytes: checked.bytes, errors: [] };
}

/** Problems of the service's instances: an ipaddr that is no IP address, located on its ip resource. */
export function addressProblems(svc: ServiceSections, exposeRids: ReadonlySet<string>): Problem[] {
  return invalidAddresses(svc.instances, exposeRids).map((bad) => ({
    service: svc.path,
    section: bad.rid,
    keyword: 'ipaddr',
    value: bad.value,
    reason: 'InvalidValue' as const,
    message: `${bad.rid} of node ${bad.node} has ipaddr ${JSON.stringify(bad.value)}, which is not an IPv4 or IPv6 address: that instance is not an endpoint of ${bad.exposes.join(', ')} (the other instances are).`,
  }));
}
