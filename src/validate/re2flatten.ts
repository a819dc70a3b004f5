// Prog::Flatten (re2/prog.cc), counted: the program RE2 keeps is one list per root (the Fail
// instruction, both starts, the target of every byte range, capture and empty-width instruction,
// and what MarkDominator adds: an instruction reached by epsilon from a root and also from outside
// it), each list holding the instructions its Alt tree reaches, another root standing as one Nop.
import type { Nodes } from './re2bytes.js';

export /** Prog::Flatten's instruction count (MarkSuccessors, MarkDominator, EmitList). */
function flattenSize(nodes: Nodes, start: number, startUnanchored: number): number {
  const roots = new Set<number>([0, startUnanchored, start]);
  const preds = new Map<number, number[]>();
  const seen = new Set<number>();
  const stack = [startUnanchored];
  while (stack.length > 0) {
    for (let id = stack.pop() ?? 0; !seen.has(id); ) {
      seen.add(id);
      const n = nodes.at(id);
      if (n.op === 'alt') {
        for (const out of [n.out, n.out1]) preds.set(out, [...(preds.get(out) ?? []), id]);
        stack.push(n.out1);
        id = n.out;
      } else if (n.op === 'byte' || n.op === 'capture' || n.op === 'empty') {
        roots.add(n.out);
        id = n.out;
      } else if (n.op === 'nop') id = n.out;
      else break;
    }
  }
  const epsilonReach = (root: number): Set<number> => {
    const reached = new Set<number>();
    const todo = [root];
    while (todo.length > 0) {
      for (let id = todo.pop() ?? 0; !reached.has(id); ) {
        reached.add(id);
        if (id !== root && roots.has(id)) break;
        const n = nodes.at(id);
        if (n.op === 'alt') {
          todo.push(n.out1);
          id = n.out;
        } else if (n.op === 'nop') id = n.out;
        else break;
      }
    }
    return reached;
  };
  const sorted = [...roots].sort((a, b) => a - b);
  for (let k = sorted.length - 1; k > 0; k--) {
    const root = sorted[k] ?? 0;
    if (root === start || root === startUnanchored) continue;
    const reached = epsilonReach(root);
    for (const id of reached) if ((preds.get(id) ?? []).some((p) => !reached.has(p))) roots.add(id);
  }
  let size = 0;
  for (const root of roots) {
    for (const id of epsilonReach(root)) {
      const op = nodes.at(id).op;
      if ((id !== root && roots.has(id)) || (op !== 'alt' && op !== 'nop')) size += 1;
    }
  }
  return size;
}
