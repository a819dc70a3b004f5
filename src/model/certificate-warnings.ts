// Warnings about the certificates a listener serves (served anyway: operators sometimes need an
// expired or mismatched certificate to stay up, but they must see it): not valid yet, expired, or
// names that do not cover the names clients ask for (the `sni` names, else the vhost domains;
// wildcard vhost domains that no certificate name can express, `*` and `shop.*`, are skipped).
// Only certificates the janitor holds (secret objects, inline keywords) are read; files on the
// Envoy host are not.
import { problem } from './problems.js';
import type { CertificateSpec } from './certificate.js';
import { where, type Scope } from './scope.js';
import { leafOf, nameCovers } from './secrets.js';

const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.000Z$/, 'Z');

export function certificateWarnings(scope: Scope, certificates: readonly CertificateSpec[], hostnames: readonly string[], now: number): void {
  const hosts = [...new Set(hostnames.map((h) => h.toLowerCase()))].filter((h) => !h.includes('*') || /^\*\.[^*]+$/.test(h));
  for (const spec of certificates) {
    for (const secret of spec.secrets) {
      if (secret.kind !== 'tls_certificate' || !('inline' in secret.certificateChain)) continue;
      const leaf = leafOf(secret.certificateChain.inline, secret.contentKey);
      if (leaf === undefined) continue;
      const at = where(scope, spec.certificate.rid);
      const keyword = secret.name.startsWith('tls_certificate/') && secret.name.includes('/sec/') ? 'certificate_secret' : 'certificate_chain_inline_string';
      const dates = (): string => `valid from ${iso(leaf.notBefore)} to ${iso(leaf.notAfter)}`;
      if (now > leaf.notAfter) scope.warnings.add(problem(at, keyword, 'CertificateValidity', `the certificate of ${secret.name} expired on ${iso(leaf.notAfter)} (${dates()}); it is served anyway: renew it.`, secret.name));
      else if (now < leaf.notBefore) scope.warnings.add(problem(at, keyword, 'CertificateValidity', `the certificate of ${secret.name} is not valid yet (${dates()}); it is served anyway.`, secret.name));
      const uncovered = hosts.filter((h) => !leaf.dnsNames.some((n) => nameCovers(n, h) || n === h));
      if (uncovered.length > 0) {
        const names = leaf.names.length > 0 ? leaf.names.join(', ') : 'no subject alternative name';
        scope.warnings.add(problem(at, keyword, 'CertificateValidity', `the certificate of ${secret.name} does not cover ${uncovered.join(', ')} (its names: ${names}; ${dates()}); clients checking names will refuse it. It is served anyway.`, secret.name));
      }
    }
  }
}
