// The GRPO update on rollouts one step stale (grpo.staleness 1): the sampler's log-probs, laid
// out on the training batch, are the sampling policy's log-probs, and the update takes its
// ratio to them.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { EngineRuntime } from '../../../engine';
import {
  clonePolicy,
  completionRow,
  freshOptimizer,
  grpoUpdate,
  initPolicy,
  pack,
  promptFormat,
  rollout,
  sampledLogprobs,
  sampleProblems,
  type Policy,
  type ScoredBatch,
} from '../../../steps';
import { microConfig } from './helpers';

const cfg = microConfig();
const grpo = cfg.stages.r1Zero.grpo;
const engine = new EngineRuntime('cpu');
after(() => engine.release());

/** Rollouts of a policy with hand-set advantages (+1, -1, … within each group), all trained on. */
async function scoredRollouts(policy: Policy): Promise<ScoredBatch> {
  const problems = sampleProblems(cfg, 'train', 'r1Zero', 0).slice(0, 3);
  const sampling = { temperature: 1, topP: 1, topK: 0, maxNewTokens: 10 };
  const format = promptFormat(cfg, policy.tokenizer);
  const rollouts = await rollout(
    engine,
    policy,
    problems,
    4,
    sampling,
    { runSeed: 5, stage: 'r1Zero', step: 0 },
    format,
  );
  return {
    rollouts: rollouts.map((r, i) => ({ ...r, rewards: {}, total: 0, advantage: i % 2 === 0 ? 1 : -1, used: true })),
    metrics: {} as ScoredBatch['metrics'],
  };
}

function maxAbsDiff(a: Policy, b: Policy): number {
  let max = 0;
  for (const name of Object.keys(a.params))
    for (let i = 0; i < a.params[name].length; i++)
      max = Math.max(max, Math.abs(a.params[name][i] - b.params[name][i]));
  return max;
}

describe('one step off-policy updates', () => {
  test("the sampler's log-probs sit where the trainer's log-probs of the same policy are", async () => {
    const policy = initPolicy(cfg);
    const scored = await scoredRollouts(policy);
    const batch = pack(
      scored.rollouts.map((r) => completionRow(r.promptTokens, r.tokens, policy.config.contextLength)),
      policy.tokenizer,
    );
    const sampled = sampledLogprobs(scored.rollouts, batch);
    const trained = (await engine.trainer(policy.config).logprobs(policy.params, batch)).logprobs;
    let compared = 0;
    for (let i = 0; i < sampled.length; i++) {
      if (batch.lossMask[i] === 0) {
        assert.equal(sampled[i], 0, `position ${i} is not trained on`);
        continue;
      }
      assert.ok(
        Math.abs(sampled[i] - trained[i]) < 1e-4,
        `position ${i}: sampled ${sampled[i]}, trainer ${trained[i]}`,
      );
      compared++;
    }
    assert.equal(
      compared,
      scored.rollouts.reduce((n, r) => n + r.tokens.length, 0),
    );
  });

  test("on its own policy's rollouts, a stale update equals the on-policy one up to float rounding", async () => {
    const start = freshOptimizer(initPolicy(cfg));
    const scored = await scoredRollouts(start);
    const onPolicy = clonePolicy(start);
    const stale = clonePolicy(start);
    const a = await grpoUpdate(engine, onPolicy, scored, grpo, 0, grpo.steps);
    const b = await grpoUpdate(engine, stale, scored, grpo, 0, grpo.steps, { staleness: 1 });
    assert.equal(a.staleness, 0);
    assert.equal(b.staleness, 1);
    assert.equal(b.clipFraction, 0);
    const moved = maxAbsDiff(start, onPolicy);
    assert.ok(moved > 1e-4, `the update moved the parameters (${moved})`);
    assert.ok(
      maxAbsDiff(onPolicy, stale) < moved * 1e-2,
      `stale and on-policy differ by ${maxAbsDiff(onPolicy, stale)}`,
    );
  });

  test('the ratio is taken to the sampled log-probs: far-off ones are clipped, in one pass or in several', async () => {
    const start = freshOptimizer(initPolicy(cfg));
    const scored = await scoredRollouts(start);
    // as if sampled by a policy that gave every token e^-1 of its probability: ratio e > 1 + ε_high
    const far: ScoredBatch = {
      ...scored,
      rollouts: scored.rollouts.map((r) => ({ ...r, logprobs: r.logprobs.map((lp) => lp - 1) })),
    };
    for (const batchRows of [undefined, 5]) {
      const update = await grpoUpdate(engine, clonePolicy(start), far, grpo, 0, grpo.steps, {
        staleness: 1,
        batchRows,
      });
      // tokens of positive advantage are clipped (half of them); negative ones are not
      assert.ok(
        update.clipFraction! > 0.3 && update.clipFraction! < 0.7,
        `clipped ${update.clipFraction} (${batchRows})`,
      );
    }
  });

  test('a rollout whose log-probs do not match its tokens is refused by name', async () => {
    const start = freshOptimizer(initPolicy(cfg));
    const scored = await scoredRollouts(start);
    scored.rollouts[2] = { ...scored.rollouts[2], logprobs: scored.rollouts[2].logprobs.slice(1) };
    await assert.rejects(
      grpoUpdate(engine, clonePolicy(start), scored, grpo, 0, grpo.steps, { staleness: 1 }),
      /rollout 2 has \d+ log-probs for \d+ tokens/,
    );
  });
});
