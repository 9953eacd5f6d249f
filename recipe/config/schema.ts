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

/** The built-in GPT, trained from scratch by the pretraining stage (the default model). */
export const BuiltinModelSchema = z
  .strictObject({
    architecture: z
      .enum(['gpt', 'llama'])
      .default('gpt')
      .describe(
        'family of the built-in model: the GPT (learned positions, LayerNorm, GELU) or the Llama family (RoPE, RMSNorm, SwiGLU), either with the character tokenizer',
      ),
    dModel: int(8, 4096).default(64).describe('width of the built-in GPT (embedding and residual stream)'),
    nLayers: int(1, 64).default(2).describe('transformer blocks of the built-in GPT'),
    nHeads: int(1, 64).default(4).describe('attention heads per block; must divide dModel'),
    dFF: int(8, 16384).default(256).describe("hidden width of each block's MLP"),
    contextLength: int(16, 8192).default(128).describe('longest prompt + completion in tokens'),
  })
  .refine((m) => m.dModel % m.nHeads === 0, { error: 'dModel must be divisible by nHeads', path: ['nHeads'] });

/** Models the project installs itself (infra/models.ts), by name. */
export const NAMED_MODELS = ['smollm2-135m-instruct'] as const;
export type NamedModel = (typeof NAMED_MODELS)[number];

/**
 * A pretrained base model instead of the built-in GPT: a Hugging Face folder (local or s3://), a
 * GGUF file, or a model the project installs by name. Pretraining is skipped; the pretrain stage
 * imports the model and records its source and sha256 in the run manifest.
 */
export const BaseModelSchema = z
  .strictObject({
    uri: z
      .string()
      .min(1, { error: 'must not be empty' })
      .optional()
      .describe('the base model: a Hugging Face folder (local path or s3:// prefix) or a .gguf file'),
    name: z
      .enum(NAMED_MODELS, { error: `must be one of ${NAMED_MODELS.join(', ')}` })
      .optional()
      .describe('a model the project installs on demand into its tools folder, instead of a uri'),
    contextLength: int(16, 32768)
      .default(512)
      .describe("context the model is loaded with: must hold the longest prompt plus a stage's maxNewTokens"),
    trainBatchRows: int(1)
      .default(4)
      .describe(
        'rows per forward/backward pass when training; a larger batch accumulates its gradients over several passes (the same update, in less memory)',
      ),
    prompt: z
      .enum(['auto', 'r1-zero', 'chat'])
      .default('auto')
      .describe(
        "how questions are put to the model: the R1-Zero template as raw text (base models, as in the paper), the model's chat template with the R1 system prompt (instruct models), or auto (chat when the tokenizer has a chat template)",
      ),
  })
  .refine((m) => (m.uri === undefined) !== (m.name === undefined), {
    error: 'give exactly one of uri and name',
    path: ['uri'],
  });

export type BuiltinModelConfig = z.infer<typeof BuiltinModelSchema>;
export type BaseModelConfig = z.infer<typeof BaseModelSchema>;

/** A config's `model` names a pretrained base model (rather than the built-in GPT's size). */
export function isBaseModel(model: BuiltinModelConfig | BaseModelConfig): model is BaseModelConfig {
  return 'uri' in model || 'name' in model;
}

/** Rows per training pass: all of a batch at once for the built-in GPT, the base model's setting otherwise. */
export function trainBatchRowsOf(cfg: { model: BuiltinModelConfig | BaseModelConfig }): number | undefined {
  return isBaseModel(cfg.model) ? cfg.model.trainBatchRows : undefined;
}

/**
 * Either the built-in GPT (its size fields, the default) or a base model (`uri` or `name`). The
 * branch is picked by the keys given, so a problem is reported against the branch the user meant.
 */
export const ModelSchema = z.union([BaseModelSchema, BuiltinModelSchema]);

