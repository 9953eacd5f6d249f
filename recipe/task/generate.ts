/** Seeded generation of the built-in task family, per split. */
import { createRng, deriveSeed, type Rng } from '../util/rng';
import { arithmeticQuestion, exactResult, solveArithmetic } from './arithmetic';
import { HARMLESS_TASKS, harmlessProblem, madeUpWord, unsafeProblem } from './general';
import { ARITHMETIC_WORDS, GENERAL_WORDS } from './phrases';
import { DEFAULT_SPLIT_SALT, splitOfKey } from './split';
import type { ArithmeticOp, Problem, Split, TaskLanguage } from './types';

export interface TaskFamilyOptions {
  operations: readonly ArithmeticOp[];
  /** Digits of each operand (the first operand of a multiplication). */
  digits: number;
  /** Digits of the multiplier; 1 keeps multiplication a digit-by-digit chain with carries. */
  multiplierDigits: number;
  /** Allow a - b with a < b (negative results); otherwise the operands are ordered. */
  allowNegative: boolean;
  languages: readonly TaskLanguage[];
  /** Share of canonical arithmetic problems held out for eval. */
  evalFraction: number;
  /** Share of canonical general prompts held out for eval (the vocabulary is small). */
  generalEvalFraction: number;
  /** Share of unsafe requests among general prompts. */
  unsafeFraction: number;
  /**
   * Share of harmless training requests (corpus, SFT, RL) about a made-up word instead of a listed
   * one. Eval requests always use the listed words, so eval measures the operation on real
   * words the model never saw for that task.
   */
  madeUpWordShare: number;
  splitSalt: string;
}

export const DEFAULT_TASK_OPTIONS: TaskFamilyOptions = {
  operations: ['add', 'subtract', 'multiply'],
  digits: 2,
  multiplierDigits: 1,
  allowNegative: false,
  languages: ['en', 'ru'],
  evalFraction: 0.1,
  generalEvalFraction: 0.25,
  unsafeFraction: 0.5,
  madeUpWordShare: 0,
  splitSalt: DEFAULT_SPLIT_SALT,
};

export function resolveTaskOptions(partial: Partial<TaskFamilyOptions> = {}): TaskFamilyOptions {
  const options = { ...DEFAULT_TASK_OPTIONS, ...partial };
  if (options.operations.length === 0)
    throw new Error('task.operations must list at least one of add, subtract, multiply.');
  if (options.languages.length === 0) throw new Error('task.languages must list at least one of en, ru.');
  for (const language of options.languages) {
    if (!(language in ARITHMETIC_WORDS))
      throw new Error(`task.languages has unknown language "${language}" (known: en, ru).`);
  }
  for (const [name, value] of [
    ['digits', options.digits],
    ['multiplierDigits', options.multiplierDigits],
  ] as const) {
    if (!Number.isInteger(value) || value < 1 || value > 7)
      throw new Error(`task.${name} must be an integer from 1 to 7, got ${value}.`);
  }
  for (const name of ['evalFraction', 'generalEvalFraction', 'unsafeFraction', 'madeUpWordShare'] as const) {
    const value = options[name];
    if (!(value >= 0 && value <= 1)) throw new Error(`task.${name} must be in [0, 1], got ${value}.`);
  }
  return options;
}

function operand(rng: Rng, digits: number): number {
  return digits === 1 ? rng.int(0, 9) : rng.int(10 ** (digits - 1), 10 ** digits - 1);
}

/** One arithmetic problem, any split, with its worked solution. */
export function sampleArithmetic(rng: Rng, options: TaskFamilyOptions): Problem {
  const op = rng.pick(options.operations);
  const language = rng.pick(options.languages);
  let a = operand(rng, options.digits);
  let b = operand(rng, op === 'multiply' ? options.multiplierDigits : options.digits);
  if (op === 'subtract' && !options.allowNegative && a < b) [a, b] = [b, a];
  const wording = rng.int(0, ARITHMETIC_WORDS[language].questions[op].length - 1);
  const solution = solveArithmetic(op, a, b, language);
  return {
    key: `${op}:${a}:${b}`,
    category: 'reasoning',
    task: op,
    language,
    question: arithmeticQuestion(op, a, b, language, wording),
    answer: String(exactResult(op, a, b)),
    reasoning: solution.reasoning,
  };
}

