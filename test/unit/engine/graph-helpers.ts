import * as ort from 'onnxruntime-node';
import { GraphBuilder } from '../../../engine/onnx/graph-builder';
import { encodeModel } from '../../../engine/onnx/encode';
import {
  type GptConfig,
  type Params,
  declareWeightInputs,
  gptConfig,
  gptForward,
  initParams,
  paramSpecs,
} from '../../../engine/model';

/** A small GPT whose weights are scaled up so its next-token distributions are far from uniform. */
export function peakedModel(overrides: Partial<GptConfig> = {}, seed = 3): { cfg: GptConfig; params: Params } {
  const cfg = gptConfig({ vocabSize: 24, dModel: 32, nLayers: 2, nHeads: 4, dFF: 64, contextLength: 48, ...overrides });
  const params = initParams(cfg, seed);
  for (const name of ['wte', 'wpe']) params[name] = params[name].map((x) => x * 8);
  for (const [name, values] of Object.entries(params))
    if (name.includes('weight') && !name.includes('ln')) params[name] = values.map((x) => x * 3);
  return { cfg, params };
}

/** Plain forward pass without any cache: tokens int64 [B, T] → logits [B, T, V] (the reference). */
export async function fullForward(cfg: GptConfig, params: Params, rows: number[][]): Promise<Float32Array[][]> {
  const g = new GraphBuilder('full_forward');
  const w = declareWeightInputs(g, cfg);
  const tokens = g.input('tokens', 'int64', ['batch', 'seq']);
  g.output(gptForward(g, cfg, w, tokens).logits, 'logits');
  const session = await ort.InferenceSession.create(encodeModel(g), { intraOpNumThreads: 1 });
  const feeds: Record<string, ort.Tensor> = {};
  for (const spec of paramSpecs(cfg)) feeds[spec.name] = new ort.Tensor('float32', params[spec.name], spec.shape);
  const out: Float32Array[][] = [];
  for (const row of rows) {
    feeds.tokens = new ort.Tensor('int64', BigInt64Array.from(row.map(BigInt)), [1, row.length]);
    const logits = (await session.run(feeds)).logits.data as Float32Array;
    out.push(row.map((_, t) => logits.slice(t * cfg.vocabSize, (t + 1) * cfg.vocabSize)));
  }
  await session.release();
  return out;
}

export function logSoftmax(logits: Float32Array): number[] {
  const max = Math.max(...logits);
  const sum = logits.reduce((s, x) => s + Math.exp(x - max), 0);
  return [...logits].map((x) => x - max - Math.log(sum));
}

export function argmax(values: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i] > values[best]) best = i;
  return best;
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}
