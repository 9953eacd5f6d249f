// The Llama family against PyTorch/transformers: logits, log-probs, gradients, greedy decoding
// and KV-cache decoding of every committed fixture.

import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { EngineRuntime } from '../../../../engine/runtime';
import { RolloutSampler, modelDecoder } from '../../../../engine/sampler';
import { importLlama } from '../../../../engine/hf/llama-import';
import { openHfDirectory } from '../../../../engine/hf/hf-directory';
import { FIXTURES, fixtureDir, maxAbsDiff, modelLogits, readReference, relNormDiff } from './fixture-helpers';

const engine = new EngineRuntime('cpu', { intraOpThreads: 1 });
after(() => engine.release());

async function load(name: string) {
  const files = openHfDirectory(fixtureDir(name));
  try {
    return await importLlama(files);
  } finally {
    await files.tensors.close();
  }
}

function tokenBatch(ids: number[][]) {
  const T = ids[0].length;
  const tokens = Int32Array.from(ids.flat());
  const lossMask = new Float32Array(ids.length * T).map((_, i) => (i % T === 0 ? 0 : 1));
  return { batchSize: ids.length, seqLen: T, tokens, lossMask, lengths: Int32Array.from(ids.map((r) => r.length)) };
}

for (const name of FIXTURES) {
  describe(`fixture ${name}`, () => {
    const ref = readReference(name);

    test('logits equal transformers within 1e-4', async () => {
      const { config, params } = await load(name);
      const diff = maxAbsDiff(await modelLogits(config, params, ref.ids), ref.arrays.logits);
      assert.ok(diff <= 1e-4, `max |logit diff| ${diff}`);
    });

    test('log-probs, loss and gradients equal PyTorch (1e-4; gradients by tensor norm)', async () => {
      const { config, params } = await load(name);
      const trainer = engine.trainer(config);
      const batch = tokenBatch(ref.ids);
      const { logprobs } = await trainer.logprobs(params, batch);
      const lpDiff = maxAbsDiff(logprobs, ref.arrays.logprobs);
      assert.ok(lpDiff <= 1e-4, `max |logprob diff| ${lpDiff}`);
      const { loss, grads } = await trainer.sftLossAndGrads(params, batch);
      assert.ok(Math.abs(loss - ref.loss) <= 1e-4, `loss ${loss} vs ${ref.loss}`);
      assert.ok(ref.gradTensors.length >= 5);
      for (const tensor of ref.gradTensors) {
        const err = relNormDiff(grads[tensor], ref.arrays[`grad.${tensor}`]);
        assert.ok(err <= 1e-4, `gradient of ${tensor}: relative error ${err}`);
      }
    });

    test('greedy decoding gives transformers’ tokens on the Loop, step and fused-op paths', async () => {
      const { config, params } = await load(name);
      const sampler = engine.sampler(config, params);
      const eos = 2;
      const options = { maxNewTokens: 12, temperature: 0, stopTokens: [eos], padToken: 0 };
      const request = { prompts: [ref.promptIds, ref.chatIds], seeds: [1, 2] };
      const loop = await sampler.sample(request, options, 'loop');
      const step = await sampler.sample(request, options, 'step');
      assert.deepEqual(loop[0].tokens, ref.greedy);
      assert.deepEqual(loop[1].tokens, ref.chatGreedy);
      assert.deepEqual(
        step.map((c) => c.tokens),
        loop.map((c) => c.tokens),
      );
      // The opset-23 fused ops (RMSNormalization, RotaryEmbedding, Attention) decode the same.
      const fused = RolloutSampler.create(modelDecoder(config, { fused: true }), params, { intraOpThreads: 1 });
      const fusedOut = await fused.sample(request, options, 'loop');
      await fused.release();
      assert.deepEqual(
        fusedOut.map((c) => c.tokens),
        loop.map((c) => c.tokens),
      );
      fusedOut.forEach((c, i) => assert.ok(maxAbsDiff(c.logprobs, loop[i].logprobs) <= 1e-4, `fused row ${i}`));
      // The cached decode's log-probs equal the full forward pass over prompt + completion.
      for (const [i, prompt] of request.prompts.entries()) {
        const full = [...prompt, ...loop[i].tokens];
        const { logprobs } = await engine.trainer(config).logprobs(params, tokenBatch([full]));
        const fromForward = Array.from(logprobs.subarray(prompt.length));
        assert.ok(maxAbsDiff(loop[i].logprobs, fromForward) <= 1e-4, `row ${i}: cached decode vs full forward`);
      }
    });
  });
}
