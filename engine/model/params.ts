// Parameter names, shapes and seeded initialisation. The GPT stores linear weights [in, out] so a
// layer is x @ W + b; the Llama family keeps transformers' [out, in] (llama-params.ts).

import { architectureOf } from './architecture';
import type { GptConfig } from './config';
import type { ModelConfig } from './model-config';
import { SeededRng } from './rng';

export interface ParamSpec {
  name: string;
  shape: number[];
  init: 'normal' | 'zeros' | 'ones';
  std: number;
  /** AdamW weight decay applies to matrices only (not biases, layer norms). */
  decay: boolean;
}

/** Named float32 parameter tensors, keyed by ParamSpec.name. */
export type Params = Record<string, Float32Array>;

/** The parameters of either model family, in the order every graph declares them. */
export function paramSpecs(cfg: ModelConfig): ParamSpec[] {
  return architectureOf(cfg).paramSpecs(cfg);
}

export function gptParamSpecs(cfg: GptConfig): ParamSpec[] {
  const { vocabSize: V, dModel: D, dFF: F, nLayers: L, contextLength: C } = cfg;
  const std = 0.02;
  // Residual projections scaled down with depth so the residual stream variance stays ~constant.
  const residStd = 0.02 / Math.sqrt(2 * L);
  const specs: ParamSpec[] = [
    { name: 'wte', shape: [V, D], init: 'normal', std, decay: true },
    { name: 'wpe', shape: [C, D], init: 'normal', std: 0.01, decay: true },
  ];
  for (let l = 0; l < L; l++) {
    const p = `h.${l}.`;
    specs.push(
      { name: p + 'ln1.weight', shape: [D], init: 'ones', std: 0, decay: false },
      { name: p + 'ln1.bias', shape: [D], init: 'zeros', std: 0, decay: false },
      { name: p + 'attn.qkv.weight', shape: [D, 3 * D], init: 'normal', std, decay: true },
      { name: p + 'attn.qkv.bias', shape: [3 * D], init: 'zeros', std: 0, decay: false },
      { name: p + 'attn.proj.weight', shape: [D, D], init: 'normal', std: residStd, decay: true },
      { name: p + 'attn.proj.bias', shape: [D], init: 'zeros', std: 0, decay: false },
      { name: p + 'ln2.weight', shape: [D], init: 'ones', std: 0, decay: false },
      { name: p + 'ln2.bias', shape: [D], init: 'zeros', std: 0, decay: false },
      { name: p + 'mlp.fc.weight', shape: [D, F], init: 'normal', std, decay: true },
      { name: p + 'mlp.fc.bias', shape: [F], init: 'zeros', std: 0, decay: false },
      { name: p + 'mlp.proj.weight', shape: [F, D], init: 'normal', std: residStd, decay: true },
      { name: p + 'mlp.proj.bias', shape: [D], init: 'zeros', std: 0, decay: false },
    );
  }
  specs.push(
    { name: 'ln_f.weight', shape: [D], init: 'ones', std: 0, decay: false },
    { name: 'ln_f.bias', shape: [D], init: 'zeros', std: 0, decay: false },
  );
  if (!cfg.tiedEmbeddings) specs.push({ name: 'lm_head.weight', shape: [V, D], init: 'normal', std, decay: true });
  return specs;
}

export function numel(shape: readonly number[]): number {
  return shape.reduce((p, d) => p * d, 1);
}

export function countParams(cfg: ModelConfig): number {
  return paramSpecs(cfg).reduce((s, p) => s + numel(p.shape), 0);
}

/** Fresh parameters drawn from one seeded stream in paramSpecs order. */
export function initParams(cfg: ModelConfig, seed: number): Params {
  const rng = new SeededRng(seed);
  const out: Params = {};
  for (const spec of paramSpecs(cfg)) {
    const a = new Float32Array(numel(spec.shape));
    if (spec.init === 'ones') a.fill(1);
    else if (spec.init === 'normal') for (let i = 0; i < a.length; i++) a[i] = rng.normal() * spec.std;
    out[spec.name] = a;
  }
  return out;
}

/** Check that `params` holds exactly the tensors of `cfg` with the right sizes. */
export function checkParams(cfg: ModelConfig, params: Params): void {
  const specs = paramSpecs(cfg);
  for (const s of specs) {
    const a = params[s.name];
    if (!a) throw new Error(`Parameter '${s.name}' is missing.`);
    if (a.length !== numel(s.shape))
      throw new Error(
        `Parameter '${s.name}' has ${a.length} values, expected ${numel(s.shape)} for shape [${s.shape.join(', ')}].`,
      );
  }
  const known = new Set(specs.map((s) => s.name));
  for (const k of Object.keys(params))
    if (!known.has(k)) throw new Error(`Parameter '${k}' is not part of this model configuration.`);
}

export function cloneParams(params: Params): Params {
  const out: Params = {};
  for (const [k, v] of Object.entries(params)) out[k] = v.slice();
  return out;
}
