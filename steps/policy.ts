// The policy being trained: model, parameters, optimizer state and the stage's step counter,
// with a checkpoint round trip through engine/checkpoint.
import {
  CharTokenizer,
  adamwStateFromTensors,
  adamwStateToTensors,
  cloneParams,
  createAdamWState,
  gptConfig,
  initParams,
  isLlamaConfig,
  llamaConfig,
  loadModelCheckpoint,
  loadTokenizer,
  modelCheckpointHash,
  saveModelCheckpoint,
  type AdamWState,
  type ModelCheckpoint,
  type ModelConfig,
  type Params,
  type Tokenizer,
  type TokenizerFiles,
} from '../engine';
import { taskAlphabet, TINY_R1_ZERO_TEMPLATE } from '../recipe';
import { isBaseModel, type PipelineConfig } from '../recipe/config';
import { deriveSeed } from '../recipe';

export interface Policy {
  /** The built-in GPT's config, or a Llama-family model's (an imported base model, or the built-in task on Llama). */
  config: ModelConfig;
  params: Params;
  /** AdamW moments of the current stage; undefined until the stage's first update. */
  optimizer?: AdamWState;
  /** The character tokenizer of the built-in task, or the base model's own tokenizer. */
  tokenizer: Tokenizer;
  /**
   * The files that recreate the tokenizer, saved with every checkpoint: for a base model its
   * tokenizer.json, tokenizer_config.json and generation_config.json as imported.
   */
  tokenizerFiles: TokenizerFiles;
  /** Steps done in the current stage (pretrain/SFT steps or GRPO steps). */
  step: number;
}

/** Metadata key that carries the stage step counter inside a checkpoint. */
const STEP_KEY = 'r1flow.step';

/** Character tokenizer over everything the built-in task family (and its template) can emit. */
export function buildTokenizer(): CharTokenizer {
  return new CharTokenizer(taskAlphabet([TINY_R1_ZERO_TEMPLATE]));
}

/** A fresh, seeded built-in model (GPT or Llama family) of the configured size (a base model is imported instead: steps/base-model). */
export function initPolicy(cfg: PipelineConfig): Policy {
  if (isBaseModel(cfg.model))
    throw new Error('initPolicy: the config names a base model, which is imported rather than initialised.');
  const tokenizer = buildTokenizer();
  const { architecture, ...size } = cfg.model;
  const config =
    architecture === 'llama'
      ? llamaConfig({ vocabSize: tokenizer.vocabSize, ...size })
      : gptConfig({ vocabSize: tokenizer.vocabSize, ...size });
  return {
    config,
    params: initParams(config, deriveSeed(cfg.seed, 'init')),
    tokenizer,
    tokenizerFiles: tokenizer.toFiles(),
    step: 0,
  };
}

/** The character tokenizer of a built-in-task policy; an error for a base model's tokenizer. */
export function charTokenizerOf(policy: Policy, what: string): CharTokenizer {
  if (!(policy.tokenizer instanceof CharTokenizer))
    throw new Error(
      `${what} needs the built-in task's character tokenizer; this policy has a ${policy.tokenizer.kind} one.`,
    );
  return policy.tokenizer;
}

/** Same parameters, a new optimizer state and step 0: how every stage starts. */
export function freshOptimizer(policy: Policy): Policy {
  return { ...policy, params: cloneParams(policy.params), optimizer: createAdamWState(policy.params), step: 0 };
}

export function clonePolicy(policy: Policy): Policy {
  const optimizer = policy.optimizer && {
    step: policy.optimizer.step,
    m: cloneParams(policy.optimizer.m),
    v: cloneParams(policy.optimizer.v),
  };
  return { ...policy, params: cloneParams(policy.params), ...(optimizer ? { optimizer } : { optimizer: undefined }) };
}

// The GPT's checkpoints hold the character tokenizer's tokenizer.json alone, so they keep the
// bytes (and sha256) they had before checkpoints carried any other tokenizer.
function toCheckpoint(policy: Policy, metadata: Record<string, string>): ModelCheckpoint {
  return {
    config: policy.config,
    params: policy.params,
    ...(policy.optimizer ? { optimizer: adamwStateToTensors(policy.optimizer) } : {}),
    tokenizerFiles: policy.tokenizerFiles,
    metadata: { ...metadata, [STEP_KEY]: String(policy.step) },
  };
}

/** Writes the policy as a checkpoint folder; returns the checkpoint's sha256. */
export function savePolicy(dir: string, policy: Policy, metadata: Record<string, string> = {}): string {
  return saveModelCheckpoint(dir, toCheckpoint(policy, metadata)).sha256;
}

/** The sha256 `savePolicy` would return for this policy and metadata. */
export function policyHash(policy: Policy, metadata: Record<string, string> = {}): string {
  return modelCheckpointHash(toCheckpoint(policy, metadata));
}

/** A policy from a model's parts (an imported base model), at step 0 without optimizer state. */
export function policyOf(config: ModelConfig, params: Params, tokenizerFiles: TokenizerFiles, source: string): Policy {
  const tokenizer = loadTokenizer(tokenizerFiles, source);
  if (tokenizer.vocabSize > config.vocabSize)
    throw new Error(`${source}: its tokenizer has ${tokenizer.vocabSize} ids but the model only ${config.vocabSize}.`);
  if (!isLlamaConfig(config) && !(tokenizer instanceof CharTokenizer))
    throw new Error(`${source}: the built-in GPT needs the built-in task's character tokenizer.`);
  return { config, params, tokenizer, tokenizerFiles, step: 0 };
}

export function loadPolicy(dir: string): Policy & { metadata: Record<string, string>; sha256: string } {
  const checkpoint = loadModelCheckpoint(dir);
  const policy = policyOf(checkpoint.config, checkpoint.params, checkpoint.tokenizerFiles, `Checkpoint ${dir}`);
  if (policy.tokenizer instanceof CharTokenizer && policy.tokenizer.vocabSize !== checkpoint.config.vocabSize)
    throw new Error(
      `Checkpoint ${dir}: tokenizer has ${policy.tokenizer.vocabSize} tokens but config.vocabSize is ${checkpoint.config.vocabSize}.`,
    );
  const { [STEP_KEY]: stepText, ...metadata } = checkpoint.metadata ?? {};
  const step = stepText === undefined ? 0 : Number(stepText);
  if (!Number.isInteger(step) || step < 0)
    throw new Error(`Checkpoint ${dir}: metadata "${STEP_KEY}" is not a step number (${stepText}).`);
  return {
    ...policy,
    optimizer: checkpoint.optimizer ? adamwStateFromTensors(checkpoint.optimizer) : undefined,
    step,
    metadata,
    sha256: checkpoint.manifest.sha256,
  };
}

/** Refuses a chunk that does not continue where the policy stands. */
export function checkStep(what: string, policy: Policy, fromStep: number, toStep: number): AdamWState {
  if (!Number.isInteger(fromStep) || !Number.isInteger(toStep) || fromStep < 0 || toStep < fromStep) {
    throw new Error(
      `${what}: fromStep ${fromStep} and toStep ${toStep} must be integers with 0 <= fromStep <= toStep.`,
    );
  }
  if (fromStep !== policy.step)
    throw new Error(
      `${what}: fromStep ${fromStep} does not match policy.step ${policy.step}; resume from the policy's own step.`,
    );
  if (!policy.optimizer)
    throw new Error(`${what}: the policy has no optimizer state; start the stage with freshOptimizer(policy).`);
  return policy.optimizer;
}
