// The byte program C++ RE2 compiles for one character class or literal (UTF-8 mode), as its
// Compiler does (re2/compile.cc: Literal, the CharClass case of PostVisit, AddRuneRangeUTF8,
// Add_80_10ffff, AddSuffix/AddSuffixRecursive with the per-class suffix cache): the same
// instructions, allocated in the same order, so that re2size.ts can flatten the program exactly.
// Nodes live in one array shared with the rest of the program; `out` -1 is a dangling exit
// (patched to the class's successor), 0 is the Fail instruction.

export type NodeOp = 'fail' | 'match' | 'alt' | 'byte' | 'capture' | 'empty' | 'nop';

export interface Node {
  op: NodeOp;
  out: number;
  out1: number;
  lo: number;
  hi: number;
  fold: boolean;
}

export class Nodes {
  readonly list: Node[] = [{ op: 'fail', out: 0, out1: 0, lo: 0, hi: 0, fold: false }];

  alloc(op: NodeOp, out = -1, out1 = -1): number {
    this.list.push({ op, out, out1, lo: 0, hi: 0, fold: false });
    return this.list.length - 1;
  }

  byte(lo: number, hi: number, fold: boolean, out: number): number {
    const id = this.alloc('byte', out);
    const n = this.at(id);
    n.lo = lo;
    n.hi = hi;
    n.fold = fold;
    return id;
  }

  at(id: number): Node {
    const n = this.list[id];
    if (n === undefined) throw new Error(`re2 program: no node ${id}`);
    return n;
  }

  /** Free the last allocated node (RE2 gives back an uncached suffix head it merged). */
  freeLast(id: number): void {
    if (id === this.list.length - 1) this.list.pop();
  }
}

/** A compiled piece: its first node and its dangling exits. */
export interface Frag {
  readonly begin: number;
  readonly ends: readonly number[];
}

const MAX_RUNE = 0x10ffff;

/** RE2's runetochar: UTF-8 bytes, a code point above the maximum as U+FFFD. */
export function utf8(rune: number): number[] {
  const c = rune > MAX_RUNE ? 0xfffd : rune;
  if (c < 0x80) return [c];
  if (c < 0x800) return [0xc0 | (c >> 6), 0x80 | (c & 0x3f)];
  if (c < 0x10000) return [0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f)];
  return [0xf0 | (c >> 18), 0x80 | ((c >> 12) & 0x3f), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f)];
}

const MAX_RUNE_OF_LENGTH = [0, 0x7f, 0x7ff, 0xffff];

/** One character class being compiled (BeginRange … EndRange). */
class RangeBuilder {
  begin = 0;
  readonly ends: number[] = [];
  private readonly cache = new Map<string, number>();

  constructor(private readonly nodes: Nodes) {}

  private key(lo: number, hi: number, fold: boolean, next: number): string {
    return `${next}:${lo}:${hi}:${fold ? 1 : 0}`;
  }

  uncached(lo: number, hi: number, fold: boolean, next: number): number {
    const id = this.nodes.byte(lo, hi, fold, next === 0 ? -1 : next);
    if (next === 0) this.ends.push(id);
    return id;
  }

  cached(lo: number, hi: number, fold: boolean, next: number): number {
    const k = this.key(lo, hi, fold, next);
    const hit = this.cache.get(k);
    if (hit !== undefined) return hit;
    const id = this.uncached(lo, hi, fold, next);
    this.cache.set(k, id);
    return id;
  }

  private isCached(id: number): boolean {
    const n = this.nodes.at(id);
    return this.cache.get(this.key(n.lo, n.hi, n.fold, n.out === -1 ? 0 : n.out)) === id;
  }

  private same(a: number, b: number): boolean {
    const x = this.nodes.at(a);
    const y = this.nodes.at(b);
    return x.op === 'byte' && y.op === 'byte' && x.lo === y.lo && x.hi === y.hi && x.fold === y.fold;
  }

  addSuffix(id: number): void {
    this.begin = this.begin === 0 ? id : this.addSuffixRecursive(this.begin, id);
  }

