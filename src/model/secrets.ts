// Checks of certificate material before it is served: PEM chains parse, the private key parses
// (with its password when encrypted) and matches the leaf certificate, CA bundles parse, pinned
// hashes are SHA-256 fingerprints. Refusals never quote secret material.
import { createHash, createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import { isIP } from 'node:net';
import { accept, refuse, type Parsed } from './problems.js';
import type { SubjectAltName } from './types.js';

const PEM_CERT = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;

function cryptoReason(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  // OpenSSL messages name routines and reasons, never the input; keep them short anyway.
  return text.split('\n')[0]?.slice(0, 120) ?? 'unknown error';
}

/** Parse every certificate of a PEM bundle; at least one is required. */
export function parseCertificates(pem: string, what: string): Parsed<X509Certificate[]> {
  const blocks = pem.match(PEM_CERT) ?? [];
  if (blocks.length === 0) return refuse('InvalidSecret', `${what} holds no PEM certificate (-----BEGIN CERTIFICATE-----).`);
  const certs: X509Certificate[] = [];
  for (const [i, block] of blocks.entries()) {
    try {
      certs.push(new X509Certificate(block));
    } catch (err) {
      return refuse('InvalidSecret', `certificate ${i + 1} of ${what} does not parse: ${cryptoReason(err)}.`);
    }
  }
  return accept(certs);
}

export function parsePrivateKey(pem: string, password: string | undefined, what: string): Parsed<KeyObject> {
  const encrypted = /ENCRYPTED/.test(pem);
  if (encrypted && (password === undefined || password === '')) {
    return refuse('InvalidSecret', `${what} is encrypted and no password is given.`);
  }
  try {
    return accept(createPrivateKey(password === undefined ? { key: pem, format: 'pem' } : { key: pem, format: 'pem', passphrase: password }));
  } catch (err) {
    const why = encrypted ? 'it is encrypted and the password does not open it' : cryptoReason(err);
    return refuse('InvalidSecret', `${what} is not a usable PEM private key: ${why}.`);
  }
}

/** The EC curves Envoy serves (ContextImpl::ContextImpl, source/common/tls/context_impl.cc). */
const ENVOY_CURVES = new Set(['prime256v1', 'secp384r1', 'secp521r1']);

/**
 * The leaf's key is one Envoy loads: RSA of 2048 bits or more, ECDSA on P-256, P-384 or P-521, or
 * Ed25519 (BoringSSL); anything else makes Envoy refuse the whole Secret.
 */
function checkLeafKey(leaf: X509Certificate, what: string): Parsed<true> {
  const key = leaf.publicKey;
  const details = key.asymmetricKeyDetails ?? {};
  const type = key.asymmetricKeyType ?? 'unknown';
  if (type === 'rsa' && (details.modulusLength ?? 0) < 2048) {
    return refuse('InvalidSecret', `the first certificate of ${what} has a ${details.modulusLength ?? '?'}-bit RSA key; Envoy takes RSA keys of 2048 bits or more.`);
  }
  if (type === 'ec' && !ENVOY_CURVES.has(details.namedCurve ?? '')) {
    return refuse('InvalidSecret', `the first certificate of ${what} has an EC key on ${details.namedCurve ?? 'an unnamed curve'}; Envoy takes P-256, P-384 or P-521.`);
  }
  if (type !== 'rsa' && type !== 'ec' && type !== 'ed25519') {
    return refuse('InvalidSecret', `the first certificate of ${what} has a ${type} key; Envoy takes RSA, ECDSA (P-256, P-384, P-521) or Ed25519.`);
  }
  return accept(true);
}

/**
 * Certificate material known to be good, by a digest of its content: a certificate is parsed and
 * checked once per distinct content, however many services or secret objects carry it (10,000
 * services sharing one certificate cost one check). Only successes are kept (a refusal names the
 * secret, so it is worded per use); the set is bounded, oldest forgotten first.
 */
const GOOD_PAIRS_MAX = 4096;
const goodPairs = new Set<string>();
let parses = 0;

/** How many certificate/key pairs were parsed since the process started (work counters for tests and benches). */
export function keyPairParses(): number {
  return parses;
}

function pairDigest(chain: string, key: string, password: string | undefined): string {
  return createHash('sha256').update(chain).update('\0').update(key).update('\0').update(password ?? '').digest('base64');
}

/**
 * A certificate chain and its key: both parse, the leaf's key is one Envoy loads, and the key
 * belongs to the leaf (first) certificate. `contentKey`, when given, is a digest of content that
 * determines the chain, key and password (a secret object's values): it stands for their hash.
 */
export function checkKeyPair(chain: string, key: string, password: string | undefined, names: { chain: string; key: string }, contentKey?: string): Parsed<true> {
  const digest = contentKey === undefined ? pairDigest(chain, key, password) : `values:${contentKey}`;
  if (goodPairs.has(digest)) return accept(true);
  parses += 1;
  const result = checkKeyPairOnce(chain, key, password, names);
  if (result.ok) {
    if (goodPairs.size >= GOOD_PAIRS_MAX) goodPairs.delete(goodPairs.values().next().value ?? '');
    goodPairs.add(digest);
  }
  return result;
}

function checkKeyPairOnce(chain: string, key: string, password: string | undefined, names: { chain: string; key: string }): Parsed<true> {
  const certs = parseCertificates(chain, names.chain);
  if (!certs.ok) return certs;
  const keyObject = parsePrivateKey(key, password, names.key);
  if (!keyObject.ok) return keyObject;
  const leaf = certs.value[0];
  const usable = leaf === undefined ? undefined : checkLeafKey(leaf, names.chain);
  if (usable !== undefined && !usable.ok) return usable;
  if (leaf === undefined || !leaf.checkPrivateKey(keyObject.value)) {
    return refuse('InvalidSecret', `${names.key} does not belong to the first certificate of ${names.chain} (subject ${leaf?.subject.replace(/\n/g, ', ') ?? '?'}).`);
  }
  return accept(true);
}

const goodBundles = new Set<string>();

/** parseCertificates of a CA bundle whose content `contentKey` determines: parsed once per content while it is good. */
export function checkCertificates(pem: string, what: string, contentKey: string | undefined): Parsed<true> {
  if (contentKey !== undefined && goodBundles.has(contentKey)) return accept(true);
  const certs = parseCertificates(pem, what);
  if (!certs.ok) return certs;
  if (contentKey !== undefined) {
    if (goodBundles.size >= GOOD_PAIRS_MAX) goodBundles.delete(goodBundles.values().next().value ?? '');
    goodBundles.add(contentKey);
  }
  return accept(true);
}

/** `verify_certificate_hash`: SHA-256 fingerprints separated by commas or spaces, colons allowed. */
export function parseCertificateHashes(text: string, what = 'verify_certificate_hash'): Parsed<string[]> {
  const entries = text.split(/[\s,]+/).filter((s) => s !== '');
  const out: string[] = [];
  for (const [i, entry] of entries.entries()) {
    const hex = entry.replace(/:/g, '').toLowerCase();
    if (!/^[0-9a-f]{64}$/.test(hex)) {
      return refuse('InvalidSecret', `${what} entry ${i + 1} is not a SHA-256 fingerprint (64 hex digits, colons allowed).`);
    }
    if (!out.includes(hex)) out.push(hex);
  }
  return accept(out);
}

/** What operators need to know of a served certificate: its validity dates and the names it covers. */
export interface LeafFacts {
  /** Epoch milliseconds. */
  readonly notBefore: number;
  readonly notAfter: number;
  /** Subject alternative names as written (`DNS:a.org`, `IP Address:10.0.0.1`, ...). */
  readonly names: readonly string[];
  /** The DNS names among them, lower-cased. */
  readonly dnsNames: readonly string[];
}

const leafFacts = new Map<string, LeafFacts | null>();

/** The first certificate of a PEM chain, its dates and names; remembered per content (`contentKey`: a digest determining the PEM, see checkKeyPair). */
export function leafOf(pem: string, contentKey?: string): LeafFacts | undefined {
  const key = contentKey === undefined ? createHash('sha256').update(pem).digest('base64') : `values:${contentKey}`;
  const known = leafFacts.get(key);
  if (known !== undefined) return known ?? undefined;
  let facts: LeafFacts | null = null;
  const block = pem.match(PEM_CERT)?.[0];
  try {
    if (block !== undefined) {
      const leaf = new X509Certificate(block);
      const names = (leaf.subjectAltName ?? '').split(/,\s*/).filter((n) => n !== '');
      const dnsNames = names.filter((n) => n.startsWith('DNS:')).map((n) => n.slice(4).toLowerCase());
      facts = { notBefore: Date.parse(leaf.validFrom), notAfter: Date.parse(leaf.validTo), names, dnsNames };
    }
  } catch {
    facts = null;
  }
  if (leafFacts.size >= GOOD_PAIRS_MAX) leafFacts.delete(leafFacts.keys().next().value ?? '');
  leafFacts.set(key, facts);
  return facts ?? undefined;
}

/** True when a certificate name (`a.org`, `*.a.org`) covers `host` (RFC 6125: one leftmost label). */
export function nameCovers(name: string, host: string): boolean {
  const h = host.toLowerCase();
  if (name === h) return true;
  if (!name.startsWith('*.')) return false;
  const dot = h.indexOf('.');
  return dot > 0 && h.slice(dot) === name.slice(1);
}

const SAN_TYPES: Readonly<Record<string, SubjectAltName['type']>> = { dns: 'DNS', uri: 'URI', email: 'EMAIL', ip: 'IP_ADDRESS' };
const DNS_NAME = /^(\*\.)?([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?\.)*[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?$/i;

/** `verify_subject_alt_name`: names separated by commas or spaces, each `DNS:`, `URI:`, `EMAIL:` or `IP:` (bare: DNS). `what` starts the refusal (`... has `). */
export function parseSubjectAltNames(text: string | readonly string[], what: string): Parsed<SubjectAltName[]> {
  const entries = (typeof text === 'string' ? text.split(/[\s,]+/) : [...text]).map((e) => e.trim()).filter((e) => e !== '');
  const out: SubjectAltName[] = [];
  for (const entry of entries) {
    const m = /^([A-Za-z]+):(.+)$/.exec(entry);
    const type = m === null ? 'DNS' : SAN_TYPES[(m[1] ?? '').toLowerCase()];
    const value = m === null ? entry : (m[2] ?? '');
    const ok = type === 'DNS' ? DNS_NAME.test(value) : type === 'IP_ADDRESS' ? isIP(value) !== 0 : type === 'EMAIL' ? /^[^@\s]+@[^@\s]+$/.test(value) : type === 'URI' ? /^[a-z][a-z0-9+.-]*:\S+$/i.test(value) : false;
    if (type === undefined || !ok) return refuse('InvalidValue', `${what}${JSON.stringify(entry)}, which is not a subject alternative name (DNS:name, URI:uri, EMAIL:address or IP:address; a bare name is DNS).`);
    if (!out.some((x) => x.type === type && x.value === value)) out.push({ type, value });
  }
  return entries.length === 0 ? refuse('InvalidValue', `${what}no subject alternative name.`) : accept(out);
}
