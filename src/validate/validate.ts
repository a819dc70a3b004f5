// The proto validator: a JSON-ish Envoy resource (proto field names, enum names, Durations as
// "5s" or {seconds, nanos}, wrappers bare or {value}, Struct as JSON, Any with "@type") is checked
// against its v3 message: unknown fields, types, oneofs, Any type URLs, and the protoc-gen-validate
// `(validate.rules)` the .proto files carry. Nothing throws: problems come back as a list.
//
// Rule kinds implemented: message required/skip, (validate.disabled|ignored), oneof
// (validate.required); string const, len, min_len, max_len, len_bytes, min_bytes, max_bytes,
// pattern (RE2), prefix, suffix, contains, not_contains, in, not_in, email, hostname, ip, ipv4,
// ipv6, uri, uri_ref, address, uuid, well_known_regex (HTTP_HEADER_NAME/VALUE, strict or not),
// ignore_empty; bytes const, len, min_len, max_len, prefix, suffix, contains, in, not_in, ip, ipv4,
// ipv6; every numeric type const, lt, lte, gt, gte (exclusive ranges too), in, not_in; bool const;
// enum const, defined_only, in, not_in; repeated min_items, max_items, unique, items; map
// min_pairs, max_pairs, keys, values; any required, in, not_in; duration required, const, lt,
// lte, gt, gte, in, not_in; timestamp required, const, lt, lte, gt, gte, lt_now, gt_now, within.
// Envoy's own `(envoy.annotations.disallowed_by_default)` fields and `disallowed_by_default_enum`
// values are errors too: Envoy refuses them unless a runtime override allows them.
// Not implemented (ignored, never failing): bytes pattern, map no_sparse (null values are refused
// anyway), float/double rules on NaN beyond IEEE comparisons.
// Limits of the option parser (protobufjs 8): a repeated rule list loses a falsy FIRST value
// (`in: 0 in: 2` reads as [2]) and integer constants above 2^53 are rounded to doubles. No Envoy
// rule in the loaded protos is affected (checked: their `in`/`not_in` lists start non-empty).
import YAML from 'yaml';
import { findMessageType } from '../proto/root.js';
import { checkType } from './rules/message.js';
import { newCtx, type Ctx, type ValidationIssue } from './rules/types.js';

export type { ValidationIssue } from './rules/types.js';

export const BOOTSTRAP = 'envoy.config.bootstrap.v3.Bootstrap';

function run(fullName: string, obj: unknown, ctx: Ctx): void {
  const type = findMessageType(fullName);
  if (type) checkType(type, obj, ctx, false);
  else ctx.issues.push({ path: '', message: `unknown message type ${fullName}` });
}

/** Every problem of `obj` as a `fullName` message (e.g. envoy.config.listener.v3.Listener). */
export function validateMessage(fullName: string, obj: unknown): ValidationIssue[] {
  const ctx = newCtx();
  run(fullName, obj, ctx);
  return ctx.issues;
}

/** Paths of deprecated fields (and `path=VALUE` for deprecated enum values) that `obj` uses. */
export function deprecatedFields(fullName: string, obj: unknown): string[] {
  const ctx = newCtx(true);
  run(fullName, obj, ctx);
  return ctx.deprecated ?? [];
}

/** An issue as one line: `path: message` (the message alone at the root). */
export function formatIssue(issue: ValidationIssue): string {
  return issue.path ? `${issue.path}: ${issue.message}` : issue.message;
}

/** One line per issue: `path: message`. */
export function formatIssues(issues: readonly ValidationIssue[]): string {
  return issues.map(formatIssue).join('\n');
}

/** An Envoy bootstrap file (YAML or JSON text) checked as envoy.config.bootstrap.v3.Bootstrap. */
export function validateBootstrapYaml(text: string): ValidationIssue[] {
  const doc = YAML.parseDocument(text, { prettyErrors: false });
  if (doc.errors.length > 0) {
    return doc.errors.map((e) => ({ path: '', message: `YAML: ${e.message.split('\n')[0] ?? ''}` }));
  }
  return validateMessage(BOOTSTRAP, doc.toJS());
}