export const OptimizerSchema = z.strictObject({
  lr: positive().default(DEFAULT_ADAMW.lr).describe('peak learning rate of AdamW'),
  minLrRatio: fraction().default(DEFAULT_ADAMW.minLrRatio).describe('the cosine schedule ends at lr × minLrRatio'),
  weightDecay: z
    .number()
    .min(0, { error: 'must be ≥ 0' })
    .default(DEFAULT_ADAMW.weightDecay)
    .describe('decoupled weight decay (AdamW), per step and scaled by lr'),
  beta1: fraction().default(DEFAULT_ADAMW.beta1).describe("AdamW's first-moment decay"),
  beta2: fraction().default(DEFAULT_ADAMW.beta2).describe("AdamW's second-moment decay"),
  eps: positive().default(DEFAULT_ADAMW.eps).describe("AdamW's denominator epsilon"),
  warmupSteps: int(0).default(DEFAULT_ADAMW.warmupSteps).describe('optimizer steps of linear warmup from 0'),
  schedule: z
    .enum(['cosine', 'constant'])
    .default('cosine')
    .describe('learning-rate schedule after warmup: cosine decay over the stage, or constant'),
  gradClip: positive().default(DEFAULT_ADAMW.clipNorm).describe('clip the global gradient norm to this value'),
});

export const SamplingSchema = z.strictObject({
  temperature: z
    .number()
    .min(0.01, { error: 'must be ≥ 0.01' })
    .max(5, { error: 'must be ≤ 5' })
    .default(1)
    .describe('sampling temperature'),
  topP: z
    .number()
    .gt(0, { error: 'must be > 0' })
    .max(1, { error: 'must be ≤ 1' })
    .default(1)
    .describe('nucleus sampling mass; 1 samples from the whole vocabulary'),
  topK: int(0).default(0).describe('sample among the k most likely tokens only, before top_p; 0 keeps every token'),
  maxNewTokens: int(1, 8192)
    .default(64)
    .describe('longest completion in tokens; longer ones are cut (and count as truncated)'),
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
    accuracy: z
      .number()
      .default(1)
      .describe("weight of the accuracy reward (the verifier's judgment of the final answer)"),
    format: z
      .number()
      .default(0.5)
      .describe('weight of the format reward (think and answer tags, once each, in order)'),
    language: z
      .number()
      .default(0)
      .describe("weight of the language-consistency reward (share of reasoning words in the prompt's language)"),
    helpfulness: z
      .number()
      .default(d.helpfulness)
      .describe('weight of the helpfulness/harmlessness rule reward on general prompts'),
    overlong: z.number().default(0).describe("weight of DAPO's overlong penalty (needs overlongBuffer > 0)"),
  });
}

function grpoSchema(d: GrpoDefaults) {
  return z
    .strictObject({
      steps: int(1).default(20).describe('GRPO steps (rollouts → score → update) of the stage'),
      promptsPerStep: int(1).default(8).describe('prompts (groups) per step'),
      groupSize: int(2)
        .default(8)
        .describe('completions sampled per prompt (G); advantages are relative within a group'),
      innerEpochs: int(1)
        .default(1)
        .describe('optimizer steps per batch of rollouts (μ); above 1, the ratio is taken to the sampling policy'),
      clipLow: fraction().default(0.2).describe('PPO clip range below 1 (ε_low)'),
      clipHigh: fraction()
        .default(0.28)
        .describe("PPO clip range above 1 (ε_high); above clipLow is DAPO's clip-higher"),
      beta: z
        .number()
        .min(0, { error: 'must be ≥ 0' })
        .default(0)
        .describe("weight of the k3 KL to the stage's starting policy; 0 leaves the reference out"),
      stdScaling: z
        .enum(['group', 'batch', 'none'])
        .default('group')
        .describe('divide advantages by the std of the group, of the batch, or not at all (Dr. GRPO)'),
      aggregation: z
        .enum(['sequence-mean', 'token-mean'])
        .default('token-mean')
        .describe('loss average: per completion then over completions (GRPO), or over all tokens (DAPO)'),
      dynamicSampling: z
        .boolean()
        .default(false)
        .describe("drop groups whose rewards are all equal (DAPO's dynamic sampling)"),
      overlongBuffer: int(0)
        .default(0)
        .describe('tokens before maxNewTokens where the overlong penalty ramps up; 0 turns it off'),
      rewards: rewardWeightsSchema(d).prefault({}).describe('weights of the reward functions in the total reward'),
      sampling: SamplingSchema.prefault({}).describe('how rollouts are sampled'),
      optimizer: OptimizerSchema.prefault({}).describe("the stage's AdamW settings"),
      /** share of general (helpfulness/harmlessness) prompts in each batch */
      generalFraction: fraction()
        .default(d.generalFraction)
        .describe('share of general (helpfulness/harmlessness) prompts in each batch'),
      evalEvery: int(0)
        .default(0)
        .describe('held-out evaluation every this many steps during the stage; 0 only at its end'),
      // A fixed number, not "one per worker": a shard's batch shape changes its floating-point
      // results, so the shards must be the same whatever number of workers happens to run them.
      rolloutShards: int(1)
        .default(1)
        .describe(
          "activities a step's rollouts are split into, by prompt, run in parallel by whichever gpu workers are free; results depend on this number, never on how many workers ran",
        ),
      // veRL's and AReaL's async modes: the sampler never waits for the trainer, at the price
      // of learning from completions one update old (the ratio corrects for it, the clip bounds it)
      staleness: int(0)
        .max(1, { error: 'must be 0 (on-policy) or 1 (one step off-policy)' })
        .default(0)
        .describe(
          "updates the rollouts' policy may lag behind: 1 samples step k+1 while update k runs, from the policy update k starts from, and takes the update's ratio to the sampled log-probs",
        ),
    })
    .refine((g) => g.rolloutShards <= g.promptsPerStep, {
      error: 'must be at most promptsPerStep (a shard holds whole prompt groups)',
      path: ['rolloutShards'],
    });
}

