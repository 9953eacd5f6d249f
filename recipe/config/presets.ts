// Named presets. A preset is a partial config; the user's own fields are merged over it, then
// the whole is validated, so `{"preset":"tiny","seed":7}` works.
//   tiny  — the built-in demo: the whole recipe on 2 CPU cores in minutes, and it visibly learns.
//   micro — the smallest run that still passes through every stage; used by the tests.
import type { PipelineConfigInput } from './schema';

export const PRESETS: Record<string, PipelineConfigInput> = {
  tiny: {
    task: { digits: 2, operations: ['add', 'sub'], languages: ['en', 'ru'] },
    model: { dModel: 64, nLayers: 2, nHeads: 4, dFF: 256, contextLength: 128 },
    stages: {
      pretrain: { steps: 600, batchSize: 32 },
      r1Zero: { grpo: { steps: 30, promptsPerStep: 8, groupSize: 8 } },
      coldStartSft: { prompts: 64, samplesPerPrompt: 4, sft: { epochs: 2 } },
      reasoningRl: { grpo: { steps: 20, promptsPerStep: 8, groupSize: 8, rewards: { language: 0.5 } } },
      rejectionSft: { prompts: 64, samplesPerPrompt: 4 },
      finalRl: { grpo: { steps: 10, promptsPerStep: 8, groupSize: 8, rewards: { language: 0.5 } } },
    },
  },
  micro: {
    task: { digits: 1, operations: ['add'], languages: ['en', 'ru'] },
    model: { dModel: 32, nLayers: 1, nHeads: 2, dFF: 64, contextLength: 96 },
    eval: { problems: 8, generalPrompts: 4, samples: 2, passK: 2, maxNewTokens: 40 },
    workflow: { continueAsNewAfter: 2 },
    stages: {
      pretrain: { steps: 20, batchSize: 8, corpusSize: 200 },
      r1Zero: { grpo: { steps: 3, promptsPerStep: 2, groupSize: 4, sampling: { maxNewTokens: 40 } } },
      coldStartSft: { prompts: 4, samplesPerPrompt: 2, sampling: { maxNewTokens: 40 }, sft: { epochs: 1, batchSize: 4 } },
      reasoningRl: { grpo: { steps: 2, promptsPerStep: 2, groupSize: 4, sampling: { maxNewTokens: 40 } } },
      rejectionSft: { prompts: 4, samplesPerPrompt: 2, generalExamples: 4, sampling: { maxNewTokens: 40 }, sft: { epochs: 1, batchSize: 4 } },
      finalRl: { grpo: { steps: 2, promptsPerStep: 2, groupSize: 4, sampling: { maxNewTokens: 40 } } },
    },
  },
};

export function presetNames(): string[] {
  return Object.keys(PRESETS);
}
