// Certificate expiry for the metrics, read from the Secrets actually served: a change set's Secret
// upserts are decoded (the same bytes Envoy gets) and their inline PEM certificates parsed; the
// earliest `notAfter` of a secret's certificates is its expiry (the chain stops working when any
// of them expires). Only certificates are read: private keys are never looked at.
import { createHash } from 'node:crypto';
import { decodeMessage } from '../proto/codec.js';
import { parseCertificates } from '../model/secrets.js';
import { TYPE, type ChangeSet } from '../xds/types.js';
import type { Metrics } from './metrics.js';

type DataSource = { readonly inline_string?: string; readonly inline_bytes?: string } | undefined;

interface DecodedSecret {
  readonly tls_certificate?: { readonly certificate_chain?: DataSource };
  readonly validation_context?: { readonly trusted_ca?: DataSource };
}

function inlinePem(source: DataSource): string | undefined {
  if (source?.inline_string !== undefined) return source.inline_string;
  if (source?.inline_bytes !== undefined) return Buffer.from(source.inline_bytes, 'base64').toString('utf8');
  return undefined;
}

/** Unix time (seconds) when the first of the secret's inline certificates expires; undefined when it has none. */
export function secretExpiry(bytes: Uint8Array): number | undefined {
  let secret: DecodedSecret;
  try {
    secret = decodeMessage('envoy.extensions.transport_sockets.tls.v3.Secret', bytes) as DecodedSecret;
  } catch {
    return undefined;
  }
  const pem = inlinePem(secret.tls_certificate?.certificate_chain) ?? inlinePem(secret.validation_context?.trusted_ca);
  if (pem === undefined) return undefined;
  // parsed once per distinct certificate, however many secrets carry it
  const key = createHash('sha256').update(pem).digest('base64');
  if (expiries.has(key)) return expiries.get(key);
  const expiry = pemExpiry(pem);
  if (expiries.size >= MAX_REMEMBERED) expiries.delete(expiries.keys().next().value ?? '');
  expiries.set(key, expiry);
  return expiry;
}

const MAX_REMEMBERED = 4096;
const expiries = new Map<string, number | undefined>();

function pemExpiry(pem: string): number | undefined {
  const parsed = parseCertificates(pem, 'secret');
  if (!parsed.ok) return undefined;
  const times = parsed.value.map((cert) => Date.parse(cert.validTo) / 1000).filter(Number.isFinite);
  return times.length > 0 ? Math.min(...times) : undefined;
}

/** Keep `xds_certificate_expiry_timestamp_seconds` in step with the Secrets a change set serves and removes. */
export function trackCertificateExpiry(metrics: Metrics, changes: ChangeSet): void {
  for (const { typeUrl, name } of changes.removals) if (typeUrl === TYPE.secret) metrics.setCertificateExpiry(name, undefined);
  for (const { typeUrl, name, bytes } of changes.upserts) if (typeUrl === TYPE.secret) metrics.setCertificateExpiry(name, secretExpiry(bytes));
}