  private addSuffixRecursive(root: number, id: number): number {
    const r = this.nodes.at(root);
    // FindByteRange, forward mode: the root itself, or the last suffix added (out1 of the root Alt)
    let parent: { readonly alt: number } | undefined;
    let br: number;
    if (r.op === 'byte' && this.same(root, id)) br = root;
    else if (r.op === 'alt' && this.same(r.out1, id)) {
      parent = { alt: root };
      br = r.out1;
    } else return this.nodes.alloc('alt', root, id);
    let top = root;
    if (this.isCached(br)) {
      const b = this.nodes.at(br);
      const clone = this.nodes.byte(b.lo, b.hi, b.fold, b.out);
      if (b.out === -1) this.ends.push(clone);
      if (parent === undefined) top = clone;
      else this.nodes.at(parent.alt).out1 = clone;
      br = clone;
    }
    const out = this.nodes.at(id).out;
    if (!this.isCached(id)) this.nodes.freeLast(id);
    const merged = this.addSuffixRecursive(this.nodes.at(br).out, out);
    this.nodes.at(br).out = merged;
    return top;
  }

  addRange(lo: number, hi: number, fold: boolean): void {
    if (lo > hi) return;
    if (lo === 0x80 && hi === MAX_RUNE) return this.add80To10ffff();
    for (let i = 1; i < 4; i++) {
      const max = MAX_RUNE_OF_LENGTH[i] ?? 0;
      if (lo <= max && max < hi) {
        this.addRange(lo, max, fold);
        this.addRange(max + 1, hi, fold);
        return;
      }
    }
    if (hi < 0x80) return this.addSuffix(this.uncached(lo, hi, fold, 0));
    for (let i = 1; i < 4; i++) {
      const m = (1 << (6 * i)) - 1;
      if ((lo & ~m) !== (hi & ~m)) {
        if ((lo & m) !== 0) {
          this.addRange(lo, lo | m, fold);
          this.addRange((lo | m) + 1, hi, fold);
          return;
        }
        if ((hi & m) !== m) {
          this.addRange(lo, (hi & ~m) - 1, fold);
          this.addRange(hi & ~m, hi, fold);
          return;
        }
      }
    }
    const ulo = utf8(lo);
    const uhi = utf8(hi);
    let id = 0;
    for (let i = ulo.length - 1; i >= 0; i--) {
      const a = ulo[i] ?? 0;
      const b = uhi[i] ?? 0;
      id = (i === ulo.length - 1 || a < b) && i !== 0 ? this.cached(a, b, false, id) : this.uncached(a, b, false, id);
    }
    this.addSuffix(id);
  }

  private add80To10ffff(): void {
    const cont1 = this.uncached(0x80, 0xbf, false, 0);
    this.addSuffix(this.uncached(0xc2, 0xdf, false, cont1));
    const cont2 = this.uncached(0x80, 0xbf, false, cont1);
    this.addSuffix(this.uncached(0xe0, 0xef, false, cont2));
    const cont3 = this.uncached(0x80, 0xbf, false, cont2);
    this.addSuffix(this.uncached(0xf0, 0xf4, false, cont3));
  }
}

const isUpper = (r: number): boolean => r >= 0x41 && r <= 0x5a;

/** CharClass::FoldsASCII: every ASCII letter present in both cases or in neither. */
function foldsAscii(ranges: readonly (readonly [number, number])[]): boolean {
  const has = (r: number): boolean => ranges.some(([lo, hi]) => lo <= r && r <= hi);
  for (let c = 0x41; c <= 0x5a; c++) if (has(c) !== has(c + 0x20)) return false;
  return true;
}

/** A character class (sorted, disjoint ranges), as the CharClass case of Compiler::PostVisit. */
export function compileClass(nodes: Nodes, ranges: readonly (readonly [number, number])[]): Frag {
  const b = new RangeBuilder(nodes);
  const foldAscii = foldsAscii(ranges);
  for (const [lo, hi] of ranges) {
    if (foldAscii && isUpper(lo) && isUpper(hi)) continue;
    const covers = lo <= 0x41 && 0x7a <= hi;
    const outside = hi < 0x41 || 0x7a < lo || (0x5a < lo && hi < 0x61);
    b.addRange(lo, hi, foldAscii && !covers && !outside);
  }
  return { begin: b.begin, ends: b.ends };
}

/** A literal rune (Compiler::Literal): one byte range, or the UTF-8 bytes in sequence. */
export function compileLiteral(nodes: Nodes, rune: number, fold: boolean): Frag {
  if (rune < 0x80) {
    const id = nodes.byte(rune, rune, fold, -1);
    return { begin: id, ends: [id] };
  }
  const bytes = utf8(rune);
  let begin = -1;
  let last = -1;
  for (const byte of bytes) {
    const id = nodes.byte(byte, byte, false, -1);
    if (last === -1) begin = id;
    else nodes.at(last).out = id;
    last = id;
  }
  return { begin, ends: [last] };
}
