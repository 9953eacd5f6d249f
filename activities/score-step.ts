// Scoring a GRPO step: the rollouts (every shard, in group order) read from S3, rewards and group
// advantages computed, the scored batch written back under the step's key. Shared by the control
// queue's scoreRollouts and the gpu queue's whole-step activity, so both write the same object;
// the whole step passes the rollouts it has just written instead of reading them back.
import type { ScoreInput, ScoreResult } from '../contracts/activities';
import { rolloutShardsOf } from '../recipe/config';
import type { ArtifactStore } from '../storage/artifact-store';
import { runKeys } from '../storage/layout';
import { RunStore } from '../storage/run-store';
import { score, scoreStepMetrics, type Rollout, type ScoredBatch } from '../steps';
import { getJson, putJson } from './data-io';
import { BadDataError } from './errors';

/** The step's rollouts as stored in S3: every shard, read together, joined in group order. */
async function storedRollouts(run: RunStore, input: ScoreInput, shards: number): Promise<Rollout[]> {
  const parts = await Promise.all(
    Array.from({ length: shards }, async (_, index) => {
      const key = runKeys.rollouts(input.stage, input.step, { index, count: shards });
      const part = await getJson<Rollout[]>(run, key);
      if (!Array.isArray(part)) throw new BadDataError(`object ${run.key(key)} is not a list of rollouts`);
      return part;
    }),
  );
  return parts.flat();
}

/** `inHand`: the step's rollouts, when the caller has just written them (an unsharded step). */
export async function scoreStep(
  store: ArtifactStore,
  input: ScoreInput,
  inHand?: Rollout[],
): Promise<{ result: ScoreResult; scored: ScoredBatch }> {
  const run = new RunStore(store, input.runId);
  const grpo = input.config.stages[input.stage as 'r1Zero'].grpo;
  const rollouts = inHand ?? (await storedRollouts(run, input, rolloutShardsOf(grpo)));
  const scored = score(rollouts, grpo, input.config.verifier);
  const record = await putJson(run, runKeys.scored(input.stage, input.step), scored);
  return {
    result: {
      scoredKey: record.key,
      metrics: scoreStepMetrics(scored.metrics),
      usableSamples: scored.rollouts.filter((r) => r.used).length,
    },
    scored,
  };
}
