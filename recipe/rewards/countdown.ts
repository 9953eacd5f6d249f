/**
 * The Countdown reward (TinyZero): the answer block holds an expression that uses each given
 * number exactly once with + − × ÷ and parentheses; it is evaluated exactly, as rationals, and
 * compared with the target. 1 when it reaches the target, 0 for anything else (a number used
 * twice or not at all, another operator, unary minus, division by zero, text around it); null
 * when the problem itself is malformed (the sample cannot be scored).
 */
import { extractAnswerBlock } from '../util/tags';
import { divide, rationalEqual, reduce, type Rational } from './math/rational';
import type { CountdownSpec } from '../task/types';
import type { RewardSample } from './types';

export interface CountdownOptions {
  /** Longer answers score 0. */
  maxAnswerChars?: number;
}

type Token =
  | { type: 'number'; value: bigint; text: string }
  | { type: 'op'; op: '+' | '-' | '*' | '/' }
  | { type: 'paren'; open: boolean };

const OPERATORS: Record<string, '+' | '-' | '*' | '/'> = {
  '+': '+',
  '-': '-',
  '\u2212': '-',
  '*': '*',
  '\u00d7': '*',
  '\u00b7': '*',
  '/': '/',
  '\u00f7': '/',
  ':': '/',
};

function tokenize(text: string): Token[] | null {
  const tokens: Token[] = [];
  const source = text
    .replace(/\\times/g, '*')
    .replace(/\\div/g, '/')
    .replace(/\\cdot/g, '*')
    .replace(/\\left|\\right/g, '');
  for (let i = 0; i < source.length;) {
    const c = source[i];
    if (/\s/.test(c)) i++;
    else if (/[0-9]/.test(c)) {
      let j = i;
      while (j < source.length && /[0-9]/.test(source[j])) j++;
      const digits = source.slice(i, j);
      tokens.push({ type: 'number', value: BigInt(digits), text: digits });
      i = j;
    } else if (c in OPERATORS) {
      tokens.push({ type: 'op', op: OPERATORS[c] });
      i++;
    } else if (c === '(' || c === ')' || c === '[' || c === ']') {
      tokens.push({ type: 'paren', open: c === '(' || c === '[' });
      i++;
    } else return null;
  }
  return tokens;
}

/** Recursive descent over + − (lowest), × ÷, then numbers and parentheses; no unary operators. */
function evaluate(tokens: Token[]): { value: Rational; numbers: bigint[] } | null {
  let position = 0;
  const numbers: bigint[] = [];
  const peek = () => tokens[position];
  function primary(): Rational | null {
    const token = tokens[position++];
    if (!token) return null;
    if (token.type === 'number') {
      if (token.text.length > 1 && token.text.startsWith('0')) return null;
      numbers.push(token.value);
      return { num: token.value, den: 1n };
    }
    if (token.type === 'paren' && token.open) {
      const inner = sum();
      const close = tokens[position++];
      if (!inner || !close || close.type !== 'paren' || close.open) return null;
      return inner;
    }
    return null;
  }
  function product(): Rational | null {
    let left = primary();
    while (left) {
      const token = peek();
      if (!token || token.type !== 'op' || (token.op !== '*' && token.op !== '/')) break;
      position++;
      const right = primary();
      if (!right) return null;
      left = token.op === '*' ? reduce(left.num * right.num, left.den * right.den) : divide(left, right);
    }
    return left;
  }
  function sum(): Rational | null {
    let left = product();
    while (left) {
      const token = peek();
      if (!token || token.type !== 'op' || (token.op !== '+' && token.op !== '-')) break;
      position++;
      const right = product();
      if (!right) return null;
      const sign = token.op === '+' ? 1n : -1n;
      left = reduce(left.num * right.den + sign * right.num * left.den, left.den * right.den);
    }
    return left;
  }
  const value = sum();
  if (!value || position !== tokens.length) return null;
  return { value, numbers };
}

/** Whether a problem can be graded: two or more positive integers and an integer target. */
export function countdownSpecIsValid(spec: CountdownSpec | undefined): spec is CountdownSpec {
  return (
    !!spec &&
    Array.isArray(spec.numbers) &&
    spec.numbers.length >= 2 &&
    spec.numbers.every((n) => Number.isSafeInteger(n) && n > 0) &&
    Number.isSafeInteger(spec.target)
  );
}

/** 1 if `expression` reaches the target using each number once, 0 if not. */
export function countdownScore(expression: string, spec: CountdownSpec, options: CountdownOptions = {}): 0 | 1 {
  if (expression.length > (options.maxAnswerChars ?? 1000)) return 0;
  // "… = 24" at the end is allowed, and must then name the target
  const [left, ...rest] = expression.replace(/\$/g, '').split('=');
  if (rest.length > 1 || (rest.length === 1 && rest[0].trim() !== String(spec.target))) return 0;
  const tokens = tokenize(left);
  if (!tokens || tokens.length === 0) return 0;
  const result = evaluate(tokens);
  if (!result) return 0;
  const used = [...result.numbers].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const given = spec.numbers.map((n) => BigInt(n)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  if (used.length !== given.length || used.some((n, i) => n !== given[i])) return 0;
  return rationalEqual(result.value, { num: BigInt(spec.target), den: 1n }) ? 1 : 0;
}

export function countdownReward(sample: RewardSample, options: CountdownOptions = {}): number | null {
  const spec = sample.problem.countdown;
  if (!countdownSpecIsValid(spec)) return null;
  const block = extractAnswerBlock(sample.completion);
  if (!('answer' in block)) return 0;
  return countdownScore(block.answer, spec, options);
}
