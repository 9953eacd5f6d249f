/**
 * Accuracy: the final answer against the gold answer. Countdown problems are graded by
 * evaluating their expression (countdown.ts); every other problem by the math verifier
 * (math/verify.ts), with plain numbers on an exact fast path that never starts the CAS.
 *
 * Strict mode (the default, for RL): the answer is the one answer block, and everything that is
 * not exactly one graded answer scores 0: no block, an empty block, two blocks, a block inside
 * the reasoning, a number only in the reasoning, several distinct boxes, text or letters around
 * the answer, look-alike digits, a huge answer. Lenient mode (for evaluating outside models):
 * without an answer block, the reply after the reasoning is read the way Math-Verify reads it.
 */
import { extractAnswerBlock, THINK_CLOSE, type AnswerProblem } from '../util/tags';
import { countdownReward } from './countdown';
import { boxedContents } from './latex';
import { numbersMatch, readRational } from './math/leaf';
import { verifyMathAnswer, type MathVerifierOptions, type VerifierMode } from './math/verify';
import type { RewardSample } from './types';

export type { VerifierMode } from './math/verify';

export interface AccuracyOptions {
  /** 'strict' (default) for RL, 'lenient' for evaluating models trained elsewhere. */
  mode?: VerifierMode;
  /** Hard deadline of one CAS comparison, in milliseconds (default 2000). */
  deadlineMs?: number;
  /** Longer answers score 0 (default 1000 characters). */
  maxAnswerChars?: number;
  /**
   * Grade a gold answer that is plain words by text equality (case, spaces, final full stop).
   * Off by default: an unreadable gold answer should surface as unscorable rather than be
   * compared as text.
   */
  textAnswers?: boolean;
}

/** The final answer of a completion: the answer block, or the single \boxed{} inside it. */
export function extractFinalAnswer(
  completion: string,
): { answer: string } | { problem: AnswerProblem | 'several-boxed' } {
  const block = extractAnswerBlock(completion);
  if (!('answer' in block)) return block;
  const boxes = boxedContents(block.answer);
  if (boxes.length > 1) return { problem: 'several-boxed' };
  if (boxes.length === 1) {
    const inner = boxes[0].trim();
    return inner === '' ? { problem: 'empty' } : { answer: inner };
  }
  return block;
}

export function normaliseText(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/\\text\s*\{([^{}]*)\}/g, '$1')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/[.!]$/, '')
    .trim();
}

/** The text to grade: the answer block, or in lenient mode the reply after the reasoning when there is no block. */
function answerText(completion: string, mode: VerifierMode): string | null {
  const block = extractAnswerBlock(completion);
  if ('answer' in block) return block.answer;
  if (mode !== 'lenient' || block.problem !== 'missing') return null;
  const afterThink = completion.lastIndexOf(THINK_CLOSE);
  const reply = afterThink >= 0 ? completion.slice(afterThink + THINK_CLOSE.length) : completion;
  return reply.trim() === '' ? null : reply;
}

/** A plain decimal number, the form of the built-in task's answers. */
const PLAIN_NUMBER = /^[-+]?\d+(?:\.\d+)?$/;

/** 1 if the final answer equals the gold answer, 0 if not, null if the gold answer cannot be graded. */
export function accuracyReward(sample: RewardSample, options: AccuracyOptions = {}): number | null {
  if (sample.problem.countdown !== undefined || sample.problem.task === 'countdown') {
    return countdownReward(sample, { maxAnswerChars: options.maxAnswerChars });
  }
  const gold = sample.problem.answer.trim();
  if (gold === '') return null;
  const mode = options.mode ?? 'strict';
  const text = answerText(sample.completion, mode);
  // Fast path: a plain number against a plain number, exact, no CAS.
  const trimmed = text?.trim();
  if (PLAIN_NUMBER.test(gold) && (trimmed === undefined || PLAIN_NUMBER.test(trimmed))) {
    if (trimmed === undefined) return 0;
    const g = readRational(gold);
    const p = readRational(trimmed);
    if (g && p) return numbersMatch(g.value, g.float, p.value, p.float) ? 1 : 0;
  }
  const verifier: MathVerifierOptions = { ...options, mode };
  if (text === null) {
    // no answer to grade; the gold answer still decides between 0 and unscorable
    return verifyMathAnswer(gold, '', verifier).reason === 'gold-unreadable' ? null : 0;
  }
  if (options.textAnswers && normaliseText(text) === normaliseText(gold)) return 1;
  const verdict = verifyMathAnswer(gold, text, verifier);
  if (verdict.correct === null) return null;
  return verdict.correct ? 1 : 0;
}
