/**
 * Accuracy: the one answer block (and the one \boxed{} inside it, if any) against the gold
 * answer. Everything that is not exactly one graded answer scores 0: no block, an empty block,
 * two blocks, a block inside the reasoning, a number only in the reasoning, several boxes.
 */
import { extractAnswerBlock, type AnswerProblem } from '../util/tags';
import { boxedContents } from './latex';
import { numbersEquivalent, parseNumber } from './numbers';
import type { RewardSample } from './types';

export interface AccuracyOptions {
  /**
   * Grade a non-numeric gold answer by normalised text equality (case, spaces, final full stop).
   * Off by default: the built-in task and GSM8K are numeric, and an unreadable gold answer
   * should surface as unscorable rather than be compared as text.
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

/** 1 if the final answer equals the gold answer, 0 if not, null if the gold answer cannot be graded. */
export function accuracyReward(sample: RewardSample, options: AccuracyOptions = {}): number | null {
  const gold = sample.problem.answer.trim();
  if (gold === '') return null;
  const goldIsNumber = parseNumber(gold) !== null;
  if (!goldIsNumber && !options.textAnswers) return null;
  const final = extractFinalAnswer(sample.completion);
  if (!('answer' in final)) return 0;
  if (goldIsNumber) return numbersEquivalent(final.answer, gold) ? 1 : 0;
  return normaliseText(final.answer) === normaliseText(gold) ? 1 : 0;
}
