/**
 * The pretraining corpus for the tiny base model. It is built so the base model is *partly*
 * right: it has seen the R1 format only some of the time, seen worked solutions with mistakes,
 * seen reasoning drift into the other language, and seen unsafe requests both refused and
 * humoured. Sampling from it then gives a low pass@1 and a much higher pass@k, which is exactly
 * the gap GRPO closes. recipe/README.md explains the default mix.
 */
import { formatCompletion, renderPrompt, TINY_R1_ZERO_TEMPLATE } from '../templates/r1zero';
import { createRng, deriveSeed, type Rng } from '../util/rng';
import { THINK_CLOSE, THINK_OPEN } from '../util/tags';
import { exactResult, solveArithmetic, type SolveOptions } from './arithmetic';
import { harmlessWorking, type HarmlessSlip, type HarmlessTask } from './general';
import {
  resolveTaskOptions,
  sampleArithmetic,
  sampleHarmless,
  sampleUnsafe,
  splitOf,
  type TaskFamilyOptions,
} from './generate';
import { ARITHMETIC_WORDS, GENERAL_WORDS } from './phrases';
import type { ArithmeticOp, Problem, TaskLanguage } from './types';

/**
 * Version of what `generateCorpus` makes of its options. Raise it whenever a change to the corpus,
 * the task's wordings or its worked solutions changes the documents: cached base models are
 * keyed by it. 2: numbered letters in the harmless reasoning, made-up words.
 */
export const CORPUS_VERSION = 2;

/** Relative weights of the document kinds (normalised; they need not sum to 1). */
export interface CorpusMix {
  /** Arithmetic, R1 format, reasoning in the prompt's language. */
  tagged: number;
  /** Arithmetic without the full format: a bare chain, a bare answer, or think without answer tags. */
  untagged: number;
  /** Arithmetic, R1 format, reasoning drifting into the other language (wholly or mid-chain). */
  drift: number;
  /** Lines of bare equations from the training split. */
  facts: number;
  /** Harmless requests (echo, count, reverse), usually answered, sometimes refused. */
  harmless: number;
  /** Unsafe requests, refused or humoured. */
  unsafe: number;
}

export const DEFAULT_CORPUS_MIX: CorpusMix = {
  tagged: 0.3,
  untagged: 0.2,
  drift: 0.15,
  facts: 0.15,
  harmless: 0.1,
  unsafe: 0.1,
};

export interface CorpusOptions {
  seed: number;
  documents: number;
  mix: CorpusMix;
  /** Share of worked arithmetic solutions that contain a mistake. */
  mistakeRate: number;
  /**
   * Share of harmless replies with a slip in their reasoning. Lower than `mistakeRate`: a small
   * model imitates slips in copying as readily as the copying itself.
   */
  harmlessMistakeRate: number;
  /** Share of unsafe requests that are refused; the rest are humoured. */
  refusalRate: number;
  /** Share of harmless requests that are refused anyway. */
  overRefusalRate: number;
  /** Equations per facts document. */
  factsPerDocument: number;
  template: string;
  task: Partial<TaskFamilyOptions>;
}

export const DEFAULT_CORPUS_OPTIONS: Omit<CorpusOptions, 'seed' | 'documents'> = {
  mix: DEFAULT_CORPUS_MIX,
  mistakeRate: 0.35,
  harmlessMistakeRate: 0.1,
  refusalRate: 0.5,
  overRefusalRate: 0.1,
  factsPerDocument: 4,
  template: TINY_R1_ZERO_TEMPLATE,
  task: {},
};

export type CorpusKind = keyof CorpusMix;
const KINDS: readonly CorpusKind[] = ['tagged', 'untagged', 'drift', 'facts', 'harmless', 'unsafe'];

export interface Corpus {
  documents: string[];
  /** The problem behind each document (null for equation lists), for analysing the corpus. */
  problems: Array<Problem | null>;
  /** Documents per kind. */
  counts: Record<CorpusKind, number>;
  /** Documents whose final answer is wrong (or a harmless request refused / unsafe humoured). */
  wrong: number;
}

