// Secret values never leave the janitor through admin pages: inline private keys, passwords and
// generic secrets are replaced, wherever they sit in a decoded resource.

export const REDACTED = '[redacted]';

const SECRET_FIELDS = new Set(['private_key', 'password', 'secret', 'session_ticket_keys', 'keys']);
const INLINE_FIELDS = new Set(['inline_string', 'inline_bytes', 'inlineString', 'inlineBytes']);

function redactDataSource(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactDataSource);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) out[key] = INLINE_FIELDS.has(key) ? REDACTED : redactDataSource(v);
  return out;
}

/** A deep copy of `value` with the inline data of secret-bearing fields replaced by "[redacted]". */
export function redactSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactSecrets);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    out[key] = SECRET_FIELDS.has(key) ? redactDataSource(v) : redactSecrets(v);
  }
  return out;
}
