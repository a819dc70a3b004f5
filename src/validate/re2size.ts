// Envoy compiles every safe_regex with C++ RE2 and refuses the resource when the compiled program
// is larger than the runtime value `re2.max_program_size.error_level`, 100 by default
// (CompiledGoogleReMatcher, source/common/common/regex.cc). RE2's C++ program size cannot be had
// here (re2js compiles to a different, rune-based program), so this computes a LOWER BOUND of it
// from the re2js program: a regex over the bound is certainly refused by Envoy; one under it may
// still be (Envoy's NACK then says so). What is counted, each certainly one C++ instruction or more:
//   - per character class: one ByteRange per ASCII range (an all-uppercase range may fold into its
//     lowercase twin, so it is not counted), plus one when the class reaches beyond ASCII (UTF-8
//     lead bytes); counted repetition `x{n}` repeats it n times, as in C++ RE2;
//   - `.`: its two ASCII ranges and the multi-byte part;
//   - the fail and match instructions every program has.
// Not counted, since C++ RE2 may drop or share them: literals (an anchored literal prefix is not
// compiled at all), case-folded letters, alternations, captures, anchors.
import { compileRe2 } from '../model/re2.js';

/** The error level Envoy applies when its runtime does not say otherwise. */
export const ENVOY_RE2_MAX_PROGRAM_SIZE = 100;

interface ProgInst {
  readonly op: number;
  readonly runes: ArrayLike<number>;
}

const RUNE = 8;
const RUNE_ANY = 10;
const RUNE_ANY_NOT_NL = 11;

function isAsciiCasePair(runes: ArrayLike<number>): boolean {
  if (runes.length !== 4 || runes[0] !== runes[1] || runes[2] !== runes[3]) return false;
  const upper = runes[0] ?? 0;
  return upper >= 0x41 && upper <= 0x5a && runes[2] === upper + 0x20;
}

function classCost(runes: ArrayLike<number>): number {
  // One character, or a letter and its case twin: RE2 parses it as a literal.
  if (runes.length === 1 || (runes.length === 2 && runes[0] === runes[1]) || isAsciiCasePair(runes)) return 0;
  let ascii = 0;
  let wide = false;
  for (let i = 0; i + 1 < runes.length; i += 2) {
    const lo = runes[i] ?? 0;
    const hi = runes[i + 1] ?? 0;
    if (hi > 0x7f) wide = true;
    if (lo <= 0x7f && !(lo >= 0x41 && Math.min(hi, 0x7f) <= 0x5a)) ascii++;
  }
  return ascii + (wide ? 1 : 0);
}

function instCost(inst: ProgInst): number {
  if (inst.op === RUNE) return classCost(inst.runes);
  if (inst.op === RUNE_ANY) return 2;
  if (inst.op === RUNE_ANY_NOT_NL) return 3;
  return 0;
}

/** A lower bound of C++ RE2's ProgramSize() for `regex`; undefined when it does not compile. */
export function re2ProgramSizeLowerBound(regex: string): number | undefined {
  const compiled = compileRe2(regex);
  if (!compiled.ok) return undefined;
  const insts = (compiled.re as unknown as { re2Input: { prog: { inst: readonly ProgInst[] } } }).re2Input.prog.inst;
  return insts.reduce((size, inst) => size + instCost(inst), 2);
}
