/**
 * The shape of a normalised answer: sets, tuples, intervals, unions, matrices and relations are
 * split here at the top level (brackets balanced), so that their elements can be compared one by
 * one; what is left at the bottom is a leaf, an expression for the fast number path or the CAS.
 */

export type RelationOp = '=' | '<' | '>' | '\\le' | '\\ge' | '\\ne';

export type MathValue =
  | { kind: 'leaf'; latex: string; percent: boolean }
  | { kind: 'set'; items: MathValue[] }
  | { kind: 'tuple'; items: MathValue[] }
  | { kind: 'interval'; leftOpen: boolean; rightOpen: boolean; lo: MathValue; hi: MathValue }
  | { kind: 'union'; parts: MathValue[] }
  | { kind: 'matrix'; rows: MathValue[][] }
  | { kind: 'relation'; ops: RelationOp[]; sides: MathValue[] };

const OPENERS = new Set(['(', '[', '{']);
const CLOSERS = new Set([')', ']', '}']);

/** Splits at every top-level occurrence of `separator` (a regex matched at each position). */
function splitTop(text: string, separator: RegExp): { parts: string[]; seps: string[] } {
  const parts: string[] = [];
  const seps: string[] = [];
  let depth = 0;
  let last = 0;
  const sticky = new RegExp(separator.source, 'y');
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\\' && (text[i + 1] === '{' || text[i + 1] === '}')) {
      depth += text[i + 1] === '{' ? 1 : -1;
      i++;
      continue;
    }
    if (OPENERS.has(c)) depth++;
    else if (CLOSERS.has(c)) depth--;
    else if (depth === 0) {
      sticky.lastIndex = i;
      const m = sticky.exec(text);
      if (m && m[0].length > 0 && text[i - 1] !== '\\') {
        parts.push(text.slice(last, i));
        seps.push(m[0]);
        last = i + m[0].length;
        i = last - 1;
      }
    }
  }
  parts.push(text.slice(last));
  return { parts, seps };
}

/** Whether the bracket opening at 0 closes at the very end. */
function wrapsWhole(text: string, openLength: number, closeLength: number): boolean {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\\' && (text[i + 1] === '{' || text[i + 1] === '}')) {
      depth += text[i + 1] === '{' ? 1 : -1;
      i++;
    } else if (OPENERS.has(c)) depth++;
    else if (CLOSERS.has(c)) depth--;
    if (depth === 0) return i === text.length - 1 && i >= openLength + closeLength - 2;
  }
  return false;
}

const RELATION = /\\leq?(?![a-z])|\\geq?(?![a-z])|\\neq?(?![a-z])|\\lt(?![a-z])|\\gt(?![a-z])|<=|>=|!=|≤|≥|≠|<|>|=/;
const REL_NAMES: Record<string, RelationOp> = {
  '=': '=',
  '<': '<',
  '>': '>',
  '\\lt': '<',
  '\\gt': '>',
  '\\le': '\\le',
  '\\leq': '\\le',
  '<=': '\\le',
  '≤': '\\le',
  '\\ge': '\\ge',
  '\\geq': '\\ge',
  '>=': '\\ge',
  '≥': '\\ge',
  '\\ne': '\\ne',
  '\\neq': '\\ne',
  '!=': '\\ne',
  '≠': '\\ne',
};

/** Thousands separators ("1,000,000", "1 000") become plain digits before commas split lists. */
function joinThousands(text: string): string {
  return text
    .replace(/(?<![\d.,])\d{1,3}(?:,\d{3})+(?![\d,]*\d)(?:\.\d+)?/g, (m) => m.replace(/,/g, ''))
    .replace(/(?<![\d.])\d{1,3}(?: \d{3})+(?!\s?\d)/g, (m) => m.replace(/ /g, ''));
}

function stripDecorations(text: string): { text: string; percent: boolean } {
  let t = text.trim();
  t = t.replace(/^[\s:]+|[\s.,;:?]+$/g, '').replace(/(?<![\w)}!])!+$/, '');
  t = t.replace(/\^\s*\{?\s*\\circ\s*\}?|°|\\degree/g, '');
  let percent = false;
  if (/\\?%$/.test(t)) {
    percent = true;
    t = t.replace(/\s*\\?%$/, '');
  }
  return { text: t.trim(), percent };
}

