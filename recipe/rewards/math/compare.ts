/**
 * Comparing a predicted answer with the gold one, shape by shape, as Math-Verify does: sets
 * unordered, tuples ordered, intervals by their ends and brackets, unions by their parts,
 * matrices cell by cell, relations by their difference (flipped ones too), and the answer of an
 * assignment (`x = 5`) against a bare value. The comparison follows the gold answer's shape:
 * `5` and `x = 5` match either way round, `x < 2` (gold) matches the interval `(-\infty, 2)`.
 * A leaf comparison that the CAS could not finish makes the whole comparison unknown (null).
 */
import { fastLeafEqual, leafLatex, readLeaf, type Leaf } from './leaf';
import type { MathValue, RelationOp } from './value';

/** Leaf equality through the CAS: true/false, or null when it could not say in time. */
export type CasLeafEqual = (gold: Leaf, pred: Leaf) => boolean | null;

type Verdict = boolean | null;

function and(verdicts: Iterable<() => Verdict>): Verdict {
  let unknown = false;
  for (const v of verdicts) {
    const r = v();
    if (r === false) return false;
    if (r === null) unknown = true;
  }
  return unknown ? null : true;
}

/** A left side made only of symbols (`x`, `x_1`, `\alpha`, `a+b`): the relation names a value. */
function isSymbols(value: MathValue): boolean {
  return (
    value.kind === 'leaf' &&
    /^(?:[a-zA-Z](?:_\{?\w+\}?)?|\\[a-zA-Z]+)(?:\s*[+,]\s*(?:[a-zA-Z](?:_\{?\w+\}?)?))*$/.test(value.latex)
  );
}

function isEquation(value: MathValue): value is Extract<MathValue, { kind: 'relation' }> {
  return value.kind === 'relation' && value.ops.every((op) => op === '=');
}

function isAssignment(value: MathValue): value is Extract<MathValue, { kind: 'relation' }> {
  return isEquation(value) && isSymbols(value.sides[0]);
}

const INVERSE: Record<RelationOp, RelationOp> = {
  '=': '=',
  '\\ne': '\\ne',
  '<': '>',
  '>': '<',
  '\\le': '\\ge',
  '\\ge': '\\le',
};

const INFINITY: MathValue = { kind: 'leaf', latex: '\\infty', percent: false };
const MINUS_INFINITY: MathValue = { kind: 'leaf', latex: '-\\infty', percent: false };

/** `x < 2`, `2 \le x`, `1 < x \le 3` as an interval; null for anything else. */
function relationAsInterval(value: Extract<MathValue, { kind: 'relation' }>): MathValue | null {
  const { ops, sides } = value;
  const upper = (op: RelationOp) => op === '<' || op === '\\le';
  const lower = (op: RelationOp) => op === '>' || op === '\\ge';
  const open = (op: RelationOp) => op === '<' || op === '>';
  if (ops.length === 1 && isSymbols(sides[0]) && (upper(ops[0]) || lower(ops[0]))) {
    return upper(ops[0])
      ? { kind: 'interval', leftOpen: true, rightOpen: open(ops[0]), lo: MINUS_INFINITY, hi: sides[1] }
      : { kind: 'interval', leftOpen: open(ops[0]), rightOpen: true, lo: sides[1], hi: INFINITY };
  }
  if (ops.length === 1 && isSymbols(sides[1]) && (upper(ops[0]) || lower(ops[0]))) {
    return relationAsInterval({ kind: 'relation', ops: [INVERSE[ops[0]]], sides: [sides[1], sides[0]] });
  }
  if (ops.length === 2 && isSymbols(sides[1]) && upper(ops[0]) && upper(ops[1])) {
    return { kind: 'interval', leftOpen: open(ops[0]), rightOpen: open(ops[1]), lo: sides[0], hi: sides[2] };
  }
  if (ops.length === 2 && isSymbols(sides[1]) && lower(ops[0]) && lower(ops[1])) {
    return { kind: 'interval', leftOpen: open(ops[1]), rightOpen: open(ops[0]), lo: sides[2], hi: sides[0] };
  }
  return null;
}

function difference(a: MathValue, b: MathValue): MathValue | null {
  if (a.kind !== 'leaf' || b.kind !== 'leaf') return null;
  return {
    kind: 'leaf',
    latex: `(${leafLatex(readLeaf(a.latex, a.percent))})-(${leafLatex(readLeaf(b.latex, b.percent))})`,
    percent: false,
  };
}

export class AnswerComparer {
  constructor(private readonly casLeafEqual: CasLeafEqual) {}

