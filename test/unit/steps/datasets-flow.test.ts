// A dataset of each form flows into every stage that reads problems: the GRPO stages' prompts,
// the held-out evaluation, cold-start sampling (with the dataset's worked solutions as curated
// examples) and rejection sampling (with the chat dataset's replies as its general examples).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { datasetPools } from '../../../activities/problem-source';
import type { ActivityDeps } from '../../../activities/deps';
import { EngineRuntime } from '../../../engine';
import { loadLocalModel } from '../../../engine/hf';
import { projectRoot } from '../../../infra/paths';
import { GRPO_STAGES, resolveConfig, type PipelineConfig } from '../../../recipe/config';
import {
  buildColdStartSet,
  buildRejectionSet,
  evaluate,
  grpoProblems,
  policyOf,
  promptFormat,
  sampleProblems,
  type DatasetPools,
  type Policy,
} from '../../../steps';
import { llamaFixtureCopy } from '../../helpers/llama-fixture';

const datasets = join(projectRoot, 'test', 'fixtures', 'datasets');
const engine = new EngineRuntime('cpu');
const fixture = llamaFixtureCopy();
let base: Policy;
before(async () => {
  const model = await loadLocalModel(fixture.dir, { contextLength: 512 });
  base = policyOf(model.config, model.params, model.tokenizerFiles, fixture.dir);
});
after(async () => {
  fixture.remove();
  await engine.release();
});

// local files only: the loader reads them itself and caches by source
const deps = { caches: { datasets: new Map() } } as unknown as ActivityDeps;

const sampling = { sampling: { maxNewTokens: 6 } };
function configFor(form: string): PipelineConfig {
  return resolveConfig({
    preset: 'micro',
    model: { uri: fixture.dir, contextLength: 512 },
    data: {
      reasoning: { uri: join(datasets, `${form}.jsonl`), evalShare: 0.4 },
      general: { uri: join(datasets, 'chat.jsonl'), evalShare: 0.4 },
    },
    eval: { problems: 8, generalPrompts: 8, samples: 1, passK: 1, maxNewTokens: 6 },
    stages: {
      r1Zero: { grpo: sampling },
      coldStartSft: { ...sampling, prompts: 3, samplesPerPrompt: 1 },
      reasoningRl: { grpo: sampling },
      rejectionSft: { ...sampling, prompts: 3, samplesPerPrompt: 1, generalExamples: 3 },
      finalRl: { grpo: { ...sampling, promptsPerStep: 4 } },
    },
  });
}

const keysOf = (problems: readonly { key: string }[]) => new Set(problems.map((p) => p.key));

describe('datasets through every stage', () => {
  for (const form of ['gsm8k', 'math', 'countdown']) {
    test(`${form}: GRPO, evaluation, cold start and rejection sampling read the dataset`, async () => {
      const cfg = configFor(form);
      const pools: DatasetPools = await datasetPools(deps, cfg);
      const reasoning = pools.reasoning!;
      const general = pools.general!;
      assert.equal(reasoning.train.length + reasoning.eval.length, 8);
      assert.ok(reasoning.eval.length > 0 && general.eval.length > 0, 'both sets hold problems out');
      const trainKeys = keysOf(reasoning.train);
      const evalKeys = keysOf(reasoning.eval);
      assert.ok(
        [...trainKeys].every((k) => !evalKeys.has(k)),
        'the held-out problems are not trained on',
      );
      const format = promptFormat(cfg, base.tokenizer);

      // the GRPO stages draw training problems; final RL mixes in general prompts
      const seen = new Set<string>();
      for (const stage of GRPO_STAGES)
        for (let step = 0; step < 4; step++)
          for (const p of grpoProblems(cfg, stage, step, format, pools)) {
            const pool = p.problem.category === 'reasoning' ? trainKeys : keysOf(general.train);
            assert.ok(pool.has(p.problem.key), `${stage} step ${step} drew ${p.problem.key} from its training split`);
            assert.equal(p.prompt, format.render(p.problem.question));
            if (p.problem.category !== 'reasoning') assert.equal(stage, 'finalRl');
            seen.add(p.problem.category);
          }
      assert.ok(seen.has('reasoning') && (seen.has('harmless') || seen.has('unsafe')));

      // the evaluation: every held-out problem and general prompt, and nothing else
      const evalSet = sampleProblems(cfg, 'eval', 'eval', 0, format, pools);
      assert.deepEqual(new Set(evalSet.map((p) => p.problem.key)), new Set([...evalKeys, ...keysOf(general.eval)]));
      const evaluated = await evaluate(engine, base, cfg, undefined, pools);
      assert.equal(evaluated.summary.samples, evalSet.length);
      const evalQuestions = [...reasoning.eval, ...general.eval].map((p) => p.question);
      for (const example of evaluated.examples)
        assert.ok(
          evalQuestions.some((q) => example.prompt.includes(q)),
          'an evaluated prompt asks a held-out question',
        );

      // cold start samples training problems; its curated examples are the dataset's worked solutions
      for (const purpose of ['coldStart', 'rejection'] as const)
        for (const p of sampleProblems(cfg, 'train', purpose, 0, format, pools))
          assert.ok(trainKeys.has(p.problem.key), `${purpose} samples ${p.problem.key} from the training split`);
      const coldStart = await buildColdStartSet(engine, base, cfg, undefined, pools);
      assert.equal(coldStart.report.prompts, 3);
      const worked = reasoning.train.filter((p) => p.reasoning !== undefined);
      assert.equal(form === 'countdown', worked.length === 0, 'gsm8k and math rows carry their solutions');
      for (const p of worked.slice(0, cfg.stages.coldStartSft.referenceExamples))
        assert.ok(
          coldStart.examples.some((e) => e.prompt === format.render(p.question) && e.completion.includes(p.answer)),
          `the curated example of ${p.key} is in the cold-start set`,
        );

      // rejection SFT: sampled training problems, and the chat dataset's replies as general examples
      const rejection = await buildRejectionSet(engine, base, cfg, undefined, pools);
      assert.equal(rejection.report.prompts, 3);
      assert.equal(rejection.report.general, 3);
      const chatPrompts = new Map(general.train.map((p) => [format.render(p.question), p]));
      const generalExamples = rejection.examples.filter((e) => chatPrompts.has(e.prompt));
      assert.equal(generalExamples.length, 3);
      for (const e of generalExamples) assert.ok(e.completion.includes(chatPrompts.get(e.prompt)!.answer));
    });
  }
});
