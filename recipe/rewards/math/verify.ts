/**
 * Math answer verification at Math-Verify's level: find the final answer (extract.ts), normalise
 * its LaTeX (normalise.ts), split it into its shape (value.ts) and compare it with the gold answer
 * shape by shape (compare.ts): plain numbers as exact rationals without the CAS, everything else
 * through the Compute Engine under a hard deadline (cas-client.ts).
 *
 * Two modes. `strict` (the default, for RL) grades only an answer that is one answer: no text or
 * letters around it besides units and "the answer is", at most one distinct `\boxed{}`, ASCII
 * digits only, and a length cap. `lenient` (for evaluating outside models) reads answers the way
 * Math-Verify does: boxes joined into a set, the last number of a sentence, look-alike digits
 * folded to ASCII.
 */
import { casCall } from './cas-client';
import { AnswerComparer } from './compare';
import { extractAnswer } from './extract';
import { leafLatex, readLeaf, type Leaf } from './leaf';
import { normaliseLatex } from './normalise';
import { leaves, parseValue, type MathValue } from './value';

export type VerifierMode = 'strict' | 'lenient';

export interface MathVerifierOptions {
  mode?: VerifierMode;
  /** Hard deadline of one CAS comparison, in milliseconds. */
  deadlineMs?: number;
  /** Longer answers score 0 (a huge answer is no answer). */
  maxAnswerChars?: number;
  /** Grade a gold answer that is plain words ("Paris") by text equality. */
  textAnswers?: boolean;
}

export const DEFAULT_VERIFIER_OPTIONS = {
  mode: 'strict',
  deadlineMs: 2000,
  maxAnswerChars: 1000,
  textAnswers: false,
} as const;

export type MathVerdictReason =
  | 'equal'
  | 'different'
  | 'gold-unreadable'
  | 'no-answer'
  | 'too-long'
  | 'look-alike-digits'
  | 'several-answers'
  | 'text-around-answer'
  | 'cas-timeout';

export interface MathVerdict {
  /** null: cannot be scored (unreadable gold, or a CAS comparison that did not finish in time). */
  correct: boolean | null;
  reason: MathVerdictReason;
}

/** Non-ASCII decimal digits (fullwidth, Arabic-Indic, mathematical bold, …). */
const LOOK_ALIKE_DIGIT = /(?![0-9])\p{Nd}/u;
const FUNCTION_NAMES = new Set([
  'sin',
  'cos',
  'tan',
  'cot',
  'sec',
  'csc',
  'log',
  'ln',
  'exp',
  'lim',
  'max',
  'min',
  'gcd',
  'lcm',
  'det',
  'mod',
  'arcsin',
  'arccos',
  'arctan',
  'sinh',
  'cosh',
  'tanh',
  'infty',
  'pi',
  'circ',
]);
const ANSWER_PREFIX = /^(?:so,?\s+)?(?:the\s+)?(?:final\s+)?(?:answer|result)\s*(?:is|=|:)\s*|^answer\s*:\s*/i;
const CHOICE = /^\(?([A-E])\)?$/;
/** Dataset placeholders for "no answer": never graded (n/a would otherwise read as n ÷ a). */
const PLACEHOLDER = /^(?:n\/?a|none|null|nan|undefined|unknown|tbd|-+|\?+)$/i;

function foldText(text: string, mode: VerifierMode): string {
  const folded = mode === 'lenient' ? text.normalize('NFKC') : text;
  return folded.replace(/[\u2212\u2012\u2013]/g, '-').replace(/[\u00a0\u2009\u202f\u2007]/g, ' ');
}

/** Words of two or more letters outside LaTeX commands and `\text{}` units: prose, not math. */
function hasProse(value: MathValue): boolean {
  return leaves(value).some((leaf) => {
    const text = leaf.latex.replace(/\\text\{[^{}]*\}/g, ' ').replace(/\\[a-zA-Z]+/g, ' ');
    if (/^\s*[A-Za-z][A-Za-z ]*$/.test(leaf.latex.replace(/^\\text\{([^{}]*)\}$/, '$1'))) {
      // all words: a text answer, prose only when a number sits beside it
      return false;
    }
    const words = text.match(/[A-Za-z]{2,}/g) ?? [];
    return words.some((w) => !FUNCTION_NAMES.has(w.toLowerCase()));
  });
}

