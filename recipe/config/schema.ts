// The pipeline config: one zod schema with defaults, so `{"preset":"tiny"}` typed into the
// Temporal UI is a complete config, and every problem in a hand-written one is reported with
// its path (e.g. `stages.reasoningRl.grpo.groupSize: must be ≥ 2`).
import { z } from 'zod';
// the file itself, not the engine's index: the workflow bundle loads this schema, and adamw.ts is plain TypeScript
import { DEFAULT_ADAMW } from '../../engine/optim/adamw';
import { STAGE_NAMES } from './stage-names';

const int = (min: number, max?: number) => {
  let s = z
    .number({ error: 'must be a number' })
    .int({ error: 'must be a whole number' })
    .min(min, { error: `must be ≥ ${min}` });
  if (max !== undefined) s = s.max(max, { error: `must be ≤ ${max}` });
  return s;
};
const positive = () => z.number({ error: 'must be a number' }).positive({ error: 'must be > 0' });
const fraction = () =>
  z.number({ error: 'must be a number' }).min(0, { error: 'must be ≥ 0' }).max(1, { error: 'must be ≤ 1' });

export { GRPO_STAGES, STAGE_NAMES, type GrpoStageName, type StageName } from './stage-names';

export const DeviceSchema = z.enum(['cpu', 'cuda', 'webgpu']);

export const ModelSchema = z
  .strictObject({
    dModel: int(8, 4096).default(64),
    nLayers: int(1, 64).default(2),
    nHeads: int(1, 64).default(4),
    dFF: int(8, 16384).default(256),
    contextLength: int(16, 8192).default(128),
  })
  .refine((m) => m.dModel % m.nHeads === 0, { error: 'dModel must be divisible by nHeads', path: ['nHeads'] });

export const OptimizerSchema = z.strictObject({
  lr: positive().default(DEFAULT_ADAMW.lr),
  minLrRatio: fraction().default(DEFAULT_ADAMW.minLrRatio),
  weightDecay: z.number().min(0, { error: 'must be ≥ 0' }).default(DEFAULT_ADAMW.weightDecay),
  beta1: fraction().default(DEFAULT_ADAMW.beta1),
  beta2: fraction().default(DEFAULT_ADAMW.beta2),
  eps: positive().default(DEFAULT_ADAMW.eps),
  warmupSteps: int(0).default(DEFAULT_ADAMW.warmupSteps),
  schedule: z.enum(['cosine', 'constant']).default('cosine'),
  gradClip: positive().default(DEFAULT_ADAMW.clipNorm),
});

export const SamplingSchema = z.strictObject({
  temperature: z.number().min(0.01, { error: 'must be ≥ 0.01' }).max(5, { error: 'must be ≤ 5' }).default(1),
  topP: z.number().gt(0, { error: 'must be > 0' }).max(1, { error: 'must be ≤ 1' }).default(1),
  maxNewTokens: int(1, 8192).default(64),
});

/**
 * Stage-specific defaults of a GRPO stage. Defaults live on the fields themselves (not in a
 * prefault of the whole object), so a user who sets only `finalRl.grpo.steps` still gets final
 * RL's general prompts and helpfulness reward.
 */
interface GrpoDefaults {
  generalFraction: number;
  helpfulness: number;
}

function rewardWeightsSchema(d: GrpoDefaults) {
  return z.strictObject({
    accuracy: z.number().default(1),
    format: z.number().default(0.5),
    language: z.number().default(0),
    helpfulness: z.number().default(d.helpfulness),
    overlong: z.number().default(0),
  });
}

