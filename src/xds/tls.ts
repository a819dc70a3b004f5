// TLS and mutual TLS for the TCP listener, from PEM files that are reloaded when they change.
// The certificate, key and CA files are read together and checked together (the key must match
// the certificate, the CA must parse) before new connections use them: a rotation caught half
// way (a new certificate next to the old key) keeps the last good set and says why. gRPC's
// certificate-provider server credentials apply each new set to new connections; open ones keep
// theirs. With a CA, a client must present a certificate it signed (checked at the handshake).
import { createHash, X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { createSecureContext } from 'node:tls';
import { experimental, type ServerCredentials } from '@grpc/grpc-js';
import { watch, type FSWatcher } from 'chokidar';
import type { Logger } from 'pino';

type CertificateProvider = experimental.CertificateProvider;
type CaListener = experimental.CaCertificateUpdateListener;
type IdentityListener = experimental.IdentityCertificateUpdateListener;

export interface TlsFiles {
  readonly cert: string;
  readonly key: string;
  /** With a CA, clients must present a certificate it signed (mutual TLS). */
  readonly ca?: string | undefined;
}

export interface TlsCredentials {
  readonly credentials: ServerCredentials;
  readonly mutual: boolean;
  /** Read the files again now (they are also watched). Resolves once applied or refused. */
  reload(): Promise<void>;
  close(): Promise<void>;
}

interface Loaded {
  readonly cert: Buffer;
  readonly key: Buffer;
  readonly ca: Buffer | undefined;
  readonly fingerprint: string;
}

/** A trailing re-read after the last event: a rotation writes several files in a row. */
const SETTLE_MS = 100;

async function load(files: TlsFiles): Promise<Loaded> {
  const read = (file: string, what: string) =>
    readFile(file).catch((error: NodeJS.ErrnoException) => {
      throw new Error(`TLS ${what} ${file}: ${error.code ?? error.message}`);
    });
  const [cert, key, ca] = await Promise.all([read(files.cert, 'certificate'), read(files.key, 'key'), files.ca ? read(files.ca, 'CA') : undefined]);
  try {
    createSecureContext({ cert, key, ca });
  } catch (error) {
    // OpenSSL's reason (e.g. "key values mismatch"); never the key itself
    throw new Error(`TLS files ${files.cert} / ${files.key}${files.ca ? ` / ${files.ca}` : ''} do not form a usable set: ${error instanceof Error ? error.message : String(error)}`);
  }
  const fingerprint = createHash('sha256').update(cert).update('\0').update(key).update('\0').update(ca ?? '').digest('hex');
  return { cert, key, ca, fingerprint };
}

/** Subject, expiry and fingerprint of the (first) certificate, for the log; {} if it will not parse alone. */
function describe(loaded: Loaded): Record<string, string> {
  try {
    const x = new X509Certificate(loaded.cert);
    return { subject: x.subject.replace(/\n/g, ', '), notAfter: x.validTo, fingerprint: x.fingerprint256 };
  } catch {
    return {};
  }
}

/** Load the files (a bad set is an error now), then watch their folders and reload on change. */
export async function createTlsCredentials(files: TlsFiles, logger: Logger | undefined): Promise<TlsCredentials> {
  let current = await load(files);
  const caListeners = new Set<CaListener>();
  const identityListeners = new Set<IdentityListener>();
  const publish = (): void => {
    for (const l of identityListeners) l({ certificate: current.cert, privateKey: current.key });
    if (current.ca) for (const l of caListeners) l({ caCertificate: current.ca });
  };
  const provider: CertificateProvider = {
    addCaCertificateListener(l) {
      caListeners.add(l);
      if (current.ca) process.nextTick(l, { caCertificate: current.ca });
    },
    removeCaCertificateListener: (l) => void caListeners.delete(l),
    addIdentityCertificateListener(l) {
      identityListeners.add(l);
      process.nextTick(l, { certificate: current.cert, privateKey: current.key });
    },
    removeIdentityCertificateListener: (l) => void identityListeners.delete(l),
  };
  const mutual = files.ca !== undefined;
  // grpc-js reads the first provider as the identity one, the second as the CA one
  const credentials = experimental.createCertificateProviderServerCredentials(provider, mutual ? provider : null, mutual);
  logger?.info({ ...describe(current), mutual }, 'xDS TLS certificate loaded');

  let reloading: Promise<void> = Promise.resolve();
  const reload = (): Promise<void> => {
    reloading = reloading.then(async () => {
      try {
        const next = await load(files);
        if (next.fingerprint === current.fingerprint) return;
        current = next;
        publish();
        logger?.info({ ...describe(current), mutual }, 'xDS TLS certificate reloaded: new connections use it');
      } catch (error) {
        logger?.warn({ err: error instanceof Error ? error.message : String(error) }, 'xDS TLS files refused: the last good certificate stays in use');
      }
    });
    return reloading;
  };

  const watched = new Set([files.cert, files.key, ...(files.ca ? [files.ca] : [])].map((f) => path.resolve(f)));
  const folders = [...new Set([...watched].map((f) => path.dirname(f)))];
  let timer: NodeJS.Timeout | undefined;
  const watcher: FSWatcher = watch(folders, { ignoreInitial: true, depth: 0, atomic: false });
  watcher.on('all', () => {
    void reload();
    clearTimeout(timer);
    timer = setTimeout(() => void reload(), SETTLE_MS);
  });
  watcher.on('error', (error) => logger?.warn({ err: error instanceof Error ? error.message : String(error) }, 'xDS TLS files: watch error'));
  await new Promise<void>((resolve) => watcher.once('ready', () => resolve()));

  return {
    credentials,
    mutual,
    reload,
    async close() {
      clearTimeout(timer);
      await watcher.close();
      await reloading;
    },
  };
}
