// Envoy compiles every safe_regex with C++ RE2 and refuses the resource when RE2::ProgramSize()
// is above the runtime value `re2.max_program_size.error_level`, 100 by default
// (CompiledGoogleReMatcher, source/common/common/regex.cc). That size is the number of
// instructions of RE2's flattened program, computed here the way C++ RE2 gets it:
//   1. the regex parsed and simplified (re2js: the same parser and simplifier, ported from RE2);
//   2. RE2::Init's required prefix taken off (`^` then a literal: the literal is matched apart and
//      the rest compiled unanchored), then a leading `^` and a trailing `$` taken off as anchors
//      (IsAnchorStart, IsAnchorEnd);
//   3. every character class and literal compiled to UTF-8 byte ranges as RE2's compiler does
//      (re2bytes.ts), the rest of the program as re2js compiled it (same shapes: Alt, Capture,
//      EmptyWidth, Match), and the unanchored `.*?` prefix;
//   4. Prog::Flatten's count: one list per root, each list holding what its Alt tree reaches.
// Checked against C++ RE2 2022-06-01 on the cases of test/envoy/re2size.test.ts. Known
// approximations: case folding of runes beyond ASCII follows the JavaScript case mapping and a
// short table (re2bytes.ts foldOrbit), and RE2's coalescing of adjacent repetitions (`a+a`) is not
// done (it rarely changes the count).
import { compileRe2 } from '../model/re2.js';
import { coalesceText } from './re2coalesce.js';
import { requiredPrefixRunes } from './re2prefix.js';
import { compileClass, compileLiteral, Nodes, type Frag } from './re2bytes.js';
import { foldOrbit, isFoldLiteral, runesToRanges } from './re2fold.js';
import { flattenSize } from './re2flatten.js';

/** The error level Envoy applies when its runtime does not say otherwise. */
export const ENVOY_RE2_MAX_PROGRAM_SIZE = 100;

interface ProgInst {
  readonly op: number;
  readonly out: number;
  readonly arg: number;
  readonly runes: ArrayLike<number>;
}

const OP = { alt: 1, altMatch: 2, capture: 3, empty: 4, fail: 5, match: 6, nop: 7, rune: 8, rune1: 9, any: 10, anyNotNl: 11 } as const;
const BEGIN_TEXT = 4;
const END_TEXT = 8;
const FOLD_CASE = 1;
const MAX_RUNE = 0x10ffff;

class Source {
  readonly removed = new Set<number>();
  readonly preds = new Map<number, number[]>();

  constructor(readonly insts: readonly ProgInst[]) {}

  /** The instruction a jump to `i` lands on: empty matches and removed instructions passed. */
  land(i: number): number {
    let id = i;
    for (let guard = 0; guard <= this.insts.length; guard++) {
      const inst = this.insts[id];
      if (inst === undefined || (inst.op !== OP.nop && !this.removed.has(id))) return id;
      id = inst.out;
    }
    return 0;
  }

  op(i: number): number {
    return this.insts[i]?.op ?? OP.fail;
  }

  targets(i: number): number[] {
    const inst = this.insts[i];
    if (inst === undefined) return [];
    if (inst.op === OP.alt || inst.op === OP.altMatch) return [this.land(inst.out), this.land(inst.arg)];
    if (inst.op === OP.match || inst.op === OP.fail) return [];
    return [this.land(inst.out)];
  }

  computePreds(start: number): void {
    const seen = new Set<number>();
    const stack = [this.land(start)];
    while (stack.length > 0) {
      const id = stack.pop() ?? 0;
      if (seen.has(id)) continue;
      seen.add(id);
      for (const t of this.targets(id)) {
        this.preds.set(t, [...(this.preds.get(t) ?? []), id]);
        stack.push(t);
      }
    }
  }

  predsOf(i: number): readonly number[] {
    return (this.preds.get(i) ?? []).filter((p) => !this.removed.has(p));
  }

  isBeginText(i: number): boolean {
    const inst = this.insts[i];
    return inst?.op === OP.empty && inst.arg === BEGIN_TEXT;
  }

  /** A literal rune to RE2's parser (fold: its case-folding flag), else undefined. */
  literal(i: number): { readonly fold: boolean } | undefined {
    const inst = this.insts[i];
    if (inst?.op === OP.rune1) return { fold: false };
    if (inst?.op === OP.rune && inst.runes.length === 1 && (inst.arg & FOLD_CASE) !== 0 && isFoldLiteral(inst.runes[0] ?? 0)) return { fold: true };
    // [Kk]: RE2's parser makes a class of one letter in both cases a case-folded literal
    const r = inst?.op === OP.rune && inst.runes.length === 4 ? inst.runes : undefined;
    if (r !== undefined && r[0] === r[1] && r[2] === r[3] && (r[0] ?? 0) >= 0x41 && (r[0] ?? 0) <= 0x5a && r[2] === (r[0] ?? 0) + 0x20) return { fold: true };
    return undefined;
  }
}

/** RE2::Init's required prefix: `^` anchors then a literal string at the top; the rest is compiled unanchored. */
function takeRequiredPrefix(src: Source, start: number, limit: number | undefined): number {
  let t = src.land(start);
  if (!src.isBeginText(t) || src.predsOf(t).length > 0) return start;
  const carets: number[] = [];
  while (src.isBeginText(t) && src.predsOf(t).length <= 1) {
    carets.push(t);
    t = src.targets(t)[0] ?? 0;
  }
  const chain: number[] = [];
  let fold: boolean | undefined;
  for (let lit = src.literal(t); lit !== undefined && src.predsOf(t).length === 1 && chain.length < (limit ?? Infinity); lit = src.literal(t)) {
    const letter = /\p{L}/u.test(String.fromCodePoint(src.insts[t]?.runes[0] ?? 0));
    if (letter && fold !== undefined && fold !== lit.fold) break;
    if (letter) fold = lit.fold;
    chain.push(t);
    t = src.targets(t)[0] ?? 0;
  }
  if (chain.length === 0) return start;
  for (const id of [...carets, ...chain]) src.removed.add(id);
  return t;
}

