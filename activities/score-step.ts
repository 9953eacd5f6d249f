// Scoring a GRPO step: the rollouts (every shard, in group order) read from S3, rewards and group
// advantages computed, the scored batch written back under the step's key. Shared by the control
// queue's scoreRollouts and the gpu queue's whole-step activity, so both write the same object.
import type { ScoreInput, ScoreResult } from '../contracts/activities';
import { rolloutShardsOf } from '../recipe/config';
import type { ArtifactStore } from '../storage/artifact-store';
import { runKeys } from '../storage/layout';
import { RunStore } from '../storage/run-store';
import { score, scoreStepMetrics, type Rollout } from '../steps';
import { getJson, putJson } from './data-io';
import { BadDataError } from './errors';

export async function scoreStep(store: ArtifactStore, input: ScoreInput): Promise<ScoreResult> {
  const run = new RunStore(store, input.runId);
  const grpo = input.config.stages[input.stage as 'r1Zero'].grpo;
  // a sharded step is gathered here, its shards read together and joined in group order
  const count = rolloutShardsOf(grpo);
  const parts = await Promise.all(
    Array.from({ length: count }, async (_, index) => {
      const key = runKeys.rollouts(input.stage, input.step, { index, count });
      const part = await getJson<Rollout[]>(run, key);
      if (!Array.isArray(part)) throw new BadDataError(`object ${run.key(key)} is not a list of rollouts`);
      return part;
    }),
  );
  const scored = score(parts.flat(), grpo, input.config.verifier);
  const record = await putJson(run, runKeys.scored(input.stage, input.step), scored);
  return {
    scoredKey: record.key,
    metrics: scoreStepMetrics(scored.metrics),
    usableSamples: scored.rollouts.filter((r) => r.used).length,
  };
}