/** R1-Zero and reasoning RL: reasoning prompts only. */
export const GrpoSchema = grpoSchema({ generalFraction: 0, helpfulness: 0 });
/** Final RL: general prompts mixed in, rewarded for helpful answers and refusals. */
export const FinalRlGrpoSchema = grpoSchema({ generalFraction: 0.3, helpfulness: 1 });
export const RewardWeightsSchema = rewardWeightsSchema({ generalFraction: 0, helpfulness: 0 });

export const SftSchema = z.strictObject({
  epochs: int(1).default(1).describe('passes over the SFT data'),
  batchSize: int(1).default(16).describe('examples per optimizer step'),
  maxSteps: int(0).default(0).describe('stop after this many steps; 0 runs every epoch'),
  optimizer: OptimizerSchema.prefault({}).describe("the stage's AdamW settings"),
});

const enabled = z
  .boolean()
  .default(true)
  .describe('run this stage; a disabled stage is skipped and later ones start from the latest earlier policy');

/** The pretraining corpus mix (recipe/README.md); a field left out keeps the recipe's default. */
export const CorpusSchema = z.strictObject({
  mix: z
    .strictObject({
      tagged: z.number().min(0).optional().describe('relative share of worked solutions in the think/answer format'),
      untagged: z.number().min(0).optional().describe('relative share of free-form solutions'),
      drift: z
        .number()
        .min(0)
        .optional()
        .describe('relative share of solutions whose reasoning drifts into the other language'),
      facts: z.number().min(0).optional().describe('relative share of plain arithmetic facts'),
      harmless: z.number().min(0).optional().describe('relative share of harmless requests with their reply'),
      unsafe: z
        .number()
        .min(0)
        .optional()
        .describe('relative share of unsafe requests with a refusal (or, sometimes, compliance)'),
    })
    .prefault({})
    .describe('relative shares of the kinds of documents; a kind left out keeps the recipe default'),
  mistakeRate: fraction().optional().describe('share of arithmetic solutions with an injected mistake'),
  harmlessMistakeRate: fraction()
    .optional()
    .describe('share of harmless replies with a slip (a letter swapped, dropped or doubled) in their reasoning'),
  refusalRate: fraction().optional().describe('share of unsafe requests answered with a refusal'),
  overRefusalRate: fraction().optional().describe('share of harmless requests wrongly refused'),
});

/** What cold start and rejection sampling share: how they sample data from a source policy and fine-tune on it. */
function sampledData(d: { maxExamples: number; maxExamplesMeans: string }) {
  return {
    prompts: int(1).default(64).describe('prompts sampled from the source policy'),
    samplesPerPrompt: int(1).default(4).describe('completions sampled per prompt before filtering'),
    maxExamples: int(1).default(d.maxExamples).describe(d.maxExamplesMeans),
    sampling: SamplingSchema.prefault({}).describe('how the source policy is sampled'),
    sft: SftSchema.prefault({}).describe('the fine-tuning settings'),
  };
}

