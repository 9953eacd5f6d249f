// The committed Hugging Face fixtures (test/fixtures/hf, made by make_fixtures.py with PyTorch)
// and their reference outputs.

import fs from 'node:fs';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { createSession } from '../../../../engine/device';
import { type ModelConfig, type Params, declareWeightInputs, modelForward, paramSpecs } from '../../../../engine/model';
import { GraphBuilder, encodeModel } from '../../../../engine/onnx';
import { readSafetensorsFile, toFloat32Array } from '../../../../engine/safetensors';

export const FIXTURE_ROOT = path.resolve(import.meta.dirname, '../../../fixtures/hf');

export const FIXTURES = [
  'llama',
  'mistral',
  'qwen2',
  'qwen3',
  'llama-bf16',
  'llama-sharded',
  'llama-gqa3',
  'llama-untied',
  'llama3-rope',
] as const;

export interface FixtureReference {
  ids: number[][];
  loss: number;
  gradTensors: string[];
  prompt: string;
  promptIds: number[];
  greedy: number[];
  greedyText: string;
  chat: Array<{ role: string; content: string }>;
  chatIds: number[];
  chatGreedy: number[];
  parameters: number;
  tensors: Record<string, number[]>;
  /** PyTorch outputs: logits [2, T, V], logprobs [2, T], grad.<name>. */
  arrays: Record<string, Float32Array>;
}

export function fixtureDir(name: string): string {
  return path.join(FIXTURE_ROOT, name);
}

export function readReference(name: string): FixtureReference {
  const dir = fixtureDir(name);
  const info = JSON.parse(fs.readFileSync(path.join(dir, 'reference.json'), 'utf8')) as Omit<
    FixtureReference,
    'arrays'
  >;
  const arrays: Record<string, Float32Array> = {};
  for (const [key, tensor] of readSafetensorsFile(path.join(dir, 'reference.safetensors')).tensors)
    arrays[key] = toFloat32Array(key, tensor);
  return { ...info, arrays };
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`lengths differ: ${a.length} vs ${b.length}`);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}

/** ‖a − b‖ / ‖b‖. */
export function relNormDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let d = 0,
    n = 0;
  for (let i = 0; i < b.length; i++) {
    d += (a[i] - b[i]) ** 2;
    n += b[i] ** 2;
  }
  return Math.sqrt(d) / Math.max(Math.sqrt(n), 1e-30);
}

/** The engine's logits [B, T, V] for token ids, through the same forward pass every graph uses. */
export async function modelLogits(config: ModelConfig, params: Params, ids: number[][]): Promise<Float32Array> {
  const g = new GraphBuilder('logits');
  const w = declareWeightInputs(g, config);
  const input = g.input('ids', 'int64', ['batch', 'seq']);
  g.output(modelForward(g, config, w, input).logits, 'logits');
  const session = await createSession(encodeModel(g), { device: 'cpu', intraOpThreads: 1 });
  const feeds: Record<string, ort.Tensor> = {
    ids: new ort.Tensor('int64', BigInt64Array.from(ids.flat().map(BigInt)), [ids.length, ids[0].length]),
  };
  for (const s of paramSpecs(config)) feeds[s.name] = new ort.Tensor('float32', params[s.name], s.shape);
  try {
    return (await session.run(feeds)).logits.data as Float32Array;
  } finally {
    await session.release();
  }
}
