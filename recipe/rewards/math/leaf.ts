/**
 * Leaves of an answer: a plain number (exact rational, compared here without the CAS), a text
 * answer (`\text{Tuesday}`), or an expression for the CAS.
 */
import { parseDecimal, reduce, roundScaled, type Rational } from './rational';

export type Leaf =
  | { type: 'number'; value: Rational; float: boolean; percent: boolean }
  | { type: 'text'; text: string }
  | { type: 'expression'; latex: string; float: boolean; percent: boolean };

const DECIMAL = String.raw`[-+]?(?:\d+(?:\.\d+)?|\.\d+)`;
const PLAIN = new RegExp(`^${DECIMAL}$`);
const FRACTION = new RegExp(
  String.raw`^([-+]?)\s*(?:\\frac\{\s*(${DECIMAL})\s*\}\{\s*(${DECIMAL})\s*\}|(${DECIMAL})\s*/\s*(${DECIMAL}))$`,
);
/** "1,5" written with a decimal comma (never three digits after it: that is a thousands separator). */
const DECIMAL_COMMA = /^([-+]?\d+),(\d{1,2}|\d{4,})$/;

/** A number written as digits, a decimal, a fraction, or with a decimal comma; null otherwise. */
export function readRational(latex: string): { value: Rational; float: boolean } | null {
  const text = latex.replace(/\s+/g, '').replace(/^\{(.*)\}$/, '$1');
  if (PLAIN.test(text)) return { value: parseDecimal(text), float: text.includes('.') };
  const comma = DECIMAL_COMMA.exec(text);
  if (comma) return { value: parseDecimal(`${comma[1]}.${comma[2]}`), float: true };
  const fraction = FRACTION.exec(text);
  if (fraction) {
    const n = parseDecimal(fraction[2] ?? fraction[4]);
    const d = parseDecimal(fraction[3] ?? fraction[5]);
    if (d.num === 0n) return null;
    const sign = fraction[1] === '-' ? -1n : 1n;
    return { value: reduce(sign * n.num * d.den, n.den * d.num), float: /\./.test(text) };
  }
  return null;
}

/** `\text{Tuesday}` or a bare word: compared as text, case and spaces aside. */
function readText(latex: string): string | null {
  const inner = /^\\text\{([^{}]*)\}$/.exec(latex.trim());
  const text = (inner ? inner[1] : latex).trim();
  if (inner || /^[A-Za-z][A-Za-z ]*[A-Za-z]{2}[A-Za-z ]*$/.test(text)) return text.toLowerCase().replace(/\s+/g, ' ');
  return null;
}

export function readLeaf(latex: string, percent: boolean): Leaf {
  const number = readRational(latex);
  if (number) return { type: 'number', value: number.value, float: number.float, percent };
  const text = percent ? null : readText(latex);
  if (text !== null && !/^[a-zA-Z]$/.test(text)) return { type: 'text', text };
  return { type: 'expression', latex, float: /\d\.\d/.test(latex), percent };
}

/** The readings of a number: a percentage means both 28 and 0.28, as Math-Verify takes it. */
function readings(leaf: Extract<Leaf, { type: 'number' }>): Rational[] {
  return leaf.percent ? [leaf.value, reduce(leaf.value.num, leaf.value.den * 100n)] : [leaf.value];
}

/** Math-Verify's rule: a float compares at 6 decimals, except against an integer, which is exact. */
export function numbersMatch(a: Rational, aFloat: boolean, b: Rational, bFloat: boolean, places = 6): boolean {
  if (a.num === b.num && a.den === b.den) return true;
  if (!(aFloat || bFloat)) return false;
  if ((a.den === 1n && !aFloat) || (b.den === 1n && !bFloat)) return false;
  return roundScaled(a, places) === roundScaled(b, places);
}

/** Leaf equality without the CAS: true/false, or undefined when only the CAS can tell. */
export function fastLeafEqual(gold: Leaf, pred: Leaf): boolean | undefined {
  if (gold.type === 'number' && pred.type === 'number') {
    return readings(gold).some((g) => readings(pred).some((p) => numbersMatch(g, gold.float, p, pred.float)));
  }
  if (gold.type === 'text' || pred.type === 'text') {
    if (gold.type === 'text' && pred.type === 'text')
      return gold.text === pred.text || gold.text.replace(/ /g, '') === pred.text.replace(/ /g, '');
    return false;
  }
  return undefined;
}

/** The LaTeX of a leaf for the CAS, percentages written out. */
export function leafLatex(leaf: Leaf): string {
  if (leaf.type === 'text') return `\\text{${leaf.text}}`;
  if (leaf.type === 'number') {
    const base = leaf.value.den === 1n ? `${leaf.value.num}` : `\\frac{${leaf.value.num}}{${leaf.value.den}}`;
    return leaf.percent ? `\\frac{${base}}{100}` : base;
  }
  return leaf.percent ? `\\frac{${leaf.latex}}{100}` : leaf.latex;
}
