import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dig, type Json, type PathKey } from '../../../src/source/opensvc/json.js';
import { applyPatch, parseStanzas, stanzaUnder, type Stanza } from '../../../src/source/opensvc/patch.js';
import { fixture, patched, recordedEvents } from './helpers.js';

function apply(state: Json, stanzas: Stanza[]): Json {
  const result = patched(state, stanzas);
  if (!result.ok) throw new Error(result.error);
  return result.state;
}

describe('patch applier', () => {
  it('sets object keys, replaces and appends array items, deletes and inserts', () => {
    const base: Json = { a: { b: 1 }, l: ['x', 'y'] };
    expect(apply(base, [[['a', 'c'], 2]])).toEqual({ a: { b: 1, c: 2 }, l: ['x', 'y'] });
    expect(apply(base, [[['l', 1], 'Y']])).toEqual({ a: { b: 1 }, l: ['x', 'Y'] });
    expect(apply(base, [[['l', 2], 'z']])).toEqual({ a: { b: 1 }, l: ['x', 'y', 'z'] });
    expect(apply(base, [[['l', 0]]])).toEqual({ a: { b: 1 }, l: ['y'] });
    expect(apply(base, [[['a', 'b']]])).toEqual({ a: {}, l: ['x', 'y'] });
    expect(apply(base, [[['l', 0], 'w', 'i']])).toEqual({ a: { b: 1 }, l: ['w', 'x', 'y'] });
    expect(apply(base, [[[], { fresh: true }]])).toEqual({ fresh: true });
  });

  it('fails on an index past the end, a missing parent, a missing key to delete, a wrong container', () => {
    const base: Json = { a: { b: 1 }, l: ['x'] };
    for (const stanza of [[['l', 2], 'z'], [['missing', 'x'], 1], [['a', 'nope']], [['l', 5]], [['a', 'b', 'c'], 1], [['a', 0], 1], [['l', 'k'], 1], [[]]] as Stanza[]) {
      const doc = { root: structuredClone(base) };
      expect(applyPatch(doc, [stanza]).ok, JSON.stringify(stanza)).toBe(false);
      expect(doc.root, `${JSON.stringify(stanza)} changed nothing`).toEqual(base);
    }
  });

  it('a strict patch stops at the stanza that fails: those before it are applied, the rest are not', () => {
    const doc = { root: { a: 1 } as Json };
    const result = applyPatch(doc, [[['b'], 2], [['gone']], [['c'], 3]]);
    expect(result).toEqual({ ok: false, error: '["gone"]: no such key', stanza: 1 });
    expect(doc.root).toEqual({ a: 1, b: 2 });
  });

  it('treats "__proto__" as a plain key', () => {
    const next = apply(JSON.parse('{"a":{}}') as Json, [[['a', '__proto__'], { polluted: true }]]);
    expect(Object.keys(dig(next, ['a']) as object)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(Object.getPrototypeOf(dig(next, ['a']))).toBe(Object.prototype);
  });

  it('lenient mode skips what cannot apply and keeps the rest', () => {
    const doc = { root: { a: 1 } as Json };
    expect(applyPatch(doc, [[['gone']], [['b'], 2]], { lenient: true })).toEqual({ ok: true, skipped: 1 });
    expect(doc.root).toEqual({ a: 1, b: 2 });
  });

  it('applies in place: the root and every untouched subtree keep their identity', () => {
    const base: Json = { monitor: { nodes: { n1: { big: [1, 2, 3] }, n2: { x: 1 } } }, listener: { s: 1 } };
    const n1 = dig(base, ['monitor', 'nodes', 'n1']);
    const n2 = dig(base, ['monitor', 'nodes', 'n2']);
    const doc = { root: base };
    expect(applyPatch(doc, [[['monitor', 'nodes', 'n2', 'x'], 2], [['monitor', 'nodes', 'n2', 'y'], 3]]).ok).toBe(true);
    expect(doc.root).toBe(base);
    expect(dig(base, ['monitor', 'nodes', 'n1'])).toBe(n1);
    expect(dig(base, ['monitor', 'nodes', 'n2'])).toBe(n2);
    expect(n2).toEqual({ x: 2, y: 3 });
  });

  it('rejects malformed patch data and tells monitor stanzas apart', () => {
    expect(typeof parseStanzas('x')).toBe('string');
    expect(typeof parseStanzas([[['a', -1], 1]])).toBe('string');
    expect(typeof parseStanzas([[['a'], 1, 'x']])).toBe('string');
    expect(typeof parseStanzas([['a', 1]])).toBe('string');
    expect(stanzaUnder([['listener', 'stats'], 1], 'monitor')).toBe(false);
    expect(stanzaUnder([['monitor', 'nodes'], {}], 'monitor')).toBe(true);
    expect(stanzaUnder([[], {}], 'monitor')).toBe(true);
  });

  it('replaying the recorded events on the recorded initial status gives the recorded final status', () => {
    let state = fixture('daemon_status.initial.json');
    let patches = 0;
    for (const { msg } of recordedEvents()) {
      if (msg.kind !== 'patch') continue;
      const stanzas = parseStanzas(msg.data);
      if (typeof stanzas === 'string') throw new Error(stanzas);
      state = apply(state, stanzas);
      patches++;
    }
    const final = fixture('daemon_status.final.json');
    expect(patches).toBe(29);
    expect(dig(state, ['monitor', 'services'])).toEqual(dig(final, ['monitor', 'services']));
    const nodes = dig(final, ['monitor', 'nodes']) as Record<string, Json>;
    for (const node of Object.keys(nodes)) {
      expect(dig(state, ['monitor', 'nodes', node, 'services'])).toEqual(dig(final, ['monitor', 'nodes', node, 'services']));
    }
    expect(dig(state, ['monitor', 'nodes', 'vm', 'services', 'status', 'test/svc/web1', 'resources', 'expose#2', 'info', 'listener_port'])).toBe(1026);
  });
});

// Reference model: a nested structure addressed by paths, mutated in place on a deep copy.
type Op = { kind: 'set' | 'append' | 'delete' | 'insert'; pick: number[]; value: Json };

function containers(state: Json, path: PathKey[] = [], out: PathKey[][] = []): PathKey[][] {
  if (Array.isArray(state)) {
    out.push(path);
    state.forEach((v, i) => containers(v as Json, [...path, i], out));
  } else if (state !== null && typeof state === 'object') {
    out.push(path);
    for (const [k, v] of Object.entries(state)) containers(v, [...path, k], out);
  }
  return out;
}

function refApply(state: Json, op: Op): { state: Json; stanza: Stanza } | undefined {
  const copy = structuredClone(state) as Json;
  const all = containers(copy);
  const parentPath = all[(op.pick[0] ?? 0) % all.length] as PathKey[];
  const parent = parentPath.reduce<unknown>((c, k) => (c as Record<PathKey, unknown>)[k], copy) as Json[] | Record<string, Json>;
  const keys = Array.isArray(parent) ? parent.map((_, i) => i) : Object.keys(parent);
  if (Array.isArray(parent)) {
    const i = (op.pick[1] ?? 0) % (parent.length + 1);
    if (op.kind === 'append') parent.push(op.value);
    else if (op.kind === 'insert') parent.splice(i, 0, op.value);
    else if (i === parent.length) return undefined;
    else if (op.kind === 'delete') parent.splice(i, 1);
    else parent[i] = op.value;
    const index = op.kind === 'append' ? parent.length - 1 : i;
    const stanza: Stanza = op.kind === 'delete' ? [[...parentPath, index]] : op.kind === 'insert' ? [[...parentPath, index], op.value, 'i'] : [[...parentPath, index], op.value];
    return { state: copy, stanza };
  }
  if (op.kind === 'insert') return undefined;
  const key = op.kind === 'delete' ? keys[(op.pick[1] ?? 0) % Math.max(1, keys.length)] : `k${op.pick[1] ?? 0}`;
  if (key === undefined) return undefined;
  if (op.kind === 'delete') delete parent[key as string];
  else parent[key as string] = op.value;
  return { state: copy, stanza: op.kind === 'delete' ? [[...parentPath, key]] : [[...parentPath, key], op.value] };
}

const leaf = fc.oneof(fc.integer(), fc.string(), fc.boolean(), fc.constant(null));
const value: fc.Arbitrary<Json> = fc.oneof(
  { depthSize: 'small' },
  leaf,
  fc.array(leaf, { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 3 }), leaf, { maxKeys: 3 }),
);
const op: fc.Arbitrary<Op> = fc.record({
  kind: fc.constantFrom('set', 'append', 'delete', 'insert'),
  pick: fc.array(fc.nat(50), { minLength: 2, maxLength: 2 }),
  value,
});

describe('patch applier against a reference model', () => {
  it('any sequence of set/append/delete/insert at nested paths, applied in place, gives the model state', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 25 }), fc.boolean(), (ops, onePatch) => {
        let model: Json = { monitor: { nodes: { n1: { list: [1, 2] } } }, top: [] };
        const doc = { root: structuredClone(model) };
        const root = doc.root;
        const stanzas: Stanza[] = [];
        for (const o of ops) {
          const step = refApply(model, o);
          if (!step) continue;
          model = step.state;
          // the follower hands over stanzas parsed from the stream: values are never shared
          const stanza = structuredClone(step.stanza);
          stanzas.push(stanza);
          if (!onePatch) expect(applyPatch(doc, [stanza])).toEqual({ ok: true, skipped: 0 });
        }
        if (onePatch) expect(applyPatch(doc, stanzas)).toEqual({ ok: true, skipped: 0 });
        expect(doc.root).toEqual(model);
        expect(doc.root).toBe(root); // changed in place, never copied
      }),
      { numRuns: 300 },
    );
  });
});