/**
 * One harmless request in `language`, any split; about a made-up word with the configured share
 * when `madeUpWords` (only ever for training: see `madeUpWordShare`).
 */
export function sampleHarmless(
  rng: Rng,
  options: TaskFamilyOptions,
  language: TaskLanguage,
  madeUpWords: boolean,
): Problem {
  const words = GENERAL_WORDS[language];
  const task = rng.pick(HARMLESS_TASKS);
  const madeUp = madeUpWords && options.madeUpWordShare > 0 && rng.chance(options.madeUpWordShare);
  const word = madeUp ? madeUpWord(rng, language) : rng.pick(words.words);
  return harmlessProblem(task, word, language, rng.int(0, words[task].length - 1));
}

/** One unsafe request in `language`, any split. */
export function sampleUnsafe(rng: Rng, language: TaskLanguage): Problem {
  const words = GENERAL_WORDS[language];
  return unsafeProblem(rng.int(0, words.unsafeObjects.length - 1), language, rng.int(0, words.unsafe.length - 1));
}

/** One general prompt, any split: harmless or unsafe in the configured proportion. */
export function sampleGeneral(rng: Rng, options: TaskFamilyOptions, madeUpWords = false): Problem {
  const language = rng.pick(options.languages);
  if (rng.chance(options.unsafeFraction)) return sampleUnsafe(rng, language);
  return sampleHarmless(rng, options, language, madeUpWords);
}

export type ProblemKind = 'reasoning' | 'general' | 'mixed';

export interface GenerateRequest {
  seed: number;
  split: Split;
  count: number;
  kind?: ProblemKind;
  /** Share of general prompts when kind is 'mixed'. */
  generalFraction?: number;
  /** No two problems with the same key and language (eval sets should be unique). */
  unique?: boolean;
}

/** The split a problem belongs to under these options. */
export function splitOf(problem: Pick<Problem, 'key' | 'category'>, options: TaskFamilyOptions): Split {
  const fraction = problem.category === 'reasoning' ? options.evalFraction : options.generalEvalFraction;
  return splitOfKey(problem.key, fraction, options.splitSalt);
}

/**
 * `count` problems of one split, deterministic for (seed, split, kind, options). Problems are
 * drawn from the whole family and kept only when their key hashes into the requested split.
 */
export function generateProblems(request: GenerateRequest, partialOptions: Partial<TaskFamilyOptions> = {}): Problem[] {
  const options = resolveTaskOptions(partialOptions);
  const kind = request.kind ?? 'reasoning';
  const generalFraction = kind === 'mixed' ? (request.generalFraction ?? 0.5) : kind === 'general' ? 1 : 0;
  if (!Number.isInteger(request.count) || request.count < 0)
    throw new Error(`count must be a non-negative integer, got ${request.count}.`);
  const rng = createRng(deriveSeed(request.seed, 'problems', kind, request.split));
  const madeUpWords = request.split === 'train';
  const problems: Problem[] = [];
  const seen = new Set<string>();
  const maxAttempts = 1000 + request.count * 200;
  let attempts = 0;
  while (problems.length < request.count) {
    if (++attempts > maxAttempts) {
      throw new Error(
        `Could only generate ${problems.length} of ${request.count} ${request.unique ? 'distinct ' : ''}${kind} problems for the ${request.split} split; ` +
          'raise the digits or the eval fraction, or ask for fewer.',
      );
    }
    const problem = rng.chance(generalFraction)
      ? sampleGeneral(rng, options, madeUpWords)
      : sampleArithmetic(rng, options);
    if (splitOf(problem, options) !== request.split) continue;
    const identity = `${problem.key}|${problem.language}`;
    if (request.unique) {
      if (seen.has(identity)) continue;
      seen.add(identity);
    }
    problems.push(problem);
  }
  return problems;
}
