// Reading protoc-gen-validate and proto options from the loaded protobufjs reflection objects.
// protobufjs keeps each option statement as one entry of `parsedOptions`, e.g.
// [{"(validate.rules)": {"uint32": {"lte": 65535}}}]; several entries for one option are merged.
import type protobuf from 'protobufjs';
import { deepMerge } from '../../proto/json.js';
import { type Rules } from './types.js';
import { isPlainObject } from '../../proto/form.js';

type WithOptions = { parsedOptions?: unknown; options?: Record<string, unknown> };

function parsedEntries(obj: WithOptions): Record<string, unknown>[] {
  const p = obj.parsedOptions;
  return Array.isArray(p) ? p.filter(isPlainObject) : [];
}

/** The merged `(validate.rules)` of a field, or undefined when it carries none. */
export function fieldRules(field: protobuf.Field): Rules | undefined {
  let rules: Rules | undefined;
  for (const entry of parsedEntries(field)) {
    const r = entry['(validate.rules)'];
    if (isPlainObject(r)) rules = rules ? deepMerge(rules, r) : r;
  }
  return rules;
}

function optionTrue(obj: WithOptions, name: string): boolean {
  if (obj.options?.[name] === true) return true;
  return parsedEntries(obj).some((e) => e[name] === true);
}

/** `option (validate.disabled) = true;` (or the newer `(validate.ignored)`) on a message. */
export function rulesDisabled(type: protobuf.Type): boolean {
  return optionTrue(type, '(validate.disabled)') || optionTrue(type, '(validate.ignored)');
}

/** `option (validate.required) = true;` inside a oneof. */
export function oneofRequired(oneof: protobuf.OneOf): boolean {
  return optionTrue(oneof, '(validate.required)');
}

export function fieldDeprecated(field: protobuf.Field): boolean {
  return optionTrue(field, 'deprecated');
}

/**
 * `(envoy.annotations.disallowed_by_default)` on a field: deprecated AND fatal by default, Envoy
 * rejects a configuration that sets it unless a runtime override allows it.
 */
export function fieldDisallowed(field: protobuf.Field): boolean {
  return optionTrue(field, '(envoy.annotations.disallowed_by_default)');
}

/** Enum values carrying option `name` (e.g. `deprecated`), by value name. */
export function enumValuesWith(en: protobuf.Enum, name: string): ReadonlySet<string> {
  const names = new Set<string>();
  const vo: unknown = (en as { valuesOptions?: unknown }).valuesOptions;
  if (!isPlainObject(vo)) return names;
  for (const [value, opts] of Object.entries(vo)) {
    if (isPlainObject(opts) && opts[name] === true) names.add(value);
  }
  return names;
}