function pickKind(rng: Rng, mix: CorpusMix): CorpusKind {
  const total = KINDS.reduce((s, k) => s + mix[k], 0);
  let u = rng.next() * total;
  for (const kind of KINDS) {
    u -= mix[kind];
    if (u < 0) return kind;
  }
  return KINDS[KINDS.length - 1];
}

/** Draws until the problem is a training problem; eval problems never reach the corpus. */
function trainProblem(rng: Rng, options: TaskFamilyOptions, draw: (rng: Rng) => Problem): Problem {
  for (let attempt = 0; attempt < 10000; attempt++) {
    const problem = draw(rng);
    if (splitOf(problem, options) === 'train') return problem;
  }
  throw new Error('The training split is empty for these task options; lower the eval fraction.');
}

function drawHarmless(rng: Rng, options: TaskFamilyOptions): Problem {
  return sampleHarmless(rng, options, rng.pick(options.languages), true);
}

function drawUnsafe(rng: Rng, options: TaskFamilyOptions): Problem {
  return sampleUnsafe(rng, rng.pick(options.languages));
}

function operandsOf(problem: Problem): { op: ArithmeticOp; a: number; b: number } {
  const [op, a, b] = problem.key.split(':');
  return { op: op as ArithmeticOp, a: Number(a), b: Number(b) };
}

function other(language: TaskLanguage): TaskLanguage {
  return language === 'en' ? 'ru' : 'en';
}

/** A worked solution, with a mistake when `wrong` (a dropped carry where there is one, else a slip). */
function solve(rng: Rng, problem: Problem, wrong: boolean, wordsAt?: SolveOptions['wordsAt']) {
  const { op, a, b } = operandsOf(problem);
  const language = problem.language as TaskLanguage;
  const clean = solveArithmetic(op, a, b, language, { wordsAt });
  if (!wrong) return clean;
  if (clean.carrySteps.length > 0 && rng.chance(0.7)) {
    return solveArithmetic(op, a, b, language, { wordsAt, dropCarryAt: rng.pick(clean.carrySteps) });
  }
  const slip = rng.pick([-10, -1, 1, 10]);
  return solveArithmetic(op, a, b, language, { wordsAt, slip: exactResult(op, a, b) + slip < 0 ? -slip : slip });
}

interface Doc {
  text: string;
  wrong: boolean;
  problem: Problem;
}

function arithmeticDocument(
  rng: Rng,
  kind: 'tagged' | 'untagged' | 'drift',
  problem: Problem,
  options: CorpusOptions,
): Doc {
  const prompt = renderPrompt(options.template, problem.question);
  const wrong = rng.chance(options.mistakeRate);
  const language = problem.language as TaskLanguage;
  if (kind === 'drift') {
    const own = ARITHMETIC_WORDS[language];
    const foreign = ARITHMETIC_WORDS[other(language)];
    const whole = rng.chance(0.5);
    const wordsAt: SolveOptions['wordsAt'] = (step, steps) => (whole || step >= steps / 2 ? foreign : own);
    const solution = solve(rng, problem, wrong, wordsAt);
    return {
      text: prompt + formatCompletion(solution.reasoning, String(solution.result)),
      wrong: String(solution.result) !== problem.answer,
      problem,
    };
  }
  const solution = solve(rng, problem, wrong);
  const result = String(solution.result);
  const isWrong = result !== problem.answer;
  if (kind === 'tagged')
    return { text: prompt + formatCompletion(solution.reasoning, result), wrong: isWrong, problem };
  const shape = rng.int(0, 2);
  if (shape === 0) return { text: `${prompt}${solution.reasoning}`, wrong: isWrong, problem };
  if (shape === 1) return { text: `${prompt}${result}`, wrong: isWrong, problem };
  return { text: `${prompt}${THINK_OPEN}${solution.reasoning}${THINK_CLOSE} ${result}`, wrong: isWrong, problem };
}

function factsDocument(rng: Rng, taskOptions: TaskFamilyOptions, count: number): string {
  const lines: string[] = [];
  const symbol: Record<ArithmeticOp, string> = { add: '+', subtract: '-', multiply: '*' };
  for (let i = 0; i < count; i++) {
    const problem = trainProblem(rng, taskOptions, (r) => sampleArithmetic(r, taskOptions));
    const { op, a, b } = operandsOf(problem);
    lines.push(`${a}${symbol[op]}${b}=${problem.answer}`);
  }
  return lines.join('\n');
}

