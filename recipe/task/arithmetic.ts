/**
 * Arithmetic problems with a digit-by-digit worked solution. The solution is built step by step
 * so that the corpus generator can inject the mistakes a learner makes (a forgotten carry) and
 * switch language mid-chain, with the final result always following from the written steps.
 */
import { ARITHMETIC_WORDS, type ArithmeticWords } from './phrases';
import type { ArithmeticOp, TaskLanguage } from './types';

export interface SolveOptions {
  /** The words used at step i of n; lets a chain of thought drift into another language. */
  wordsAt?: (step: number, steps: number) => ArithmeticWords;
  /** Forget the carry (or borrow) coming into this step, as a learner might. */
  dropCarryAt?: number;
  /** Add this to the final result as a last-moment slip. */
  slip?: number;
}

export interface WorkedSolution {
  /** The chain of thought, e.g. "7+8=15 carry 1; 4+3+1=8; so 85". */
  reasoning: string;
  /** The result the chain arrives at (wrong when a mistake was injected). */
  result: number;
  /** Steps that receive a carry or borrow: where `dropCarryAt` makes a difference. */
  carrySteps: number[];
}

/** Digits least significant first. */
function digitsOf(n: number): number[] {
  return [...String(n)].reverse().map(Number);
}

export function exactResult(op: ArithmeticOp, a: number, b: number): number {
  if (op === 'add') return a + b;
  if (op === 'subtract') return a - b;
  return a * b;
}

export function solveArithmetic(
  op: ArithmeticOp,
  a: number,
  b: number,
  language: TaskLanguage,
  options: SolveOptions = {},
): WorkedSolution {
  const base = ARITHMETIC_WORDS[language];
  const wordsAt = options.wordsAt ?? (() => base);
  let prefix = '';
  let negate = false;
  let x = a;
  let y = b;
  if (op === 'subtract' && a < b) {
    prefix = `${wordsAt(0, 1).swap} ${b}-${a}; `;
    negate = true;
    x = b;
    y = a;
  }
  const solved =
    op === 'add'
      ? addSteps(x, y, wordsAt, options.dropCarryAt)
      : op === 'subtract'
        ? subtractSteps(x, y, wordsAt, options.dropCarryAt)
        : multiplySteps(x, y, wordsAt, options.dropCarryAt);
  let result = negate ? -solved.result : solved.result;
  result += options.slip ?? 0;
  const last = wordsAt(solved.steps.length, solved.steps.length + 1);
  const reasoning = `${prefix}${solved.steps.join('; ')}; ${last.so} ${result}`;
  return { reasoning, result, carrySteps: solved.carrySteps };
}

type WordsAt = (step: number, steps: number) => ArithmeticWords;
interface Steps {
  steps: string[];
  result: number;
  carrySteps: number[];
}

function addSteps(a: number, b: number, wordsAt: WordsAt, dropAt?: number): Steps {
  const da = digitsOf(a);
  const db = digitsOf(b);
  const n = Math.max(da.length, db.length);
  const steps: string[] = [];
  const carrySteps: number[] = [];
  let carry = 0;
  let digits = '';
  for (let i = 0; i < n; i++) {
    if (carry) carrySteps.push(i);
    const carryIn = i === dropAt ? 0 : carry;
    const s = (da[i] ?? 0) + (db[i] ?? 0) + carryIn;
    let text = `${da[i] ?? 0}+${db[i] ?? 0}${carryIn ? `+${carryIn}` : ''}=${s}`;
    if (i === n - 1) {
      digits = String(s) + digits;
    } else {
      digits = String(s % 10) + digits;
      carry = Math.floor(s / 10);
      if (carry) text += ` ${wordsAt(i, n + 1).carry} ${carry}`;
    }
    steps.push(text);
  }
  return { steps, result: Number(digits), carrySteps };
}

function subtractSteps(a: number, b: number, wordsAt: WordsAt, dropAt?: number): Steps {
  const da = digitsOf(a);
  const db = digitsOf(b);
  const steps: string[] = [];
  const carrySteps: number[] = [];
  let borrow = 0;
  let digits = '';
  for (let i = 0; i < da.length; i++) {
    if (borrow) carrySteps.push(i);
    const borrowIn = i === dropAt ? 0 : borrow;
    const top = da[i];
    const bottom = db[i] ?? 0;
    const rest = `-${bottom}${borrowIn ? `-${borrowIn}` : ''}`;
    let value = top - bottom - borrowIn;
    if (value < 0 && i < da.length - 1) {
      value += 10;
      borrow = 1;
      steps.push(`1${top}${rest}=${value} ${wordsAt(i, da.length + 1).borrow} 1`);
    } else {
      borrow = 0;
      steps.push(`${top}${rest}=${value}`);
    }
    digits = String(value) + digits;
  }
  return { steps, result: Number(digits), carrySteps };
}

function multiplySteps(a: number, b: number, wordsAt: WordsAt, dropAt?: number): Steps {
  const db = digitsOf(b);
  if (db.length === 1) return multiplyByDigit(a, b, wordsAt, dropAt);
  // Longer multipliers: one partial product per digit, then their sum.
  const partials = db.map((d, j) => a * d * 10 ** j);
  const steps = db.map((d, j) => `${a}*${d}${'0'.repeat(j)}=${partials[j]}`);
  const result = partials.reduce((s, p) => s + p, 0);
  steps.push(`${wordsAt(db.length, db.length + 2).sum} ${partials.join('+')}=${result}`);
  return { steps, result, carrySteps: [] };
}

function multiplyByDigit(a: number, m: number, wordsAt: WordsAt, dropAt?: number): Steps {
  const da = digitsOf(a);
  const steps: string[] = [];
  const carrySteps: number[] = [];
  let carry = 0;
  let digits = '';
  for (let i = 0; i < da.length; i++) {
    if (carry) carrySteps.push(i);
    const carryIn = i === dropAt ? 0 : carry;
    const p = da[i] * m + carryIn;
    let text = `${da[i]}*${m}${carryIn ? `+${carryIn}` : ''}=${p}`;
    if (i === da.length - 1) {
      digits = String(p) + digits;
    } else {
      digits = String(p % 10) + digits;
      carry = Math.floor(p / 10);
      if (carry) text += ` ${wordsAt(i, da.length + 1).carry} ${carry}`;
    }
    steps.push(text);
  }
  return { steps, result: Number(digits), carrySteps };
}

/** The question text for an arithmetic problem in one of the language's wordings. */
export function arithmeticQuestion(
  op: ArithmeticOp,
  a: number,
  b: number,
  language: TaskLanguage,
  wording: number,
): string {
  const options = ARITHMETIC_WORDS[language].questions[op];
  return options[wording % options.length].replace('{a}', String(a)).replace('{b}', String(b));
}
