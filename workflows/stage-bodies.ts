// What each stage does, written once over an activities interface: the stage workflows run these
// bodies over Temporal activity stubs, and the plain-loop benchmark and the in-process tools run
// them over the activity functions themselves, so all three run the same code. Deterministic:
// no I/O here, only activity calls and small values.
import {
  isRepairableStorageFailure,
  type EvaluateInput,
  type GrpoStepInput,
  type ResumePoint,
  type ResumePointInput,
  type PretrainInput,
  type RolloutsInput,
  type RolloutsResult,
  type ScoreInput,
  type ScoreResult,
  type SftDataInput,
  type SftDataResult,
  type SftInput,
  type UpdateInput,
} from '../contracts/activities';
import type { GrpoLoopState, StageResult, StageWorkflowInput } from '../contracts/stages';
import { rolloutShardsOf, stalenessOf } from '../recipe/config/older-configs';
import type { GrpoConfig, GrpoStageName, PipelineConfig } from '../recipe/config/schema';
import type { EvalSummary } from '../recipe/eval/metrics';
import type { CheckpointRef } from '../storage/manifest';

/** The activities a stage body calls; `summary` is what the Temporal UI shows for the call. */
export interface StageActivities {
  pretrain(input: PretrainInput, summary: string): Promise<CheckpointRef>;
  evaluate(input: EvaluateInput, summary: string): Promise<EvalSummary>;
  buildSftData(input: SftDataInput, summary: string): Promise<SftDataResult>;
  sft(input: SftInput, summary: string): Promise<CheckpointRef>;
  rollouts(input: RolloutsInput, summary: string): Promise<RolloutsResult>;
  scoreRollouts(input: ScoreInput, summary: string): Promise<ScoreResult>;
  policyUpdate(input: UpdateInput, summary: string): Promise<CheckpointRef>;
  /**
   * The three of an unsharded step as one gpu activity. Absent where a run must keep its three
   * calls per step (a workflow history recorded before it existed replays them).
   */
  grpoStep?(input: GrpoStepInput, summary: string): Promise<CheckpointRef>;
  findResumePoint(input: ResumePointInput, summary: string): Promise<ResumePoint | undefined>;
}

/** Repairs of a GRPO stage before a damaged store is left to a person (the run then waits). */
export const MAX_REPAIRS = 3;

function missing(input: StageWorkflowInput, what: string): never {
  throw new Error(`${input.stage} needs ${what}`);
}

/** Stage 0: pretrain the base model (or take the reused one) and evaluate it. */
export async function pretrainStage(input: StageWorkflowInput, acts: StageActivities): Promise<StageResult> {
  const ctx = { runId: input.runId, stage: input.stage, config: input.config };
  const base =
    input.init ??
    (await acts.pretrain(
      { ...ctx, pretrainHash: input.pretrainHash },
      `pretrain the base model (${input.config.stages.pretrain.steps} steps)`,
    ));
  const evaluation = await acts.evaluate({ ...ctx, policy: base, label: 'base' }, 'evaluate the base model');
  return { checkpoint: base, eval: evaluation };
}

/** Cold start and rejection sampling: sample and filter data from `source`, fine-tune `init` on it, evaluate. */
export async function sftStage(input: StageWorkflowInput, acts: StageActivities): Promise<StageResult> {
  const init = input.init ?? missing(input, 'an init checkpoint');
  const source = input.source ?? missing(input, 'a source checkpoint');
  const ctx = { runId: input.runId, stage: input.stage, config: input.config };
  const data = await acts.buildSftData({ ...ctx, policy: source }, `${input.stage}: sample and filter training data`);
  const checkpoint = await acts.sft({ ...ctx, init }, `${input.stage}: fine-tune on ${data.examples} examples`);
  const evaluation = await acts.evaluate(
    { ...ctx, policy: checkpoint, label: input.stage },
    `${input.stage}: evaluate`,
  );
  return { checkpoint, eval: evaluation, data: data.report };
}

export interface GrpoLoop {
  /** where an earlier run of this loop stopped (after a continue-as-new) */
  state?: GrpoLoopState;
  /**
   * Called before each iteration with the loop's state and the iterations done since this run of
   * the loop started; the stage workflow continues as new from here when its history grows.
   */
  beforeIteration?(state: GrpoLoopState, sinceStart: number): Promise<void>;
  /** Called after each update with the new policy (its metrics are the step's numbers). */
  afterIteration?(state: GrpoLoopState): void;
}