function grpoSchema(d: GrpoDefaults) {
  return z.strictObject({
    steps: int(1).default(20),
    promptsPerStep: int(1).default(8),
    groupSize: int(2).default(8),
    innerEpochs: int(1).default(1),
    clipLow: fraction().default(0.2),
    clipHigh: fraction().default(0.28),
    beta: z.number().min(0, { error: 'must be ≥ 0' }).default(0),
    stdScaling: z.enum(['group', 'batch', 'none']).default('group'),
    aggregation: z.enum(['sequence-mean', 'token-mean']).default('token-mean'),
    dynamicSampling: z.boolean().default(false),
    overlongBuffer: int(0).default(0),
    rewards: rewardWeightsSchema(d).prefault({}),
    sampling: SamplingSchema.prefault({}),
    optimizer: OptimizerSchema.prefault({}),
    /** share of general (helpfulness/harmlessness) prompts in each batch */
    generalFraction: fraction().default(d.generalFraction),
    evalEvery: int(0).default(0),
  });
}

/** R1-Zero and reasoning RL: reasoning prompts only. */
export const GrpoSchema = grpoSchema({ generalFraction: 0, helpfulness: 0 });
/** Final RL: general prompts mixed in, rewarded for helpful answers and refusals. */
export const FinalRlGrpoSchema = grpoSchema({ generalFraction: 0.3, helpfulness: 1 });
export const RewardWeightsSchema = rewardWeightsSchema({ generalFraction: 0, helpfulness: 0 });

export const SftSchema = z.strictObject({
  epochs: int(1).default(1),
  batchSize: int(1).default(16),
  maxSteps: int(0).default(0),
  optimizer: OptimizerSchema.prefault({}),
});

const enabled = z.boolean().default(true);

/** The pretraining corpus mix (recipe/README.md); a field left out keeps the recipe's default. */
export const CorpusSchema = z.strictObject({
  mix: z
    .strictObject({
      tagged: z.number().min(0).optional(),
      untagged: z.number().min(0).optional(),
      drift: z.number().min(0).optional(),
      facts: z.number().min(0).optional(),
      harmless: z.number().min(0).optional(),
      unsafe: z.number().min(0).optional(),
    })
    .prefault({}),
  mistakeRate: fraction().optional(),
  refusalRate: fraction().optional(),
  overRefusalRate: fraction().optional(),
});

export const StagesSchema = z.strictObject({
  pretrain: z
    .strictObject({
      enabled,
      steps: int(1).default(300),
      batchSize: int(1).default(32),
      corpusSize: int(1).default(4000),
      corpus: CorpusSchema.prefault({}),
      optimizer: OptimizerSchema.prefault({}),
    })
    .prefault({}),
  r1Zero: z.strictObject({ enabled, grpo: GrpoSchema.prefault({}) }).prefault({}),
  coldStartSft: z
    .strictObject({
      enabled,
      prompts: int(1).default(64),
      samplesPerPrompt: int(1).default(4),
      maxExamples: int(1).default(1000),
      /**
       * curated examples (the task's own worked solutions) mixed into the filtered R1-Zero samples,
       * as the paper's cold-start set also holds curated long-CoT examples; 0 = R1-Zero samples only
       */
      referenceExamples: int(0).default(0),
      sampling: SamplingSchema.prefault({}),
      sft: SftSchema.prefault({}),
    })
    .prefault({}),
  reasoningRl: z.strictObject({ enabled, grpo: GrpoSchema.prefault({}) }).prefault({}),
  rejectionSft: z
    .strictObject({
      enabled,
      prompts: int(1).default(64),
      samplesPerPrompt: int(1).default(4),
      generalExamples: int(0).default(64),
      maxExamples: int(1).default(2000),
      sampling: SamplingSchema.prefault({}),
      sft: SftSchema.prefault({}),
    })
    .prefault({}),
  finalRl: z.strictObject({ enabled, grpo: FinalRlGrpoSchema.prefault({}) }).prefault({}),
});

