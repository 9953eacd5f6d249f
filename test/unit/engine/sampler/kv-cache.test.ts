import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import * as ort from 'onnxruntime-node';
import { paramSpecs } from '../../../../engine/model';
import { gptDecoder, leftPadPrompts } from '../../../../engine/sampler';
import { buildPrefillGraph, buildStepGraph } from '../../../../engine/sampler/rollout-graphs';
import { fullForward, maxAbsDiff, peakedModel } from '../graph-helpers';

describe('decode with KV cache', () => {
  test('prefill + incremental steps on left-padded rows equal the full forward pass (max abs diff <= 1e-4)', async () => {
    const { cfg, params } = peakedModel();
    const decoder = gptDecoder(cfg);
    // the nucleus walk at top_p 1 keeps the whole distribution; its graphs read top_p
    const prefillGraph = buildPrefillGraph(decoder, 'nucleus');
    const stepGraph = buildStepGraph(decoder, 'nucleus');
    const prefill = await ort.InferenceSession.create(prefillGraph.bytes, { intraOpNumThreads: 1 });
    const step = await ort.InferenceSession.create(stepGraph.bytes, { intraOpNumThreads: 1 });
    const prompts = [
      [1, 7, 8, 9, 10, 11, 12],
      [1, 13],
      [1, 14, 15, 16],
    ];
    const continuation = [
      [3, 17, 18, 19, 20],
      [21, 22, 23, 4, 5],
      [6, 9, 9, 9, 2],
    ]; // teacher-forced tokens
    const padded = leftPadPrompts(prompts, 0, cfg.vocabSize);
    const B = prompts.length;
    const common: Record<string, ort.Tensor> = {
      temperature: new ort.Tensor('float32', new Float32Array([1]), []),
      top_p: new ort.Tensor('float32', new Float32Array([1]), []),
      uniform: new ort.Tensor('float32', new Float32Array(B).fill(0.5), [B]),
    };
    for (const spec of paramSpecs(cfg)) common[spec.name] = new ort.Tensor('float32', params[spec.name], spec.shape);

    const reference = await fullForward(
      cfg,
      params,
      prompts.map((p, b) => [...p, ...continuation[b]]),
    );
    let out = await prefill.run({
      ...common,
      prompt_ids: new ort.Tensor('int64', padded.ids, [B, padded.promptLength]),
      prompt_mask: new ort.Tensor('int64', padded.mask, [B, padded.promptLength]),
    });
    let worst = 0;
    const compare = (logits: Float32Array, offsetInRow: (b: number) => number) => {
      for (let b = 0; b < B; b++) {
        const got = logits.subarray(b * cfg.vocabSize, (b + 1) * cfg.vocabSize);
        worst = Math.max(worst, maxAbsDiff(got, reference[b][offsetInRow(b)]));
      }
    };
    compare(out.logits.data as Float32Array, (b) => prompts[b].length - 1);
    let mask: ort.Tensor = new ort.Tensor('int64', padded.mask, [B, padded.promptLength]);
    let cacheNames = prefillGraph.present;
    for (let i = 0; i < continuation[0].length; i++) {
      const cache: Record<string, ort.Tensor> = {};
      cacheNames.forEach((names, l) => {
        cache[`past_key_${l}`] = out[names.key];
        cache[`past_value_${l}`] = out[names.value];
      });
      cacheNames = stepGraph.present;
      out = await step.run({
        ...common,
        ...cache,
        fed_token: new ort.Tensor('int64', BigInt64Array.from(continuation.map((c) => BigInt(c[i]))), [B]),
        fed_position: new ort.Tensor('int64', BigInt64Array.from(prompts.map((p) => BigInt(p.length + i))), [B]),
        past_mask: mask,
      });
      assert.deepEqual(out.key_mask.dims, [B, padded.promptLength + i + 1]);
      compare(out.logits.data as Float32Array, (b) => prompts[b].length + i);
      mask = out.key_mask;
    }
    assert.ok(worst <= 1e-4, `max abs diff ${worst}`);
    // The model must be sensitive enough for the comparison to mean something.
    assert.ok(maxAbsDiff(reference[0][0], reference[0][1]) > 1e-2);
    await prefill.release();
    await step.release();
  });
});
