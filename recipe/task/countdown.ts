/**
 * Countdown problems (TinyZero's task): a few numbers and a target reachable with each number
 * once and + − × ÷. The generator builds a random expression over the numbers and takes its
 * value as the target, so every problem has a solution; the split is by problem (the sorted
 * numbers and the target), as for arithmetic.
 */
import { createRng, type Rng } from '../util/rng';
import { splitOfKey } from './split';
import type { Problem, Split } from './types';

export interface CountdownOptions {
  seed: number;
  split: Split;
  count: number;
  /** How many numbers per problem (TinyZero uses 3 or 4). */
  minNumbers?: number;
  maxNumbers?: number;
  /** The numbers are drawn from 1..maxNumber. */
  maxNumber?: number;
  /** Targets lie in 1..maxTarget. */
  maxTarget?: number;
  evalFraction?: number;
}

export function countdownKey(numbers: readonly number[], target: number): string {
  return `countdown:${[...numbers].sort((a, b) => a - b).join(',')}:${target}`;
}

export function countdownQuestion(numbers: readonly number[], target: number): string {
  return `Using the numbers ${numbers.join(', ')}, make ${target}. Use each number once and + - * / ( ).`;
}

/** A solution and its value: numbers combined left to right with random operators, kept integral. */
function solve(rng: Rng, numbers: readonly number[]): { expression: string; value: number } | null {
  let expression = String(numbers[0]);
  let value = numbers[0];
  for (const n of numbers.slice(1)) {
    const ops = ['+', '-', '*', ...(value % n === 0 ? ['/'] : [])];
    const op = rng.pick(ops);
    const next = op === '+' ? value + n : op === '-' ? value - n : op === '*' ? value * n : value / n;
    if (next <= 0) return null;
    expression = op === '*' || op === '/' ? `(${expression}) ${op} ${n}` : `${expression} ${op} ${n}`;
    value = next;
  }
  return { expression, value };
}

export function generateCountdown(options: CountdownOptions): Problem[] {
  const { minNumbers = 3, maxNumbers = 4, maxNumber = 99, maxTarget = 999, evalFraction = 0.1 } = options;
  if (!(minNumbers >= 2 && maxNumbers >= minNumbers))
    throw new Error(`countdown: numbers per problem must be 2 ≤ min ≤ max, got ${minNumbers}..${maxNumbers}.`);
  const rng = createRng(options.seed);
  const problems: Problem[] = [];
  for (let attempt = 0; problems.length < options.count; attempt++) {
    if (attempt > options.count * 1000)
      throw new Error(`countdown: could not draw ${options.count} problems of the ${options.split} split.`);
    const numbers = Array.from({ length: rng.int(minNumbers, maxNumbers) }, () => rng.int(1, maxNumber));
    const solution = solve(rng, numbers);
    if (!solution || solution.value > maxTarget) continue;
    const key = countdownKey(numbers, solution.value);
    if (splitOfKey(key, evalFraction) !== options.split) continue;
    problems.push({
      key,
      category: 'reasoning',
      task: 'countdown',
      language: 'en',
      question: countdownQuestion(numbers, solution.value),
      answer: String(solution.value),
      reasoning: solution.expression,
      countdown: { numbers, target: solution.value },
    });
  }
  return problems;
}