export const StagesSchema = z.strictObject({
  pretrain: z
    .strictObject({
      enabled,
      steps: int(1).default(300).describe('pretraining steps of the built-in GPT'),
      batchSize: int(1).default(32).describe('documents per pretraining step'),
      corpusSize: int(1).default(4000).describe('documents in the generated pretraining corpus'),
      corpus: CorpusSchema.prefault({}).describe('what the pretraining corpus is made of'),
      optimizer: OptimizerSchema.prefault({}).describe("the stage's AdamW settings"),
    })
    .prefault({})
    .describe(
      'stage 0: pretrain the built-in GPT on the generated corpus (reused from the cache when the settings match)',
    ),
  r1Zero: z
    .strictObject({ enabled, grpo: GrpoSchema.prefault({}).describe('the GRPO settings of the stage') })
    .prefault({})
    .describe('stage 1: GRPO straight on the base model with accuracy and format rewards'),
  coldStartSft: z
    .strictObject({
      enabled,
      ...sampledData({ maxExamples: 1000, maxExamplesMeans: 'at most this many filtered examples are kept' }),
      referenceExamples: int(0)
        .default(0)
        .describe(
          "curated worked solutions mixed into the filtered samples (the paper's cold start also holds curated examples); 0 = samples only",
        ),
    })
    .prefault({})
    .describe('stage 2: fine-tune the base model on filtered R1-Zero samples'),
  reasoningRl: z
    .strictObject({ enabled, grpo: GrpoSchema.prefault({}).describe('the GRPO settings of the stage') })
    .prefault({})
    .describe('stage 3: GRPO from the cold-start model with accuracy, format and language consistency'),
  rejectionSft: z
    .strictObject({
      enabled,
      ...sampledData({ maxExamples: 2000, maxExamplesMeans: 'at most this many examples in all' }),
      generalExamples: int(0)
        .default(64)
        .describe('general (non-reasoning) examples mixed into the rejection-sampled data'),
    })
    .prefault({})
    .describe('stage 4: fine-tune on rejection-sampled reasoning-RL completions mixed with general data'),
  finalRl: z
    .strictObject({ enabled, grpo: FinalRlGrpoSchema.prefault({}).describe('the GRPO settings of the stage') })
    .prefault({})
    .describe('stage 5: GRPO for helpfulness and harmlessness on general prompts while keeping reasoning'),
});

export const TaskSchema = z.strictObject({
  digits: int(1, 6).default(2).describe('digits per operand of the built-in arithmetic task'),
  operations: z
    .array(z.enum(['add', 'sub', 'mul']))
    .min(1, { error: 'must list at least one operation' })
    .default(['add', 'sub'])
    .describe('operations of the built-in arithmetic problems'),
  languages: z
    .array(z.enum(['en', 'ru']))
    .min(1, { error: 'must list at least one language' })
    .default(['en', 'ru'])
    .describe(
      'languages of the prompts (English, Russian); language consistency rewards reasoning in the prompt language',
    ),
  /** share of eval problems in the problem space; the split is by hash, so it is disjoint by construction */
  evalShare: fraction()
    .default(0.1)
    .describe(
      'share of the problem space held out for evaluation (split by problem hash, so disjoint by construction)',
    ),
  /** harmless training requests about made-up letter strings; eval always asks about listed words */
  madeUpWordShare: fraction()
    .default(0)
    .describe(
      'share of harmless training requests (corpus, SFT, RL) about made-up words, so the model learns the operation; eval uses listed words only',
    ),
});

const onBadLine = z
  .enum(['fail', 'skip'])
  .default('fail')
  .describe('a line that does not parse stops the run (fail) or is counted and skipped (skip)');
const datasetUri = z.string().min(1).describe('the JSONL file: a local path or s3://bucket/key');