/**
 * A step's rollouts: one activity, or one per shard started together, so that every free gpu
 * worker takes one; the score step gathers the shards from storage by their keys.
 */
async function sampleRollouts(
  acts: StageActivities,
  input: RolloutsInput,
  shards: number,
  label: string,
): Promise<void> {
  if (shards === 1) {
    await acts.rollouts(input, `${label}: rollouts`);
    return;
  }
  const calls: Promise<RolloutsResult>[] = [];
  for (let index = 0; index < shards; index++) {
    calls.push(
      acts.rollouts({ ...input, shard: { index, count: shards } }, `${label}: rollouts ${index + 1}/${shards}`),
    );
  }
  // every shard settles before a failure is raised, so no shard is still writing when the
  // step is repaired or retried
  const settled = await Promise.allSettled(calls);
  const failed = settled.find((s) => s.status === 'rejected');
  if (failed) throw failed.reason;
}

/** What both GRPO loops start from: the stage's settings, and where an earlier run of the loop stopped. */
interface GrpoLoopStart {
  stage: GrpoStageName;
  grpo: GrpoConfig;
  ctx: { runId: string; stage: GrpoStageName; config: PipelineConfig };
  policy: CheckpointRef;
  iteration: number;
  repairs: number;
}

function grpoLoopStart(input: StageWorkflowInput, loop: GrpoLoop): GrpoLoopStart {
  const stage = input.stage as GrpoStageName;
  return {
    stage,
    grpo: input.config.stages[stage].grpo,
    ctx: { runId: input.runId, stage, config: input.config },
    policy: loop.state?.policy ?? input.init ?? missing(input, 'a policy to start from'),
    iteration: loop.state?.iteration ?? 0,
    repairs: loop.state?.repairs ?? 0,
  };
}

/**
 * The evaluation every `evalEvery` steps (none after the last step: the stage's own follows).
 * `pending` (rollouts running beside it) settles before a failure is raised, so nothing of the
 * stage is still writing when it fails.
 */
async function evaluateIfDue(
  acts: StageActivities,
  { stage, grpo, ctx }: GrpoLoopStart,
  iteration: number,
  policy: CheckpointRef,
  label: string,
  pending?: Promise<unknown>,
): Promise<void> {
  if (grpo.evalEvery <= 0 || iteration % grpo.evalEvery !== 0 || iteration >= grpo.steps) return;
  try {
    await acts.evaluate({ ...ctx, policy, label: `${stage}-step-${iteration}` }, `${label}: evaluate`);
  } catch (err) {
    await pending;
    throw err;
  }
}

/** The stage's result: its last policy and that policy's evaluation. */
async function finalEvaluation(
  acts: StageActivities,
  { stage, ctx }: GrpoLoopStart,
  policy: CheckpointRef,
): Promise<StageResult> {
  const evaluation = await acts.evaluate({ ...ctx, policy, label: stage }, `${stage}: evaluate`);
  return { checkpoint: policy, eval: evaluation };
}

/**
 * A GRPO stage: rollouts → score → update per iteration (one grpoStep activity when the step is
 * not sharded), an eval every `evalEvery`, and at the end.
 */
export async function grpoStage(
  input: StageWorkflowInput,
  acts: StageActivities,
  loop: GrpoLoop = {},
): Promise<StageResult> {
  const start = grpoLoopStart(input, loop);
  if (stalenessOf(start.grpo) > 0) return offPolicyGrpoStage(input, acts, loop, start);
  const { stage, grpo, ctx } = start;
  let { policy, iteration, repairs } = start;
  for (let sinceStart = 0; iteration < grpo.steps;) {
    await loop.beforeIteration?.({ iteration, policy, repairs }, sinceStart);
    sinceStart++;
    const label = `${stage} step ${iteration + 1}/${grpo.steps}`;
    const step = { ...ctx, step: iteration, totalSteps: grpo.steps, policy, reference: input.reference };
    const shards = rolloutShardsOf(grpo);
    try {
      if (shards === 1 && acts.grpoStep) {
        // one worker does the whole step, two task round trips fewer; the rollouts and scores
        // still land in S3 under the step's keys
        policy = await acts.grpoStep(step, `${label}: rollouts, score, update`);
      } else {
        await sampleRollouts(acts, { ...ctx, step: iteration, policy }, shards, label);
        const scored = await acts.scoreRollouts({ ...ctx, step: iteration }, `${label}: score`);
        policy = await acts.policyUpdate({ ...step, scoreMetrics: scored.metrics }, `${label}: update`);
      }
    } catch (err) {
      if (!isRepairableStorageFailure(err, input.runId) || repairs >= MAX_REPAIRS) throw err;
      repairs++;
      const point = await acts.findResumePoint(
        { ...ctx, atMostStep: iteration, init: input.init },
        `${label}: find the newest checkpoint that verifies`,
      );
      if (!point) throw err;
      ({ iteration, policy } = point);
      continue;
    }
    iteration++;
    loop.afterIteration?.({ iteration, policy, repairs });
    await evaluateIfDue(acts, start, iteration, policy, label);
  }
  return finalEvaluation(acts, start, policy);
}