/** Math-Verify's fallback for prose: the last number that stands on its own. */
function lastNumber(text: string): string | null {
  const matches = [
    ...text.matchAll(
      /(?:^|[\s=(])[$€£¥]?(-?(?:\d{1,3}(?:[ ,]\d{3})+(?:\.\d+)?|\d+(?:[.,]\d+)?|\.\d+))(\s*(?:%|percent))?(?![\w])/g,
    ),
  ];
  if (matches.length === 0) return null;
  const last = matches[matches.length - 1];
  return last[1] + (last[2] ? '%' : '');
}

function parseParts(parts: readonly string[], percent: boolean): MathValue {
  const normalised = parts.map((p) => normaliseLatex(p)).filter((p) => p !== '');
  const text = normalised.length > 1 ? normalised.join(',') : (normalised[0] ?? '');
  return parseValue(percent && !/%$/.test(text) ? `${text}\\%` : text);
}

interface ReadAnswer {
  value?: MathValue;
  choice?: string;
  problem?: MathVerdictReason;
}

function readChoice(text: string): string | null {
  const stripped = text
    .replace(/\\boxed\{([^{}]*)\}/g, '$1')
    .replace(/\\text(?:bf)?\{([^{}]*)\}/g, '$1')
    .replace(/\$/g, '')
    .replace(/\*\*/g, '')
    .trim()
    .replace(ANSWER_PREFIX, '')
    .replace(/[.\s]+$/, '');
  const m = CHOICE.exec(stripped);
  return m ? m[1] : null;
}

function readPrediction(raw: string, options: Required<MathVerifierOptions>, wantChoice: boolean): ReadAnswer {
  if (raw.length > options.maxAnswerChars) return { problem: 'too-long' };
  if (options.mode === 'strict' && LOOK_ALIKE_DIGIT.test(raw)) return { problem: 'look-alike-digits' };
  const text = foldText(raw, options.mode);
  const extracted = extractAnswer(text);
  if (!extracted) return { problem: 'no-answer' };
  if (options.mode === 'strict' && extracted.distinctBoxes > 1) return { problem: 'several-answers' };
  if (wantChoice) {
    const direct = readChoice(extracted.parts.join(' '));
    if (direct) return { choice: direct };
    if (options.mode === 'strict') return { problem: 'text-around-answer' };
    const letters = [...text.matchAll(/(?:^|[\s(])(?:\*\*)?\(?([A-E])\)?(?:\*\*)?(?=[.,:)\s]|$)/g)];
    return letters.length > 0 ? { choice: letters[letters.length - 1][1] } : { problem: 'no-answer' };
  }
  let parts = extracted.parts;
  if (extracted.source === 'bare' || extracted.source === 'final-answer') {
    // outside LaTeX, "1,5" is a decimal comma (Math-Verify reads it so); "1,500" stays a thousands separator
    parts = parts.map((p) => p.replace(ANSWER_PREFIX, '').replace(/^\s*(-?\d+),(\d{1,2}|\d{4,})\s*$/, '$1.$2'));
  }
  const value = parseParts(parts, extracted.percent);
  if (!hasProse(value)) return { value };
  if (options.mode === 'strict') return { problem: 'text-around-answer' };
  const number = lastNumber(parts.join(' '));
  return number === null ? { problem: 'no-answer' } : { value: parseValue(normaliseLatex(number)) };
}

const goldCache = new Map<string, ReadAnswer | null>();
const casCache = new Map<string, boolean | null>();
const CACHE_LIMIT = 20_000;

function remember<V>(cache: Map<string, V>, key: string, value: V): V {
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
  cache.set(key, value);
  return value;
}

/** The gold answer's value, or null when it cannot be read (the sample is then not scored). */
function readGold(gold: string, options: Required<MathVerifierOptions>): ReadAnswer | null {
  const key = `${options.textAnswers}|${gold}`;
  if (goldCache.has(key)) return goldCache.get(key) ?? null;
  const text = foldText(gold, 'lenient').trim();
  if (PLACEHOLDER.test(text)) return remember(goldCache, key, null);
  const choice = CHOICE.exec(text.replace(/^\$(.*)\$$/, '$1').replace(/^\\text\{(.*)\}$/, '$1'));
  if (choice) return remember(goldCache, key, { choice: choice[1] });
  const extracted = extractAnswer(text);
  if (!extracted) return remember(goldCache, key, null);
  const value = parseParts(extracted.parts, extracted.percent);
  let timedOut = false;
  const readable = leaves(value).every((leaf) => {
    if (leaf.latex === '') return false;
    const read = readLeaf(leaf.latex, leaf.percent);
    if (read.type === 'number') return true;
    if (read.type === 'text') return options.textAnswers || /\\text\{/.test(leaf.latex);
    const parses = casCall({ op: 'parses', latex: read.latex }, options.deadlineMs);
    if (!parses.ok && parses.error === 'timed-out') timedOut = true;
    return parses.ok && parses.value;
  });
  if (timedOut) return null;
  return remember(goldCache, key, readable ? { value } : null);
}

function casLeafEqual(deadlineMs: number) {
  return (gold: Leaf, pred: Leaf): boolean | null => {
    const float = (gold.type !== 'text' && gold.float) || (pred.type !== 'text' && pred.float);
    const goldForms = [leafLatex(gold), ...(gold.type === 'expression' && gold.percent ? [gold.latex] : [])];
    const predForms = [leafLatex(pred), ...(pred.type === 'expression' && pred.percent ? [pred.latex] : [])];
    let unknown = false;
    for (const g of goldForms) {
      for (const p of predForms) {
        const key = `${float}|${g}|${p}`;
        let verdict = casCache.get(key);
        if (verdict === undefined) {
          const reply = casCall({ op: 'equal', gold: g, pred: p, float }, deadlineMs);
          // a timeout is not remembered: the next call may have a longer deadline
          verdict = reply.ok ? reply.value : reply.error === 'timed-out' ? null : false;
          if (verdict !== null) remember(casCache, key, verdict);
        }
        if (verdict === true) return true;
        if (verdict === null) unknown = true;
      }
    }
    return unknown ? null : false;
  };
}

/** Whether `answer` (the text of an answer block, or a whole reply in lenient mode) means the gold answer. */
export function verifyMathAnswer(gold: string, answer: string, partial: MathVerifierOptions = {}): MathVerdict {
  const options = { ...DEFAULT_VERIFIER_OPTIONS, ...partial } as Required<MathVerifierOptions>;
  const goldRead = readGold(gold, options);
  if (!goldRead) return { correct: null, reason: 'gold-unreadable' };
  const pred = readPrediction(answer, options, goldRead.choice !== undefined);
  if (pred.problem) return { correct: false, reason: pred.problem };
  if (goldRead.choice !== undefined) {
    const same = pred.choice === goldRead.choice;
    return { correct: same, reason: same ? 'equal' : 'different' };
  }
  if (!pred.value || !goldRead.value) return { correct: false, reason: 'no-answer' };
  const verdict = new AnswerComparer(casLeafEqual(options.deadlineMs)).equal(goldRead.value, pred.value);
  if (verdict === null) return { correct: null, reason: 'cas-timeout' };
  return { correct: verdict, reason: verdict ? 'equal' : 'different' };
}

/** Whether the gold answer can be graded at all (no prediction needed). */
export function goldIsReadable(gold: string, partial: MathVerifierOptions = {}): boolean {
  const options = { ...DEFAULT_VERIFIER_OPTIONS, ...partial } as Required<MathVerifierOptions>;
  return readGold(gold, options) !== null;
}

/** Forgets remembered gold answers and CAS verdicts (benchmarks measure cold comparisons). */
export function clearVerifierCaches(): void {
  goldCache.clear();
  casCache.clear();
}
