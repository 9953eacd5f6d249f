// Reading fields that configs resolved by an older version lack: a workflow started before an
// upgrade keeps its resolved config as its input, and a replayed history holds it as it was.
// Without zod, so that workflow code can use it (see stage-names.ts).

/** A GRPO stage's rollout shards; a config from before the field existed meant 1. */
export function rolloutShardsOf(grpo: { rolloutShards?: number }): number {
  return grpo.rolloutShards ?? 1;
}

/** A GRPO stage's rollout lag behind the policy; a config from before the field existed meant 0. */
export function stalenessOf(grpo: { staleness?: number }): number {
  return grpo.staleness ?? 0;
}
