// `certificate#N` (certificate.tls): where a certificate and key come from, resolved to SDS names,
// and the SDS secrets themselves (values from the secret objects or inline keywords, checked).
import type { ModelContext } from './context.js';
import { parseAbsolutePath, parseList, parseString, parseText } from './keywords.js';
import { inlineTlsSecretName, secretPath, tlsSecretName, validationSecretName } from './names.js';
import { accept, refuse, show, type Parsed } from './problems.js';
import { memo, reader, type Scope, type SectionReader } from './scope.js';
import { checkCertificates, checkKeyPair, parseCertificateHashes, parseSubjectAltNames } from './secrets.js';
import type { Certificate, DataSource, SecretModel, SubjectAltName, TlsCertificateSecret, ValidationContextSecret } from './types.js';

export interface CertificateSpec {
  readonly certificate: Certificate;
  /** The SDS secrets it needs, values included. */
  readonly secrets: readonly SecretModel[];
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/**
 * A secret object name. `name`, `sec/name` and `<ns>/sec/name` are accepted, and only the name is
 * kept: the secret is always looked up in the service's own namespace, as the Python janitor did
 * (a service cannot read another namespace's secrets through the gateway).
 */
/** Why a secret object is missing: the source's own error when it gave one. */
function unreadable(ctx: ModelContext, path: string): string {
  const error = ctx.secretError?.(path);
  return error === undefined ? `the secret ${path} could not be read (missing, or not fetched yet).` : `the secret ${path} could not be read: ${error}.`;
}

export function parseSecretName(value: unknown): Parsed<string> {
  const text = parseString(value);
  if (!text.ok) return text;
  const parts = text.value.split('/');
  const name = parts[parts.length - 1] ?? '';
  const kindOk = parts.length === 1 || (parts.length <= 3 && parts[parts.length - 2] === 'sec');
  if (!kindOk || !NAME.test(name)) {
    return refuse('InvalidValue', `${show(value)} is not a secret name (name, sec/name or namespace/sec/name).`);
  }
  return accept(name);
}

function source(r: SectionReader, part: 'certificate_chain' | 'private_key'): DataSource | undefined {
  const fileKw = `${part}_filename`;
  const inlineKw = `${part}_inline_string`;
  const file = r.get(fileKw, parseAbsolutePath);
  const inline = r.get(inlineKw, parseText, true);
  if (file !== undefined && inline !== undefined) {
    r.report(inlineKw, 'InvalidValue', `${fileKw} and ${inlineKw} are both set; keep one source for the ${part.replace('_', ' ')}.`);
    return undefined;
  }
  return file !== undefined ? { filename: file } : inline !== undefined ? { inline } : undefined;
}

function localTlsSecret(scope: Scope, r: SectionReader): TlsCertificateSecret | undefined {
  const chain = source(r, 'certificate_chain');
  const key = source(r, 'private_key');
  if (chain === undefined && key === undefined) return undefined;
  if (chain === undefined || key === undefined) {
    const missing = chain === undefined ? 'certificate_chain_filename or certificate_chain_inline_string' : 'private_key_filename or private_key_inline_string';
    r.report(chain === undefined ? 'certificate_chain_filename' : 'private_key_filename', 'MissingKeyword', `a certificate given by keywords needs both a chain and a key, and ${missing} is not set.`);
    return undefined;
  }
  if ('inline' in chain && 'inline' in key) {
    const pair = checkKeyPair(chain.inline, key.inline, undefined, { chain: 'certificate_chain_inline_string', key: 'private_key_inline_string' });
    if (!pair.ok) r.report('private_key_inline_string', pair.reason, pair.message);
  }
  return { kind: 'tls_certificate', name: inlineTlsSecretName(scope.svc.path, r.rid), certificateChain: chain, privateKey: key };
}

function fromSecretObject(scope: Scope, ctx: ModelContext, r: SectionReader, name: string): TlsCertificateSecret | undefined {
  const path = secretPath(scope.svc.namespace, name);
  const values = ctx.secrets(path);
  if (values === undefined) {
    r.report('certificate_secret', 'SecretUnavailable', unreadable(ctx, path), path);
    return undefined;
  }
  const missing = (['certificate_chain', 'private_key'] as const).filter((k) => values[k] === undefined || values[k] === '');
  if (missing.length > 0) {
    r.report('certificate_secret', 'InvalidSecret', `the secret ${path} has no ${missing.join(' and no ')} key.`, path);
    return undefined;
  }
  const chain = values.certificate_chain ?? '';
  const key = values.private_key ?? '';
  const password = values.password === '' ? undefined : values.password;
  const contentKey = ctx.secretDigest?.(path);
  const pair = checkKeyPair(chain, key, password, { chain: `${path} certificate_chain`, key: `${path} private_key` }, contentKey);
  if (!pair.ok) {
    r.report('certificate_secret', pair.reason, pair.message, path);
    return undefined;
  }
  const base = { kind: 'tls_certificate', name: tlsSecretName(scope.svc.namespace, name), certificateChain: { inline: chain }, privateKey: { inline: key }, ...(contentKey !== undefined && { contentKey }) } as const;
  return password === undefined ? base : { ...base, password: { inline: password } };
}

function validationContext(scope: Scope, ctx: ModelContext, r: SectionReader, name: string): ValidationContextSecret | undefined {
  const path = secretPath(scope.svc.namespace, name);
  const values = ctx.secrets(path);
  if (values === undefined) {
    r.report('validation_secret', 'SecretUnavailable', unreadable(ctx, path), path);
    return undefined;
  }
  const ca = values.trusted_ca === '' ? undefined : values.trusted_ca;
  const hashText = values.verify_certificate_hash ?? '';
  if (ca === undefined && hashText.trim() === '') {
    r.report('validation_secret', 'InvalidSecret', `the secret ${path} has neither a trusted_ca nor a verify_certificate_hash key.`, path);
    return undefined;
  }
  const contentKey = ctx.secretDigest?.(path);
  const cas = ca === undefined ? undefined : checkCertificates(ca, `${path} trusted_ca`, contentKey);
  const hashes = parseCertificateHashes(hashText, `${path} verify_certificate_hash`);
  const bad = cas !== undefined && !cas.ok ? cas : !hashes.ok ? hashes : undefined;
  if (bad !== undefined && !bad.ok) {
    r.report('validation_secret', bad.reason, bad.message, path);
    return undefined;
  }
  const sanText = values.verify_subject_alt_name ?? '';
  const sans = sanText.trim() === '' ? undefined : parseSubjectAltNames(sanText, `the secret ${path} verify_subject_alt_name has `);
  if (sans !== undefined && !sans.ok) {
    r.report('validation_secret', 'InvalidSecret', sans.message, path);
    return undefined;
  }
  if (sans !== undefined && ca === undefined) {
    r.report('validation_secret', 'InvalidSecret', `the secret ${path} has verify_subject_alt_name and no trusted_ca: Envoy refuses name checks of peer certificates without a trusted CA.`, path);
    return undefined;
  }
  const verifyCertificateHash = hashes.ok ? hashes.value : [];
  const base = { kind: 'validation_context', name: validationSecretName(scope.svc.namespace, name), verifyCertificateHash, subjectAltNames: sans?.ok ? sans.value : [], ...(contentKey !== undefined && { contentKey }) } as const;
  return ca === undefined ? base : { ...base, trustedCa: { inline: ca } };
}

function parseSanKeyword(v: unknown): Parsed<SubjectAltName[]> {
  const list = parseList(v);
  if (!list.ok) return list;
  return parseSubjectAltNames(list.value, 'has ');
}

export function parseCertificate(scope: Scope, ctx: ModelContext, rid: string): CertificateSpec | undefined {
  return memo(scope, rid, () => {
    const res = scope.svc.sections.get(rid);
    if (res === undefined) return undefined;
    const r = reader(scope, rid, res);
    const secretName = r.get('certificate_secret', parseSecretName);
    const validationName = r.get('validation_secret', parseSecretName);
    const local = localTlsSecret(scope, r);
    if (secretName !== undefined && local !== undefined) {
      r.report('certificate_secret', 'InvalidValue', 'certificate_secret and the *_filename / *_inline_string keywords are both set; keep one source for the certificate.');
    } else if (secretName === undefined && local === undefined && validationName === undefined && r.clean()) {
      r.report('certificate_secret', 'MissingKeyword', 'a certificate needs certificate_secret, or certificate_chain_* and private_key_* keywords, or (to check a backend without a client certificate) validation_secret alone, and none is set.');
    }
    const tls = secretName !== undefined ? fromSecretObject(scope, ctx, r, secretName) : local;
    const validation = validationName === undefined ? undefined : validationContext(scope, ctx, r, validationName);
    const sans = r.get('verify_subject_alt_name', parseSanKeyword);
    if (sans !== undefined && validation?.trustedCa === undefined && r.clean()) {
      r.report('verify_subject_alt_name', 'MissingKeyword', 'verify_subject_alt_name checks the names of peer certificates, which Envoy does only against a trusted CA: set validation_secret to a secret with a trusted_ca key.', sans.map((n) => `${n.type}:${n.value}`));
    }
    if (!r.clean() || (tls === undefined && validation === undefined)) return undefined;
    const certificate: Certificate = {
      rid,
      ...(tls !== undefined && { tlsSecret: tls.name }),
      ...(validation !== undefined && { validationSecret: validation.name }),
      ...(sans !== undefined && { subjectAltNames: sans }),
    };
    return { certificate, secrets: [...(tls === undefined ? [] : [tls]), ...(validation === undefined ? [] : [validation])] };
  });
}
