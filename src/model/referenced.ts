// Which secret objects a service needs (so the janitor fetches them before building it), and the
// inverse: which services use a secret (so a secret change rebuilds exactly those services).
import { parseSecretName } from './certificate.js';
import { parseList } from './keywords.js';
import { secretPath, splitPath } from './names.js';
import { compareStrings, exposeRids, hasType, isScalerSlave, keyword, readService, SECTION_TYPE, type ServiceSections } from './sections.js';
import type { ClusterState } from '../source/types.js';

/** Secret object paths (`<ns>/sec/<name>`) the service's exposes for this gateway name, sorted. */
export function referencedSecrets(state: ClusterState, path: string, gateway: string): string[] {
  if (splitPath(path).kind !== 'svc' || isScalerSlave(state, path)) return [];
  return secretsOf(readService(state, path), gateway);
}

/** How a service uses a secret object: as a certificate and key, as a validation context, or both. */
export type SecretUse = 'certificate' | 'validation';

/** referencedSecrets of a service already read. */
export function secretsOf(svc: ServiceSections, gateway: string): string[] {
  return [...secretUsesOf(svc, gateway).keys()].sort(compareStrings);
}

/** The secret objects a service names, and how it uses each (so only the keys needed are read). */
export function secretUsesOf(svc: ServiceSections, gateway: string): Map<string, Set<SecretUse>> {
  const uses = new Map<string, Set<SecretUse>>();
  for (const rid of exposeRids(svc, gateway)) {
    const expose = svc.sections.get(rid);
    if (expose === undefined) continue;
    for (const kw of ['listener_certificates', 'cluster_certificates']) {
      const rids = parseList(keyword(expose, kw) ?? []);
      for (const certRid of rids.ok ? rids.value : []) {
        const cert = svc.sections.get(certRid);
        if (cert === undefined || !hasType(cert, SECTION_TYPE.certificate)) continue;
        for (const [secretKw, use] of [['certificate_secret', 'certificate'], ['validation_secret', 'validation']] as const) {
          const name = parseSecretName(keyword(cert, secretKw));
          if (!name.ok) continue;
          const path = secretPath(svc.namespace, name.value);
          const set = uses.get(path) ?? new Set<SecretUse>();
          set.add(use);
          uses.set(path, set);
        }
      }
    }
  }
  return uses;
}

/** Service paths whose exposes for this gateway use the secret object `secret`, sorted. Scans the cluster. */
export function servicesUsingSecret(state: ClusterState, secret: string, gateway: string): string[] {
  const out: string[] = [];
  for (const path of state.services.keys()) {
    if (referencedSecrets(state, path, gateway).includes(secret)) out.push(path);
  }
  return out.sort(compareStrings);
}
