// A cluster file (YAML or JSON) → ClusterState, strictly: unknown keys and bad values are refused
// with their line. The file mirrors OpenSVC: services hold the same sections and keywords
// (expose#N, vhost#N, route#N, hashpolicy#N, certificate#N) and instances on nodes; secrets hold
// the keys a `sec` object would, inline or from files.
import path from 'node:path';
import { LineCounter, parseDocument, type Node } from 'yaml';
import type { ClusterState, InstanceState, ResourceState, ServiceState } from '../types.js';
import { FileSyntaxError, fail, jsValue, mapEntries, type FileProblem, type Walker } from './ast.js';
import { parseInstances } from './instances.js';
import { parseSecrets, type SecretSpec } from './secrets.js';
import { GROUPS, convert, published } from './keywords.js';

export type { FileProblem } from './ast.js';
export type { SecretSpec } from './secrets.js';

export interface FileCluster {
  readonly state: ClusterState;
  readonly secrets: ReadonlyMap<string, SecretSpec>;
}

export type ParseResult = { readonly ok: true; readonly cluster: FileCluster } | { readonly ok: false; readonly problem: FileProblem };

const TOP_LEVEL = ['services', 'secrets'];
const SECTION = /^([a-z_]+)#([A-Za-z0-9_.-]+)$/;
const INSTANCE_KEYS = ['instances', 'nodes', 'endpoints'];

function objectName(servicePath: string): string {
  return servicePath.slice(servicePath.lastIndexOf('/') + 1);
}

function parseSection(w: Walker, rid: string, group: string, node: Node | null, service: string): ResourceState {
  const spec = GROUPS[group];
  if (!spec) fail(w, node, `${service}: section ${rid}: unknown section group "${group}" (expected ${Object.keys(GROUPS).join(', ')}; ip resources come from nodes, endpoints or instances)`);
  let driver = spec.driver;
  const info: Record<string, unknown> = {};
  for (const entry of mapEntries(w, node, `${service}: section ${rid}`)) {
    if (entry.key === 'type') {
      driver = String(jsValue(w, entry.value) ?? driver);
      continue;
    }
    const kind = spec.keywords[entry.key];
    if (!kind) fail(w, entry.pair, `${service}: ${rid}: unknown keyword "${entry.key}" (known: ${Object.keys(spec.keywords).join(', ')})`);
    const raw = jsValue(w, entry.value);
    if (raw === null) continue;
    const converted = convert(kind, raw);
    if (!converted.ok) fail(w, entry.value, `${service}: ${rid}.${entry.key} = ${JSON.stringify(raw)} ${converted.reason}`);
    if (published(converted.value)) info[entry.key] = converted.value;
  }
  for (const [keyword, value] of Object.entries(spec.defaults)) {
    if (info[keyword] === undefined) info[keyword] = Array.isArray(value) ? value.map((v) => (v === '{name}' ? objectName(service) : v)) : value;
  }
  return { type: `${group}.${driver}`, status: 'n/a', info };
}

function parseService(w: Walker, servicePath: string, node: Node | null): ServiceState {
  const sections: Record<string, ResourceState> = {};
  let instancesEntry: { key: string; value: Node | null } | undefined;
  for (const entry of mapEntries(w, node, `service ${servicePath}`)) {
    if (INSTANCE_KEYS.includes(entry.key)) {
      if (instancesEntry) fail(w, entry.pair, `${servicePath}: give only one of ${INSTANCE_KEYS.join(', ')}`);
      instancesEntry = entry;
      continue;
    }
    const m = SECTION.exec(entry.key);
    if (!m) fail(w, entry.pair, `${servicePath}: unknown key "${entry.key}" (expected ${INSTANCE_KEYS.join(', ')} or a section such as expose#0)`);
    sections[entry.key] = parseSection(w, entry.key, m[1] ?? '', entry.value, servicePath);
  }
  const exposeRids = Object.keys(sections).filter((rid) => rid.startsWith('expose#')).sort();
  const instances: InstanceState[] = parseInstances(w, instancesEntry, { service: servicePath, sections, exposeRids });
  return { path: servicePath, instances };
}

function checkServicePath(w: Walker, p: string, node: Node | null): void {
  if (!/^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+){0,2}$/.test(p)) fail(w, node, `"${p}" is not an object path (<namespace>/svc/<name>)`);
  const parts = p.split('/');
  const kind = parts.length === 3 ? parts[1] : parts.length === 2 ? parts[0] : 'svc';
  if (kind !== 'svc') fail(w, node, `"${p}": only svc objects belong under services (secrets go under secrets)`);
}

function build(w: Walker, baseDir: string): FileCluster {
  const root = w.doc.contents;
  if (root === null) fail(w, null, 'the file is empty (a cluster file needs a services mapping)');
  const entries = mapEntries(w, root, 'the top level');
  for (const entry of entries) {
    if (!TOP_LEVEL.includes(entry.key)) fail(w, entry.pair, `unknown top-level key "${entry.key}" (expected ${TOP_LEVEL.join(', ')})`);
  }
  const servicesNode = entries.find((e) => e.key === 'services');
  if (!servicesNode) fail(w, root, 'missing top-level "services" mapping');
  const services = new Map<string, ServiceState>();
  for (const entry of servicesNode.value === null ? [] : mapEntries(w, servicesNode.value, 'services')) {
    checkServicePath(w, entry.key, entry.value ?? servicesNode.value);
    services.set(entry.key, parseService(w, entry.key, entry.value));
  }
  const secretsNode = entries.find((e) => e.key === 'secrets');
  const secrets = secretsNode?.value ? parseSecrets(w, secretsNode.value, baseDir) : new Map<string, SecretSpec>();
  for (const secretPath of [...secrets.keys()]) {
    services.set(secretPath, { path: secretPath, instances: [{ node: 'local', resources: {} }] });
  }
  const sorted = new Map([...services.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return { state: { services: sorted }, secrets };
}

/**
 * Parse a cluster file's text. `baseDir` resolves the relative paths of secret files. Never throws:
 * whatever the parser meets (a syntax error, an alias bomb, a stack overflow) is a refused file.
 */
export function parseCluster(text: string, baseDir: string): ParseResult {
  try {
    const lines = new LineCounter();
    const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: true });
    const first = doc.errors[0];
    if (first) {
      const pos = first.linePos?.[0] ?? { line: 0, col: 0 };
      return { ok: false, problem: { line: pos.line, column: pos.col, message: first.message.split('\n')[0]?.replace(/ at line \d+, column \d+:?$/, '') ?? first.code } };
    }
    return { ok: true, cluster: build({ doc, lines }, path.resolve(baseDir)) };
  } catch (error) {
    if (error instanceof FileSyntaxError) return { ok: false, problem: error.problem };
    const message = error instanceof Error ? error.message : String(error);
    return { ok: false, problem: { line: 0, column: 0, message: `the file cannot be parsed: ${message.split('\n')[0]?.slice(0, 200) ?? ''}` } };
  }
}
