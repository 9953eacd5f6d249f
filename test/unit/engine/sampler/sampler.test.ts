import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { RolloutSampler, deriveSampleSeed, gptDecoder, type SamplingOptions } from '../../../../engine/sampler';
import { argmax, fullForward, logSoftmax, peakedModel } from '../graph-helpers';

describe('RolloutSampler', () => {
  const { cfg, params } = peakedModel();
  const sampler = RolloutSampler.create(gptDecoder(cfg), params, { intraOpThreads: 1 });
  test.after(() => sampler.release());

  const prompts = [
    [1, 7, 8, 9, 10, 11],
    [1, 12],
    [1, 13, 14],
    [1, 15, 16, 17],
    [1, 18],
    [1, 7, 7],
  ];
  const seeds = prompts.map((_, i) =>
    deriveSampleSeed({ runSeed: 1, stage: 'test', step: 0, promptIndex: i, sampleIndex: 0 }),
  );
  const settings: Array<Partial<SamplingOptions>> = [
    { temperature: 1, topP: 1 },
    { temperature: 0.7, topP: 0.8 },
    { temperature: 1.5, topP: 0.95 },
    { temperature: 0 },
    { temperature: 1, topP: 1, topK: 4 },
    { temperature: 0.9, topP: 0.9, topK: 8 },
  ];
  const base: SamplingOptions = { maxNewTokens: 14, stopTokens: [2, 5], padToken: 0 };

  test('the Loop path and the step path give identical completions for the same seeds', async () => {
    const reasons = new Set<string>();
    for (const setting of settings) {
      const options = { ...base, ...setting };
      const loop = await sampler.sample({ prompts, seeds }, options, 'loop');
      const step = await sampler.sample({ prompts, seeds }, options, 'step');
      assert.deepEqual(loop, step, JSON.stringify(setting));
      for (const completion of loop) reasons.add(completion.finishReason);
    }
    assert.deepEqual([...reasons].sort(), ['length', 'stop']); // both endings were exercised
  });

  test('top_k 1 samples the greedy completion at any temperature', async () => {
    const greedy = await sampler.sample({ prompts, seeds }, { ...base, temperature: 0 }, 'loop');
    const topOne = await sampler.sample({ prompts, seeds }, { ...base, temperature: 1.5, topK: 1 }, 'loop');
    assert.deepEqual(topOne, greedy);
    await assert.rejects(sampler.sample({ prompts, seeds }, { ...base, topK: 1.5 }), /topK must be an integer >= 0/);
  });

  test('completions are well formed: stop token last, lengths bounded, one log-prob per token', async () => {
    const out = await sampler.sample({ prompts, seeds }, { ...base, temperature: 1 }, 'loop');
    assert.equal(out.length, prompts.length);
    for (const completion of out) {
      assert.equal(completion.logprobs.length, completion.tokens.length);
      assert.ok(completion.tokens.length >= 1 && completion.tokens.length <= base.maxNewTokens);
      const stopsInside = completion.tokens.slice(0, -1).filter((t) => base.stopTokens.includes(t));
      assert.deepEqual(stopsInside, []);
      if (completion.finishReason === 'stop') assert.ok(base.stopTokens.includes(completion.tokens.at(-1)!));
      else assert.equal(completion.tokens.length, base.maxNewTokens);
      for (const lp of completion.logprobs) assert.ok(lp <= 1e-6 && Number.isFinite(lp));
    }
  });

  test('same seed gives the same completion, whatever else is in the batch', async () => {
    const options = { ...base, temperature: 1, topP: 0.9 };
    const first = await sampler.sample({ prompts, seeds }, options, 'loop');
    const again = await sampler.sample({ prompts, seeds }, options, 'loop');
    assert.deepEqual(again, first);
    // Row 2 alone, and row 2 moved into a batch with a longer prompt (more left padding).
    const alone = await sampler.sample({ prompts: [prompts[2]], seeds: [seeds[2]] }, options, 'step');
    const moved = await sampler.sample(
      { prompts: [[1, 9, 9, 9, 9, 9, 9, 9, 9], prompts[2]], seeds: ['other', seeds[2]] },
      options,
      'loop',
    );
    for (const completion of [alone[0], moved[1]]) {
      assert.deepEqual(completion.tokens, first[2].tokens);
      completion.logprobs.forEach((lp, t) => assert.ok(Math.abs(lp - first[2].logprobs[t]) < 1e-5));
    }
    const otherSeeds = await sampler.sample({ prompts, seeds: seeds.map((s) => `${s}x`) }, options, 'loop');
    assert.notDeepEqual(
      otherSeeds.map((c) => c.tokens),
      first.map((c) => c.tokens),
    );
  });

  test('greedy decoding follows the argmax of the full forward pass', async () => {
    const out = await sampler.sample({ prompts, seeds }, { ...base, temperature: 0, stopTokens: [] }, 'loop');
    for (let b = 0; b < prompts.length; b++) {
      const sequence = [...prompts[b]];
      const expected: number[] = [];
      for (let t = 0; t < base.maxNewTokens; t++) {
        const [logits] = await fullForward(cfg, params, [sequence]);
        const next = argmax(logits[sequence.length - 1]);
        expected.push(next);
        sequence.push(next);
      }
      assert.deepEqual(out[b].tokens, expected, `row ${b}`);
    }
  });

  test('log-probs are the policy at temperature 1, whatever temperature and top-p sampled', async () => {
    const out = await sampler.sample({ prompts, seeds }, { ...base, temperature: 0.6, topP: 0.7 }, 'step');
    const reference = await fullForward(
      cfg,
      params,
      prompts.map((p, b) => [...p, ...out[b].tokens]),
    );
    let compared = 0;
    out.forEach((completion, b) => {
      completion.tokens.forEach((token, t) => {
        const expected = logSoftmax(reference[b][prompts[b].length - 1 + t])[token];
        assert.ok(
          Math.abs(completion.logprobs[t] - expected) < 1e-4,
          `row ${b} token ${t}: ${completion.logprobs[t]} vs ${expected}`,
        );
        compared++;
      });
    });
    assert.ok(compared >= prompts.length);
  });

  test('a single new token works on both paths', async () => {
    const options = { ...base, maxNewTokens: 1 };
    const loop = await sampler.sample({ prompts, seeds }, options, 'loop');
    assert.deepEqual(loop, await sampler.sample({ prompts, seeds }, options, 'step'));
    for (const completion of loop) assert.equal(completion.tokens.length, 1);
  });

  test('requests are split into batches without changing results', async () => {
    const small = RolloutSampler.create(gptDecoder(cfg), params, { intraOpThreads: 1, maxBatchRows: 4 });
    try {
      // Different batch shapes may round logits differently in the last bit: tokens must agree
      // exactly, log-probs to float32 precision.
      const options = { ...base, temperature: 1, topP: 0.9 };
      const split = await small.sample({ prompts, seeds }, options);
      const whole = await sampler.sample({ prompts, seeds }, options);
      assert.deepEqual(
        split.map((c) => c.tokens),
        whole.map((c) => c.tokens),
      );
      split.forEach((c, b) => c.logprobs.forEach((lp, t) => assert.ok(Math.abs(lp - whole[b].logprobs[t]) < 1e-5)));
    } finally {
      await small.release();
    }
  });

  test('rows that stop leave the batch without changing any completion', async () => {
    // shrinkBatchAt 0.01 drops rows after every stop, so the batch shrinks many times; 1 keeps
    // every row to the end. That only changes batch widths, so tokens agree exactly and log-probs
    // to float32 precision; both paths drop the same rows at the same tokens, so they agree exactly.
    const eager = RolloutSampler.create(gptDecoder(cfg), params, { intraOpThreads: 1, shrinkBatchAt: 0.01 });
    const never = RolloutSampler.create(gptDecoder(cfg), params, { intraOpThreads: 1, shrinkBatchAt: 1 });
    try {
      const many = [...prompts, ...prompts.map((p) => [...p, 7])];
      const manySeeds = many.map((_, i) => `shrink:${i}`);
      const stoppedAt = new Set<number>();
      let atLimit = 0;
      for (const setting of settings) {
        const options = { ...base, maxNewTokens: 20, ...setting };
        const loop = await eager.sample({ prompts: many, seeds: manySeeds }, options, 'loop');
        assert.deepEqual(await eager.sample({ prompts: many, seeds: manySeeds }, options, 'step'), loop);
        const whole = await never.sample({ prompts: many, seeds: manySeeds }, options, 'loop');
        assert.deepEqual(
          loop.map((c) => c.tokens),
          whole.map((c) => c.tokens),
          JSON.stringify(setting),
        );
        loop.forEach((c, b) => c.logprobs.forEach((lp, t) => assert.ok(Math.abs(lp - whole[b].logprobs[t]) < 1e-5)));
        for (const c of loop) {
          if (c.finishReason === 'stop') stoppedAt.add(c.tokens.length);
          else atLimit++;
        }
      }
      // Rows that stop at the prefill's token: the first Loop then runs no step at all.
      const atFirst = { ...base, temperature: 0, stopTokens: [11, 12] };
      const first = await eager.sample({ prompts: many, seeds: manySeeds }, atFirst, 'loop');
      assert.deepEqual(await eager.sample({ prompts: many, seeds: manySeeds }, atFirst, 'step'), first);
      const firstWhole = await never.sample({ prompts: many, seeds: manySeeds }, atFirst, 'loop');
      assert.deepEqual(
        first.map((c) => c.tokens),
        firstWhole.map((c) => c.tokens),
      );
      assert.ok(first.some((c) => c.tokens.length === 1) && first.some((c) => c.tokens.length > 1));
      // rows stopped at several different lengths while others went on to the limit
      assert.ok(stoppedAt.size >= 3 && atLimit > 0, `stopped at ${[...stoppedAt].join(',')}; ${atLimit} at the limit`);
    } finally {
      await eager.release();
      await never.release();
    }
    for (const shrinkBatchAt of [0, 1.5, Number.NaN])
      assert.throws(
        () => RolloutSampler.create(gptDecoder(cfg), params, { shrinkBatchAt }),
        /shrinkBatchAt must be in \(0, 1\], got/,
      );
  });

  test('bad requests are refused with clear errors', async () => {
    await assert.rejects(
      sampler.sample({ prompts, seeds: seeds.slice(1) }, base),
      /seeds has 5 entries but prompts has 6/,
    );
    await assert.rejects(
      sampler.sample({ prompts: [[1, 99]], seeds: ['a'] }, base),
      /prompts\[0\]\[1\] = 99 is not a token id/,
    );
    await assert.rejects(sampler.sample({ prompts: [[]], seeds: ['a'] }, base), /prompts\[0\] is empty/);
    await assert.rejects(
      sampler.sample({ prompts, seeds }, { ...base, maxNewTokens: 45 }),
      /exceeds the context length 48/,
    );
    await assert.rejects(sampler.sample({ prompts, seeds }, { ...base, topP: 0 }), /topP must be in \(0, 1\]/);
    assert.throws(
      () => RolloutSampler.create(gptDecoder(cfg), { ...params, wte: new Float32Array(3) }),
      /Parameter 'wte' has 3 values/,
    );
  });
});
