// The `secrets:` part of a cluster file: each `<ns>/sec/<name>` with the keys a `sec` object holds
// (SECRET_KEYS: certificate_chain, private_key, password, trusted_ca, verify_certificate_hash,
// verify_subject_alt_name), given inline or as `<key>_file: PATH` (relative to the cluster file).
// Files are read when the secret is asked for, so a certificate rotated on disk is picked up.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Node } from 'yaml';
import { SECRET_KEYS, type SecretKey, type SecretValues } from '../types.js';
import { fail, mapEntries, stringValue, type Walker } from './ast.js';

export type { SecretKey } from '../types.js';
export type SecretSource = { readonly inline: string } | { readonly file: string };

export interface SecretSpec {
  readonly path: string;
  readonly keys: Readonly<Partial<Record<SecretKey, SecretSource>>>;
}

function secretKey(name: string): SecretKey | undefined {
  return SECRET_KEYS.find((k) => k === name);
}

function parseSecret(w: Walker, secretPath: string, node: Node | null, baseDir: string): SecretSpec {
  const keys: Partial<Record<SecretKey, SecretSource>> = {};
  for (const entry of mapEntries(w, node, `secret ${secretPath}`)) {
    const isFile = entry.key.endsWith('_file');
    const key = secretKey(isFile ? entry.key.slice(0, -'_file'.length) : entry.key);
    if (!key) fail(w, entry.pair, `${secretPath}: unknown key "${entry.key}" (expected ${SECRET_KEYS.join(', ')}, each inline or as <key>_file)`);
    if (keys[key]) fail(w, entry.pair, `${secretPath}: ${key} given twice`);
    const value = stringValue(w, entry.value, `${secretPath}.${entry.key}`);
    keys[key] = isFile ? { file: path.resolve(baseDir, value) } : { inline: value };
  }
  return { path: secretPath, keys };
}

export function parseSecrets(w: Walker, node: Node, baseDir: string): Map<string, SecretSpec> {
  const secrets = new Map<string, SecretSpec>();
  for (const entry of mapEntries(w, node, 'secrets')) {
    if (!/^([A-Za-z0-9_.-]+\/)?sec\/[A-Za-z0-9_.-]+$/.test(entry.key)) fail(w, entry.pair, `"${entry.key}" is not a secret path (<namespace>/sec/<name>)`);
    secrets.set(entry.key, parseSecret(w, entry.key, entry.value, baseDir));
  }
  return secrets;
}

/** The files a secret reads (to be watched). */
export function secretFiles(spec: SecretSpec): string[] {
  return Object.values(spec.keys).flatMap((source) => ('file' in source ? [source.file] : []));
}

/** Read these keys of a secret (absent ones are left out). Errors name the secret, key and file, never a value. */
export async function readSecret(spec: SecretSpec, keys: readonly SecretKey[] = SECRET_KEYS): Promise<SecretValues> {
  const values: Partial<Record<SecretKey, string>> = {};
  for (const key of keys) {
    const source = spec.keys[key];
    if (!source) continue;
    if ('inline' in source) {
      values[key] = source.inline;
      continue;
    }
    try {
      values[key] = await readFile(source.file, 'utf8');
    } catch (error) {
      const code = error instanceof Error && 'code' in error ? String(error.code) : 'unreadable';
      throw new Error(`secret ${spec.path}: ${key} file ${source.file}: ${code}`);
    }
  }
  return values;
}