/** IsAnchorStart: a leading `^` (through up to three captures) becomes the program's start anchor. */
function takeStartAnchor(src: Source, start: number): boolean {
  let s = src.land(start);
  for (let depth = 0; src.op(s) === OP.capture && depth < 3; depth++) s = src.targets(s)[0] ?? 0;
  if (!src.isBeginText(s) || src.predsOf(s).length > (s === src.land(start) ? 0 : 1)) return false;
  src.removed.add(s);
  return true;
}

/** IsAnchorEnd: a trailing `$` (through up to three captures) becomes the program's end anchor. */
function takeEndAnchor(src: Source, match: number): void {
  let preds = src.predsOf(match);
  for (let depth = 0; preds.length === 1 && src.op(preds[0] ?? 0) === OP.capture && depth < 3; depth++) preds = src.predsOf(preds[0] ?? 0);
  const last = preds[0] ?? 0;
  if (preds.length === 1 && src.insts[last]?.op === OP.empty && src.insts[last].arg === END_TEXT) src.removed.add(last);
}

function pairs(runes: ArrayLike<number>): [number, number][] {
  const out: [number, number][] = [];
  for (let i = 0; i + 1 < runes.length; i += 2) out.push([runes[i] ?? 0, runes[i + 1] ?? 0]);
  return out;
}

function runeFrag(nodes: Nodes, inst: ProgInst): Frag {
  if (inst.op === OP.any) return compileClass(nodes, [[0, MAX_RUNE]]);
  if (inst.op === OP.anyNotNl) return compileClass(nodes, [[0, 9], [11, MAX_RUNE]]);
  const first = inst.runes[0] ?? 0;
  if (inst.op === OP.rune1) return compileLiteral(nodes, first, false);
  if (inst.runes.length === 1 && (inst.arg & FOLD_CASE) !== 0) {
    if (isFoldLiteral(first)) return compileLiteral(nodes, first | 0x20, true);
    return compileClass(nodes, runesToRanges(foldOrbit(first)));
  }
  return compileClass(nodes, pairs(inst.runes));
}

/** The instructions reachable from `start`, in program order. */
function live(src: Source, start: number): number[] {
  const seen = new Set<number>();
  const stack = [src.land(start)];
  while (stack.length > 0) {
    const id = stack.pop() ?? 0;
    if (seen.has(id)) continue;
    seen.add(id);
    stack.push(...src.targets(id));
  }
  return [...seen].sort((a, b) => a - b);
}

const NODE_OP: Readonly<Record<number, 'alt' | 'capture' | 'empty' | 'match'>> = { [OP.alt]: 'alt', [OP.altMatch]: 'alt', [OP.capture]: 'capture', [OP.empty]: 'empty', [OP.match]: 'match' };

/** The C++ program's nodes: its start, every instruction translated, rune instructions to byte ranges. */
function translate(src: Source, start: number): { nodes: Nodes; start: number } {
  const nodes = new Nodes();
  const begin = new Map<number, number>([[0, 0]]);
  const patches: { readonly node: number; readonly field: 'out' | 'out1'; readonly to: number }[] = [];
  for (const i of live(src, start)) {
    const inst = src.insts[i];
    if (inst === undefined || inst.op === OP.fail) continue;
    const kind = NODE_OP[inst.op];
    if (kind !== undefined) {
      const id = nodes.alloc(kind);
      begin.set(i, id);
      if (kind === 'match') continue;
      patches.push({ node: id, field: 'out', to: src.land(inst.out) });
      if (kind === 'alt') patches.push({ node: id, field: 'out1', to: src.land(inst.arg) });
      continue;
    }
    const frag = runeFrag(nodes, inst);
    begin.set(i, frag.begin);
    for (const end of frag.ends) patches.push({ node: end, field: 'out', to: src.land(inst.out) });
  }
  for (const p of patches) nodes.at(p.node)[p.field] = begin.get(p.to) ?? 0;
  return { nodes, start: begin.get(src.land(start)) ?? 0 };
}

/** C++ RE2's ProgramSize() for `regex` (see above); undefined when it does not compile. */
export function re2ProgramSize(regex: string): number | undefined {
  if (!compileRe2(regex).ok) return undefined;
  const coalesced = coalesceText(regex);
  const compiled = compileRe2(coalesced).ok ? compileRe2(coalesced) : compileRe2(regex);
  if (!compiled.ok) return undefined;
  const prog = (compiled.re as unknown as { re2Input: { prog: { inst: readonly ProgInst[]; start: number } } }).re2Input.prog;
  const src = new Source(prog.inst);
  src.computePreds(prog.start);
  const match = prog.inst.findIndex((i) => i.op === OP.match);
  const start = takeRequiredPrefix(src, prog.start, requiredPrefixRunes(regex));
  const anchored = takeStartAnchor(src, start);
  if (match >= 0) takeEndAnchor(src, match);
  const program = translate(src, start);
  if (program.start === 0) return 1;
  if (anchored) return flattenSize(program.nodes, program.start, program.start);
  // Cat(DotStar(), all): `.*?` over any byte, its loop the second out of its Alt.
  const byte = program.nodes.byte(0x00, 0xff, false, -1);
  const dotStar = program.nodes.alloc('alt', program.start, byte);
  program.nodes.at(byte).out = dotStar;
  return flattenSize(program.nodes, program.start, dotStar);
}
