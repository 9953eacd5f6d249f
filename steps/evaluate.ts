// Held-out evaluation at the eval temperature: the same eval problems and sampling seeds for
// every stage of a run, so the per-stage numbers differ only by the policy.
import { summarizeEval, toEvalSample, type EvalSample, type EvalSummary, type ProblemCategory } from '../recipe';
import type { EngineRuntime } from '../engine';
import type { PipelineConfig } from '../recipe/config';
import type { Policy } from './policy';
import { sampleProblems, type DatasetPools } from './problems';
import { promptFormat } from './prompting';
import { rollout } from './rollout';
import { accuracyOptions } from './score';

export interface EvalExample {
  category: ProblemCategory;
  language: string;
  prompt: string;
  answer: string;
  completion: string;
  correct: boolean | null;
}

/** A held-out evaluation: its numbers and the first few completions, for the report. */
export interface EvalResult {
  summary: EvalSummary;
  examples: EvalExample[];
}

export async function evaluate(
  engine: EngineRuntime,
  policy: Policy,
  cfg: PipelineConfig,
  seed?: number,
  pools: DatasetPools = {},
): Promise<EvalResult> {
  const ev = cfg.eval;
  const format = promptFormat(cfg, policy.tokenizer);
  const problems = sampleProblems(cfg, 'eval', 'eval', 0, format, pools);
  const rollouts = await rollout(
    engine,
    policy,
    problems,
    ev.samples,
    { temperature: ev.temperature, topP: 1, topK: 0, maxNewTokens: ev.maxNewTokens },
    { runSeed: seed ?? cfg.seed, stage: 'eval', step: 0 },
    format,
  );
  const samples: EvalSample[] = rollouts.map((r) =>
    toEvalSample(
      { problem: r.problem, completion: r.completion, completionTokens: r.tokens.length },
      `${r.problem.key}|${r.problem.language}`,
      accuracyOptions(cfg.verifier, 'eval'),
    ),
  );
  const summary = summarizeEval(samples, [1, ev.passK]);
  const firstOf = (category: (c: ProblemCategory) => boolean, count: number) =>
    rollouts
      .map((r, i) => ({ r, s: samples[i] }))
      .filter(({ r }) => r.sample === 0 && category(r.problem.category))
      .slice(0, count)
      .map(({ r, s }) => ({
        category: r.problem.category,
        language: r.problem.language,
        prompt: r.prompt,
        answer: r.problem.answer,
        completion: r.completion,
        correct: s.correct,
      }));
  return {
    summary,
    examples: [...firstOf((c) => c === 'reasoning', 4), ...firstOf((c) => c !== 'reasoning', 2)],
  };
}