/**
 * A GRPO stage one step off-policy (grpo.staleness 1): step k+1's rollouts are sampled from the
 * policy update k starts from, while update k runs, so gpu workers that sample never wait for
 * the one that trains. The rollouts of step k thus come from the policy one update before the
 * one trained (at step 0 from the same), and the update takes its ratio to their log-probs.
 * Every activity of a step settles before the loop goes on, continues as new or repairs.
 */
async function offPolicyGrpoStage(
  input: StageWorkflowInput,
  acts: StageActivities,
  loop: GrpoLoop,
  start: GrpoLoopStart,
): Promise<StageResult> {
  const { stage, grpo, ctx } = start;
  let { policy, iteration, repairs } = start;
  const shards = rolloutShardsOf(grpo);
  /** the policy that samples `iteration` */
  let behavior = loop.state?.behavior ?? policy;
  /** true when the rollouts of `iteration` are in storage */
  let stored = loop.state?.sampled ?? false;
  /** the rollouts of `iteration` sampled beside the last update, settling to undefined or their failure */
  let inFlight: Promise<unknown> | undefined;
  const labelOf = (i: number) => `${stage} step ${i + 1}/${grpo.steps}`;
  const sample = (i: number, from: CheckpointRef) =>
    sampleRollouts(acts, { ...ctx, step: i, policy: from }, shards, labelOf(i)).then(
      () => undefined,
      (err: unknown) => err,
    );

  for (let sinceStart = 0; iteration < grpo.steps;) {
    const label = labelOf(iteration);
    // the rollouts that ran beside the last update are waited for before anything else
    const failed = inFlight ? await inFlight : undefined;
    if (inFlight) stored = failed === undefined;
    inFlight = undefined;
    let next: Promise<unknown> | undefined;
    try {
      if (failed !== undefined) throw failed;
      await loop.beforeIteration?.({ iteration, policy, repairs, behavior, sampled: stored }, sinceStart);
      sinceStart++;
      if (!stored) await sampleRollouts(acts, { ...ctx, step: iteration, policy: behavior }, shards, label);
      const scored = await acts.scoreRollouts({ ...ctx, step: iteration }, `${label}: score`);
      if (iteration + 1 < grpo.steps) next = sample(iteration + 1, policy);
      const staleness = behavior.sha256 === policy.sha256 ? 0 : 1;
      const updated = await acts.policyUpdate(
        {
          ...ctx,
          step: iteration,
          totalSteps: grpo.steps,
          policy,
          reference: input.reference,
          scoreMetrics: scored.metrics,
          staleness,
        },
        staleness === 0 ? `${label}: update` : `${label}: update (rollouts one step stale)`,
      );
      behavior = policy;
      policy = updated;
    } catch (err) {
      // nothing of the step may still be writing when it is retried or repaired
      if (next) await next;
      if (!isRepairableStorageFailure(err, input.runId) || repairs >= MAX_REPAIRS) throw err;
      repairs++;
      const point = await acts.findResumePoint(
        { ...ctx, atMostStep: iteration, init: input.init, withPrevious: true },
        `${label}: find the newest checkpoint that verifies, and the one before it`,
      );
      if (!point?.previous) throw err;
      ({ iteration, policy } = point);
      behavior = point.previous;
      stored = false;
      continue;
    }
    iteration++;
    stored = false;
    inFlight = next;
    loop.afterIteration?.({ iteration, policy, repairs, behavior });
    await evaluateIfDue(acts, start, iteration, policy, label, next);
  }
  return finalEvaluation(acts, start, policy);
}

/** The body of a stage, by the stage's kind. */
export function stageBodyOf(stage: StageWorkflowInput['stage']): typeof pretrainStage {
  if (stage === 'pretrain') return pretrainStage;
  if (stage === 'coldStartSft' || stage === 'rejectionSft') return sftStage;
  return grpoStage;
}
