/**
 * The cold-start SFT format: a kept completion rewritten in one readable canonical shape
 * (trimmed reasoning in one think block, trimmed answer in one answer block, nothing else), so
 * the SFT data teaches a single clean format even when the RL samples were messier.
 */
import { checkFormat } from '../util/tags';
import { formatCompletion, renderPrompt } from './r1zero';
import type { SftExample } from './sft';

/** Collapses runs of spaces and tabs and trims each line; keeps line breaks. */
function tidy(text: string): string {
  return text
    .split('\n')
    .map((line) => line.replace(/[ \t]+/g, ' ').trim())
    .filter((line) => line !== '')
    .join('\n');
}

/** A sampled completion in the clean cold-start shape, or null if it is not well formed. */
export function coldStartCompletion(completion: string): string | null {
  const parts = checkFormat(completion);
  if (!parts.ok) return null;
  return formatCompletion(tidy(parts.think), tidy(parts.answer));
}

/** The cold-start example for a question and a sampled completion, or null if it is not well formed. */
export function coldStartExample(template: string, question: string, completion: string): SftExample | null {
  const clean = coldStartCompletion(completion);
  return clean === null ? null : { prompt: renderPrompt(template, question), completion: clean };
}