function generalDocument(rng: Rng, problem: Problem, options: CorpusOptions): Doc {
  const words = GENERAL_WORDS[problem.language as TaskLanguage];
  const prompt = renderPrompt(options.template, problem.question);
  const tagged = rng.chance(0.7);
  const reply = (thought: string, answer: string) => (tagged ? formatCompletion(thought, answer) : answer);
  if (problem.category === 'unsafe') {
    if (rng.chance(options.refusalRate))
      return { text: prompt + reply(words.unsafeThought, words.refusal), wrong: false, problem };
    return { text: prompt + reply(words.complianceThought, words.compliance), wrong: true, problem };
  }
  if (rng.chance(options.overRefusalRate))
    return { text: prompt + reply(words.overRefusalThought, words.refusal), wrong: true, problem };
  if (rng.chance(options.harmlessMistakeRate)) {
    const task = problem.task as HarmlessTask;
    const word = problem.key.split(':')[2]!;
    // Plausible wrong replies: a letter swapped, dropped or doubled in the reasoning, the answer read off it.
    const slip: HarmlessSlip = {
      kind: task === 'count' ? rng.pick(['drop', 'double'] as const) : rng.pick(['swap', 'drop', 'double'] as const),
      at: rng.int(0, [...word].length - 1),
    };
    const working = harmlessWorking(task, word, problem.language as TaskLanguage, slip);
    if (working.answer !== problem.answer)
      return { text: prompt + reply(working.reasoning, working.answer), wrong: true, problem };
  }
  return { text: prompt + reply(problem.reasoning ?? '', problem.answer), wrong: false, problem };
}

/** A deterministic corpus of `documents` short documents for (seed, options). */
export function generateCorpus(
  request: { seed: number; documents: number } & Partial<Omit<CorpusOptions, 'seed' | 'documents'>>,
): Corpus {
  const options: CorpusOptions = {
    ...DEFAULT_CORPUS_OPTIONS,
    ...request,
    mix: { ...DEFAULT_CORPUS_MIX, ...request.mix },
  };
  for (const kind of KINDS) {
    if (!(options.mix[kind] >= 0))
      throw new Error(`corpus.mix.${kind} must be a non-negative number, got ${options.mix[kind]}.`);
  }
  if (KINDS.every((k) => options.mix[k] === 0))
    throw new Error('corpus.mix must give at least one kind a positive weight.');
  for (const name of ['mistakeRate', 'harmlessMistakeRate', 'refusalRate', 'overRefusalRate'] as const) {
    if (!(options[name] >= 0 && options[name] <= 1))
      throw new Error(`corpus.${name} must be in [0, 1], got ${options[name]}.`);
  }
  const taskOptions = resolveTaskOptions(options.task);
  const rng = createRng(deriveSeed(options.seed, 'corpus'));
  const counts = Object.fromEntries(KINDS.map((k) => [k, 0])) as Record<CorpusKind, number>;
  const documents: string[] = [];
  const problems: Array<Problem | null> = [];
  let wrong = 0;
  for (let i = 0; i < options.documents; i++) {
    const kind = pickKind(rng, options.mix);
    counts[kind]++;
    if (kind === 'facts') {
      documents.push(factsDocument(rng, taskOptions, options.factsPerDocument));
      problems.push(null);
      continue;
    }
    const doc =
      kind === 'harmless'
        ? generalDocument(
            rng,
            trainProblem(rng, taskOptions, (r) => drawHarmless(r, taskOptions)),
            options,
          )
        : kind === 'unsafe'
          ? generalDocument(
              rng,
              trainProblem(rng, taskOptions, (r) => drawUnsafe(r, taskOptions)),
              options,
            )
          : arithmeticDocument(
              rng,
              kind,
              trainProblem(rng, taskOptions, (r) => sampleArithmetic(r, taskOptions)),
              options,
            );
    documents.push(doc.text);
    problems.push(doc.problem);
    if (doc.wrong) wrong++;
  }
  return { documents, problems, counts, wrong };
}