export const TaskSchema = z.strictObject({
  digits: int(1, 6).default(2),
  operations: z
    .array(z.enum(['add', 'sub', 'mul']))
    .min(1, { error: 'must list at least one operation' })
    .default(['add', 'sub']),
  languages: z
    .array(z.enum(['en', 'ru']))
    .min(1, { error: 'must list at least one language' })
    .default(['en', 'ru']),
  /** share of eval problems in the problem space; the split is by hash, so it is disjoint by construction */
  evalShare: fraction().default(0.1),
});

export const JsonlSourceSchema = z.strictObject({
  uri: z.string().min(1),
  fields: z
    .strictObject({
      question: z.string().default('question'),
      answer: z.string().default('answer'),
      language: z.string().optional(),
    })
    .prefault({}),
  onBadLine: z.enum(['fail', 'skip']).default('fail'),
});

export const EvalSchema = z.strictObject({
  problems: int(1).default(64),
  generalPrompts: int(0).default(32),
  temperature: z.number().min(0.01).max(5).default(0.6),
  /** completions per problem for pass@k */
  samples: int(1).default(4),
  passK: int(1).default(4),
  maxNewTokens: int(1).default(64),
});

/**
 * The accuracy verifier. `strict` grades only a single answer in the answer block (the default,
 * and what RL should train on); `lenient` reads replies the way Math-Verify does, for evaluating
 * models trained elsewhere (recipe/README.md, "What the verifier accepts").
 */
export const VerifierSchema = z.strictObject({
  /** GRPO scoring and the SFT data filters */
  mode: z.enum(['strict', 'lenient']).default('strict'),
  /** held-out evaluation */
  evalMode: z.enum(['strict', 'lenient']).default('strict'),
  /** hard deadline of one CAS comparison; a comparison past it leaves the sample unscored */
  deadlineMs: int(10, 60_000).default(2000),
  /** longer answers score 0 */
  maxAnswerChars: int(1, 100_000).default(1000),
});

export const WorkflowSchema = z.strictObject({
  /** the GRPO loop continues as new after this many iterations (or when Temporal suggests it) */
  continueAsNewAfter: int(1).default(100),
  activityRetries: int(1).default(3),
  activityTimeoutMinutes: positive().default(30),
  heartbeatTimeoutSeconds: positive().default(120),
});

export const PipelineConfigSchema = z.strictObject({
  preset: z.string().optional(),
  seed: int(0).default(1),
  device: DeviceSchema.default('cpu'),
  /** retraining lineage: schedules continue from the latest good checkpoint of this lineage */
  lineage: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, { error: 'must be letters, digits, ".", "_" or "-"' })
    .optional(),
  /** an s3:// URI of a base checkpoint; pretraining is skipped when given */
  baseCheckpoint: z.string().startsWith('s3://', { error: 'must be an s3:// URI' }).optional(),
  /** a previous run id whose finished stages are reused */
  resumeFrom: z.string().optional(),
  /** with resumeFrom: run this stage and every later one again instead of reusing them */
  rerunFrom: z.enum(STAGE_NAMES).optional(),
  task: TaskSchema.prefault({}),
  data: z.strictObject({ reasoning: JsonlSourceSchema.optional() }).prefault({}),
  model: ModelSchema.prefault({}),
  eval: EvalSchema.prefault({}),
  verifier: VerifierSchema.prefault({}),
  stages: StagesSchema.prefault({}),
  workflow: WorkflowSchema.prefault({}),
});

export type PipelineConfig = z.infer<typeof PipelineConfigSchema>;
export type PipelineConfigInput = z.input<typeof PipelineConfigSchema>;
export type GrpoConfig = z.infer<typeof GrpoSchema>;
export type SftConfig = z.infer<typeof SftSchema>;
export type OptimizerConfig = z.infer<typeof OptimizerSchema>;
export type SamplingConfig = z.infer<typeof SamplingSchema>;
export type VerifierConfig = z.infer<typeof VerifierSchema>;
export type CorpusConfig = z.infer<typeof CorpusSchema>;
export type ModelConfigInput = z.infer<typeof ModelSchema>;