/** Reasoning problems from JSONL: GSM8K (`… #### 42`), MATH (`\boxed{}` in the solution), Countdown or plain answers. */
export const JsonlSourceSchema = z.strictObject({
  uri: datasetUri,
  format: z
    .enum(['auto', 'gsm8k', 'math', 'countdown', 'plain'])
    .default('auto')
    .describe(
      'how a line gives its gold answer: gsm8k (`… #### 42`), math (the last \\boxed{} of the solution), countdown (numbers and a target), plain, or auto (whichever the line shows)',
    ),
  fields: z
    .strictObject({
      question: z
        .string()
        .optional()
        .describe('field holding the question; default the first of question, prompt, problem that a line has'),
      answer: z
        .string()
        .optional()
        .describe(
          "field holding the gold answer (a number, GSM8K's `… #### 42`, a solution with \\boxed{}, or LaTeX); default the first of answer, final_answer, solution",
        ),
      language: z.string().optional().describe("field holding the prompt's language code (en, ru); default en"),
      numbers: z.string().optional().describe('Countdown: field holding the list of numbers; default numbers or nums'),
      target: z.string().optional().describe('Countdown: field holding the target; default target'),
    })
    .prefault({})
    .describe('which JSON field of each line holds what'),
  onBadLine,
  evalUri: z
    .string()
    .min(1)
    .optional()
    .describe('held-out problems for the evaluation from their own JSONL file (same form); default: evalShare of uri'),
  evalShare: fraction()
    .default(0.1)
    .describe(
      'without evalUri: share of the problems held out for evaluation (split by a hash of each problem, so disjoint)',
    ),
});

/**
 * General (non-reasoning) chat data for rejection SFT and final RL: `{"prompt", "reply"}` or
 * `{"messages": [...]}` per line, `"refuse": true` where the right reply is a refusal.
 */
export const ChatSourceSchema = z.strictObject({
  uri: datasetUri,
  onBadLine,
  evalShare: fraction()
    .default(0.1)
    .describe('share of the prompts held out for the evaluation (split by a hash of each prompt)'),
});

export const EvalSchema = z.strictObject({
  problems: int(1).default(64).describe('held-out reasoning problems'),
  generalPrompts: int(0).default(32).describe('held-out general prompts (helpfulness and refusals)'),
  temperature: z.number().min(0.01).max(5).default(0.6).describe('sampling temperature of the evaluation'),
  /** completions per problem for pass@k */
  samples: int(1).default(4).describe('completions per problem (for pass@k)'),
  passK: int(1).default(4).describe('the k of pass@k (≤ samples)'),
  maxNewTokens: int(1).default(64).describe('longest completion in tokens'),
});

/**
 * The accuracy verifier. `strict` grades only a single answer in the answer block (the default,
 * and what RL should train on); `lenient` reads replies the way Math-Verify does, for evaluating
 * models trained elsewhere (recipe/README.md, "What the verifier accepts").
 */
export const VerifierSchema = z.strictObject({
  /** GRPO scoring and the SFT data filters */
  mode: z
    .enum(['strict', 'lenient'])
    .default('strict')
    .describe('how GRPO scoring and the SFT data filters judge answers'),
  /** held-out evaluation */
  evalMode: z.enum(['strict', 'lenient']).default('strict').describe('how the held-out evaluation judges answers'),
  /** hard deadline of one CAS comparison; a comparison past it leaves the sample unscored */
  deadlineMs: int(10, 60_000)
    .default(2000)
    .describe('hard deadline of one CAS comparison; past it the sample is left unscored'),
  /** longer answers score 0 */
  maxAnswerChars: int(1, 100_000).default(1000).describe('longer answers score 0'),
});

export const WorkflowSchema = z.strictObject({
  /** the GRPO loop continues as new after this many iterations (or when Temporal suggests it) */
  continueAsNewAfter: int(1)
    .default(100)
    .describe('a GRPO stage workflow continues as new after this many iterations (or when Temporal suggests it)'),
  pipelineHistoryEvents: int(10)
    .default(5000)
    .describe(
      'the pipeline continues as new at its next stage boundary once its history has this many events (or when Temporal suggests it); it grows only with stages and resumes',
    ),
  activityRetries: int(1)
    .default(3)
    .describe('attempts of an activity before its stage fails and the run waits for a resume'),
  activityTimeoutMinutes: positive().default(30).describe('longest run of one activity attempt'),
  heartbeatTimeoutSeconds: positive()
    .default(120)
    .describe('an activity that has not heartbeat for this long is retried elsewhere'),
});