const MATRIX = /^\\begin\{([pbBvV]?matrix|array)\}(?:\{[^{}]*\})?([\s\S]*)\\end\{\1\}$/;

export function parseValue(input: string, depth = 0): MathValue {
  if (depth > 20) return { kind: 'leaf', latex: input, percent: false };
  const { text, percent } = stripDecorations(joinThousands(input));
  const leaf: MathValue = { kind: 'leaf', latex: text, percent };
  if (text === '') return leaf;
  const matrix = MATRIX.exec(text);
  if (matrix) {
    const rows = matrix[2]
      .split(/\\\\/)
      .map((r) => r.trim())
      .filter((r) => r !== '' && r !== '\\hline');
    return { kind: 'matrix', rows: rows.map((r) => r.split('&').map((cell) => parseValue(cell, depth + 1))) };
  }
  const commas = splitTop(text, /,|;/);
  if (commas.parts.length > 1) {
    const items = commas.parts.map((p) => p.trim()).filter((p) => p !== '');
    return { kind: 'set', items: items.map((p) => parseValue(p, depth + 1)) };
  }
  const relations = splitTop(text, RELATION);
  if (relations.parts.length > 1 && relations.parts.every((p) => p.trim() !== '')) {
    return {
      kind: 'relation',
      ops: relations.seps.map((s) => REL_NAMES[s] ?? '='),
      sides: relations.parts.map((p) => parseValue(p, depth + 1)),
    };
  }
  const unions = splitTop(text, /\\cup(?![a-z])|∪/);
  if (unions.parts.length > 1) return { kind: 'union', parts: unions.parts.map((p) => parseValue(p, depth + 1)) };
  if (/^\\(?:emptyset|varnothing)$|^\\\{\s*\\\}$|^∅$/.test(text)) return { kind: 'set', items: [] };
  if (text.startsWith('\\{') && text.endsWith('\\}') && wrapsWhole(text, 2, 2)) {
    const inner = splitTop(text.slice(2, -2), /,|;/).parts.map((p) => p.trim());
    return { kind: 'set', items: inner.filter((p) => p !== '').map((p) => parseValue(p, depth + 1)) };
  }
  if (/^[([]/.test(text) && /[)\]]$/.test(text) && wrapsWhole(text, 1, 1)) {
    const inner = splitTop(text.slice(1, -1), /,/).parts.map((p) => p.trim());
    if (inner.length === 2 && inner.every((p) => p !== '')) {
      return {
        kind: 'interval',
        leftOpen: text[0] === '(',
        rightOpen: text[text.length - 1] === ')',
        lo: parseValue(inner[0], depth + 1),
        hi: parseValue(inner[1], depth + 1),
      };
    }
    if (inner.length > 2) return { kind: 'tuple', items: inner.map((p) => parseValue(p, depth + 1)) };
    if (inner.length === 1 && text[0] === '(' && /^\(.*\)$/.test(text)) return parseValue(inner[0], depth + 1);
  }
  // a ± b is the set {a + b, a - b}
  const pm = splitTop(text, /\\pm(?![a-z])|±/);
  if (pm.parts.length === 2) {
    const [a, b] = pm.parts.map((p) => p.trim());
    const join = (sign: string) => (a === '' ? `${sign}${b}` : `${a}${sign}${b}`);
    return { kind: 'set', items: [parseValue(join('+'), depth + 1), parseValue(join('-'), depth + 1)] };
  }
  return leaf;
}

/** Every leaf of a value, for checks that look at all of them. */
export function leaves(value: MathValue): Array<Extract<MathValue, { kind: 'leaf' }>> {
  switch (value.kind) {
    case 'leaf':
      return [value];
    case 'set':
    case 'tuple':
      return value.items.flatMap(leaves);
    case 'interval':
      return [...leaves(value.lo), ...leaves(value.hi)];
    case 'union':
      return value.parts.flatMap(leaves);
    case 'matrix':
      return value.rows.flat().flatMap(leaves);
    case 'relation':
      return value.sides.flatMap(leaves);
  }
}
