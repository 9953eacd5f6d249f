/**
 * Language consistency: the share of the words of the chain of thought written in the script of
 * the prompt's language. The prompt's language comes from the problem's language code, or from
 * the dominant script of the question when the code is not one the recipe knows.
 */
import { dominantScript, scriptOfLanguage, scriptShare, type Script } from '../util/scripts';
import { extractThinking } from '../util/tags';
import type { RewardSample } from './types';

export function promptScript(problem: RewardSample['problem']): Script | null {
  return scriptOfLanguage(problem.language) ?? (problem.question ? dominantScript(problem.question) : null);
}

/**
 * In [0, 1]. No think block scores 0 (there is no reasoning in any language to reward); a think
 * block with no words at all, or a prompt whose language cannot be told, is null.
 */
export function languageConsistencyReward(sample: RewardSample): number | null {
  const script = promptScript(sample.problem);
  if (!script) return null;
  const thinking = extractThinking(sample.completion);
  if (thinking === null) return 0;
  return scriptShare(thinking, script);
}