/** `keep`, or delete (with `r1flow gc`) this many days after the run finished. */
const RetentionRule = z.union([
  z.literal('keep'),
  z.strictObject({
    deleteAfterDays: z.number().min(0, { error: 'must be ≥ 0' }).describe('days after the run finished'),
  }),
]);

/** What `r1flow gc` may delete from S3 once a run has finished; nothing by default. */
export const RetentionSchema = z.strictObject({
  scratch: RetentionRule.default('keep').describe(
    'rollouts and scored batches of the GRPO stages (the report and resumes never read them): keep, or {deleteAfterDays: N}',
  ),
  intermediateCheckpoints: RetentionRule.default('keep').describe(
    "every checkpoint but each stage's final one (resumeFrom, lineages and the report use only those): keep, or {deleteAfterDays: N}",
  ),
});

export const PipelineConfigSchema = z.strictObject({
  preset: z.string().optional().describe('a preset (tiny, micro, …) whose values the other fields override'),
  seed: int(0)
    .default(1)
    .describe('run seed: every random choice derives from it, so the same seed and config give the same checkpoints'),
  device: DeviceSchema.default('cpu').describe(
    'where training and rollouts run; a worker without the provider fails the stage saying how to install it',
  ),
  /** retraining lineage: schedules continue from the latest good checkpoint of this lineage */
  lineage: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, { error: 'must be letters, digits, ".", "_" or "-"' })
    .optional()
    .describe(
      "retraining lineage: a run starts from the lineage's latest good final checkpoint and becomes it when it finishes",
    ),
  /** an s3:// URI of a base checkpoint; pretraining is skipped when given */
  baseCheckpoint: z
    .string()
    .startsWith('s3://', { error: 'must be an s3:// URI' })
    .optional()
    .describe('an s3:// URI of an r1flow checkpoint to start from; pretraining is skipped'),
  /** a previous run id whose finished stages are reused */
  resumeFrom: z.string().optional().describe('a previous run id whose finished stages are reused'),
  /** with resumeFrom: run this stage and every later one again instead of reusing them */
  rerunFrom: z
    .enum(STAGE_NAMES)
    .optional()
    .describe('with resumeFrom: run this stage and every later one again instead of reusing them'),
  task: TaskSchema.prefault({}).describe('the built-in task family'),
  data: z
    .strictObject({
      reasoning: JsonlSourceSchema.optional().describe(
        'reasoning problems from a JSONL file for every stage (GRPO, cold start, rejection sampling, evaluation), instead of the built-in task',
      ),
      general: ChatSourceSchema.optional().describe(
        'general chat prompts with their replies from a JSONL file, for rejection SFT, final RL and the evaluation, instead of the built-in general prompts',
      ),
    })
    .prefault({})
    .describe('your own datasets'),
  model: ModelSchema.prefault({}).describe(
    "the model: the built-in GPT's size (the default), or a base model by uri or name (pretraining is then skipped)",
  ),
  eval: EvalSchema.prefault({}).describe('the held-out evaluation after every stage'),
  verifier: VerifierSchema.prefault({}).describe('how answers are judged'),
  stages: StagesSchema.prefault({}).describe("the recipe's stages"),
  workflow: WorkflowSchema.prefault({}).describe('Temporal settings: retries, timeouts, continue-as-new'),
  retention: RetentionSchema.prefault({}).describe('what `r1flow gc` may delete from S3 once the run has finished'),
});

export type PipelineConfig = z.infer<typeof PipelineConfigSchema>;
export type PipelineConfigInput = z.input<typeof PipelineConfigSchema>;
export type GrpoConfig = z.infer<typeof GrpoSchema>;
export type SftConfig = z.infer<typeof SftSchema>;
export type OptimizerConfig = z.infer<typeof OptimizerSchema>;
export type SamplingConfig = z.infer<typeof SamplingSchema>;
export type VerifierConfig = z.infer<typeof VerifierSchema>;
export type RetentionConfig = z.infer<typeof RetentionSchema>;
export type CorpusConfig = z.infer<typeof CorpusSchema>;
export type ModelConfigInput = z.infer<typeof ModelSchema>;
export type JsonlSourceConfig = z.infer<typeof JsonlSourceSchema>;
export type ChatSourceConfig = z.infer<typeof ChatSourceSchema>;