  equal(gold: MathValue, pred: MathValue): Verdict {
    // Follow the gold's shape: an equation in the prediction gives its last right side, and an
    // assignment in the gold gives its value when the prediction is no equation.
    if (pred.kind === 'relation' && isEquation(pred) && !isEquation(gold)) pred = pred.sides[pred.sides.length - 1];
    else if (isAssignment(gold) && !(pred.kind === 'relation' && isEquation(pred)))
      gold = gold.sides[gold.sides.length - 1];
    if (gold.kind === 'relation' && (pred.kind === 'interval' || pred.kind === 'union' || pred.kind === 'set')) {
      const interval = relationAsInterval(gold);
      if (interval) gold = interval;
    }

    if (gold.kind === 'leaf' && pred.kind === 'leaf') return this.leaves(gold, pred);
    if (gold.kind === 'relation' || pred.kind === 'relation') {
      return gold.kind === 'relation' && pred.kind === 'relation' ? this.relations(gold, pred) : false;
    }
    if (gold.kind === 'matrix' || pred.kind === 'matrix') {
      if (gold.kind !== 'matrix' || pred.kind !== 'matrix') return false;
      if (gold.rows.length !== pred.rows.length || gold.rows.some((r, i) => r.length !== pred.rows[i].length))
        return false;
      return and(gold.rows.flatMap((row, i) => row.map((cell, j) => () => this.equal(cell, pred.rows[i][j]))));
    }
    if (gold.kind === 'interval' && pred.kind === 'interval') {
      if (gold.leftOpen !== pred.leftOpen || gold.rightOpen !== pred.rightOpen) return false;
      return and([() => this.equal(gold.lo, pred.lo), () => this.equal(gold.hi, pred.hi)]);
    }
    if (gold.kind === 'union' || pred.kind === 'union') {
      if (gold.kind !== 'union' || pred.kind !== 'union') return false;
      return this.unordered(gold.parts, pred.parts);
    }
    // an open interval (a, b) is also the pair (a, b)
    const asItems = (v: MathValue): { items: MathValue[]; ordered: boolean } | null => {
      if (v.kind === 'set') return { items: v.items, ordered: false };
      if (v.kind === 'tuple') return { items: v.items, ordered: true };
      if (v.kind === 'interval' && v.leftOpen && v.rightOpen) return { items: [v.lo, v.hi], ordered: true };
      if (v.kind === 'leaf') return { items: [v], ordered: false };
      return null;
    };
    const g = asItems(gold);
    const p = asItems(pred);
    if (!g || !p) return false;
    if (!g.ordered && !p.ordered && (gold.kind === 'set' || pred.kind === 'set'))
      return this.sameElements(g.items, p.items);
    if (g.items.length !== p.items.length) return false;
    if (gold.kind === 'interval' && pred.kind !== 'set' && pred.kind !== 'tuple') return false;
    if (pred.kind === 'interval' && gold.kind !== 'set' && gold.kind !== 'tuple') return false;
    if (g.ordered || p.ordered) return and(g.items.map((item, i) => () => this.equal(item, p.items[i])));
    return this.unordered(g.items, p.items);
  }

  /** Sets: every element of each side is in the other ({1, 2, 2} is {1, 2}). */
  private sameElements(gold: readonly MathValue[], pred: readonly MathValue[]): Verdict {
    const contains = (items: readonly MathValue[], x: MathValue, goldSide: boolean): Verdict => {
      let unknown = false;
      for (const item of items) {
        const r = goldSide ? this.equal(x, item) : this.equal(item, x);
        if (r === true) return true;
        if (r === null) unknown = true;
      }
      return unknown ? null : false;
    };
    return and([...gold.map((g) => () => contains(pred, g, true)), ...pred.map((p) => () => contains(gold, p, false))]);
  }

  /** Every gold item matched by a distinct predicted one. */
  private unordered(gold: readonly MathValue[], pred: readonly MathValue[]): Verdict {
    if (gold.length !== pred.length) return false;
    const used = new Set<number>();
    let unknown = false;
    for (const g of gold) {
      let found = false;
      for (let j = 0; j < pred.length && !found; j++) {
        if (used.has(j)) continue;
        const r = this.equal(g, pred[j]);
        if (r === true) {
          used.add(j);
          found = true;
        } else if (r === null) unknown = true;
      }
      if (!found) return unknown ? null : false;
    }
    return true;
  }

  private relations(
    gold: Extract<MathValue, { kind: 'relation' }>,
    pred: Extract<MathValue, { kind: 'relation' }>,
  ): Verdict {
    if (isAssignment(gold) && isAssignment(pred)) {
      // x = 1 = 1.0 chains: the first name and the last value
      gold = { kind: 'relation', ops: ['='], sides: [gold.sides[0], gold.sides[gold.sides.length - 1]] };
      pred = { kind: 'relation', ops: ['='], sides: [pred.sides[0], pred.sides[pred.sides.length - 1]] };
    }
    if (gold.ops.length !== pred.ops.length) return false;
    if (gold.ops.length > 1) {
      if (gold.ops.some((op, i) => op !== pred.ops[i])) return false;
      return and(gold.sides.map((side, i) => () => this.equal(side, pred.sides[i])));
    }
    const [gl, gr] = gold.sides;
    const [pl, pr] = pred.sides;
    const goldDiff = difference(gl, gr);
    if (!goldDiff) return false;
    let unknown = false;
    if (gold.ops[0] === pred.ops[0]) {
      const same = difference(pl, pr);
      const r = same && this.equal(goldDiff, same);
      if (r === true) return true;
      if (r === null) unknown = true;
      // a = b is also b = a
      if (gold.ops[0] === '=' || gold.ops[0] === '\\ne') {
        const swapped = difference(pr, pl);
        const s = swapped && this.equal(goldDiff, swapped);
        if (s === true) return true;
        if (s === null) unknown = true;
      }
    }
    if (INVERSE[gold.ops[0]] === pred.ops[0] && gold.ops[0] !== pred.ops[0]) {
      const flipped = difference(pr, pl);
      const r = flipped && this.equal(goldDiff, flipped);
      if (r === true) return true;
      if (r === null) unknown = true;
    }
    return unknown ? null : false;
  }

  private leaves(gold: Extract<MathValue, { kind: 'leaf' }>, pred: Extract<MathValue, { kind: 'leaf' }>): Verdict {
    const g = readLeaf(gold.latex, gold.percent);
    const p = readLeaf(pred.latex, pred.percent);
    const fast = fastLeafEqual(g, p);
    if (fast !== undefined) return fast;
    return this.casLeafEqual(g, p);
  }
}
