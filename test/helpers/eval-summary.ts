// A held-out evaluation with only the numbers a test cares about; the rest are null (not measured).
import type { EvalSummary } from '../../recipe/eval/metrics';

export function evalSummary(numbers: Partial<EvalSummary>): EvalSummary {
  return {
    samples: 0,
    reasoningProblems: 0,
    pass1: null,
    answerAccuracy: null,
    passAtK: {},
    formatRate: null,
    languageConsistency: null,
    singleLanguageRate: null,
    refusalCorrectness: null,
    helpfulRate: null,
    meanLength: null,
    unscorable: 0,
    ...numbers,
  };
}
