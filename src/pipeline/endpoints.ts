// The endpoint path: an instance's address or state changes only its exposes'
// ClusterLoadAssignments. Nothing else of the service is rebuilt: no model, no certificate, no
// listener, no route.
import { MSG } from '../envoy/core.js';
import { ClusterLoadAssignment } from '../envoy/endpoint.js';
import { exposeEndpoints } from '../model/endpoints.js';
import type { ServiceSections } from '../model/sections.js';
import { encodeOnce, fullCheck } from '../validate/check.js';
import type { ExposeUnit } from './units.js';

/** The ClusterLoadAssignment of a served unit, from the service's current instances. */
export function assignmentBytes(svc: ServiceSections, unit: ExposeUnit): { readonly bytes?: Uint8Array; readonly errors: readonly string[] } {
  const endpoints = exposeEndpoints(svc.instances, unit.rid, unit.expose.port);
  const message = ClusterLoadAssignment(unit.id, unit.expose.protocol, endpoints);
  const errors = fullCheck(MSG.clusterLoadAssignment, message);
  return errors.length > 0 ? { errors } : { bytes: encodeOnce(MSG.clusterLoadAssignment, message), errors };
}
