// The policy being trained: model, parameters, optimizer state and the stage's step counter,
// with a checkpoint round trip through engine/checkpoint.
import {
  CharTokenizer,
  adamwStateFromTensors,
  adamwStateToTensors,
  cloneParams,
  createAdamWState,
  gptCheckpointHash,
  gptConfig,
  initParams,
  loadGptCheckpoint,
  saveGptCheckpoint,
  type AdamWState,
  type GptCheckpoint,
  type GptConfig,
  type Params,
} from '../engine';
import { taskAlphabet, TINY_R1_ZERO_TEMPLATE } from '../recipe';
import type { PipelineConfig } from '../recipe/config';
import { deriveSeed } from '../recipe';

export interface Policy {
  config: GptConfig;
  params: Params;
  /** AdamW moments of the current stage; undefined until the stage's first update. */
  optimizer?: AdamWState;
  tokenizer: CharTokenizer;
  /** Steps done in the current stage (pretrain/SFT steps or GRPO steps). */
  step: number;
}

/** Metadata key that carries the stage step counter inside a checkpoint. */
const STEP_KEY = 'r1flow.step';

/** Character tokenizer over everything the built-in task family (and its template) can emit. */
export function buildTokenizer(): CharTokenizer {
  return new CharTokenizer(taskAlphabet([TINY_R1_ZERO_TEMPLATE]));
}

/** A fresh, seeded policy of the configured size. */
export function initPolicy(cfg: PipelineConfig): Policy {
  const tokenizer = buildTokenizer();
  const config = gptConfig({ vocabSize: tokenizer.vocabSize, ...cfg.model });
  return { config, params: initParams(config, deriveSeed(cfg.seed, 'init')), tokenizer, step: 0 };
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

function toCheckpoint(policy: Policy, metadata: Record<string, string>): GptCheckpoint {
  return {
    config: policy.config,
    params: policy.params,
    ...(policy.optimizer ? { optimizer: adamwStateToTensors(policy.optimizer) } : {}),
    tokenizer: policy.tokenizer,
    metadata: { ...metadata, [STEP_KEY]: String(policy.step) },
  };
}

/** Writes the policy as a checkpoint folder; returns the checkpoint's sha256. */
export function savePolicy(dir: string, policy: Policy, metadata: Record<string, string> = {}): string {
  return saveGptCheckpoint(dir, toCheckpoint(policy, metadata)).sha256;
}

/** The sha256 `savePolicy` would return for this policy and metadata. */
export function policyHash(policy: Policy, metadata: Record<string, string> = {}): string {
  return gptCheckpointHash(toCheckpoint(policy, metadata));
}

export function loadPolicy(dir: string): Policy & { metadata: Record<string, string>; sha256: string } {
  const checkpoint = loadGptCheckpoint(dir);
  const { [STEP_KEY]: stepText, ...metadata } = checkpoint.metadata ?? {};
  const step = stepText === undefined ? 0 : Number(stepText);
  if (!Number.isInteger(step) || step < 0)
    throw new Error(`Checkpoint ${dir}: metadata "${STEP_KEY}" is not a step number (${stepText}).`);
  return {
    config: checkpoint.config,
    params: checkpoint.params,
    optimizer: checkpoint.optimizer ? adamwStateFromTensors(checkpoint.optimizer) : undefined,
    tokenizer: checkpoint.tokenizer,
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
