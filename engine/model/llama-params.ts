// Parameters of a Llama-family model, named and laid out as transformers has them, so a Hugging
// Face checkpoint loads without renaming or transposing and exports back the same way. Linear
// weights are [out, in] (y = x @ Wᵀ + b); the embedding table is [vocab, d_model].

import type { LlamaConfig } from './llama-config';
import type { ParamSpec } from './params';

export const LLAMA_EMBEDDINGS = 'model.embed_tokens.weight';
export const LLAMA_FINAL_NORM = 'model.norm.weight';
export const LLAMA_LM_HEAD = 'lm_head.weight';

/** Name prefix of layer `l`'s tensors. */
export const llamaLayer = (l: number) => `model.layers.${l}.`;

export function llamaParamSpecs(cfg: LlamaConfig): ParamSpec[] {
  const { vocabSize: V, dModel: D, dFF: F, nLayers: L, nHeads: H, nKvHeads: K, headDim: hd } = cfg;
  const std = 0.02;
  const matrix = (name: string, out: number, inp: number): ParamSpec => ({
    name,
    shape: [out, inp],
    init: 'normal',
    std,
    decay: true,
  });
  const vector = (name: string, n: number, init: 'zeros' | 'ones'): ParamSpec => ({
    name,
    shape: [n],
    init,
    std: 0,
    decay: false,
  });
  const specs: ParamSpec[] = [{ name: LLAMA_EMBEDDINGS, shape: [V, D], init: 'normal', std, decay: true }];
  for (let l = 0; l < L; l++) {
    const p = llamaLayer(l);
    specs.push(vector(p + 'input_layernorm.weight', D, 'ones'));
    for (const [proj, out] of [
      ['q_proj', H * hd],
      ['k_proj', K * hd],
      ['v_proj', K * hd],
    ] as const) {
      specs.push(matrix(`${p}self_attn.${proj}.weight`, out, D));
      if (cfg.qkvBias) specs.push(vector(`${p}self_attn.${proj}.bias`, out, 'zeros'));
    }
    if (cfg.qkNorm) {
      specs.push(vector(p + 'self_attn.q_norm.weight', hd, 'ones'), vector(p + 'self_attn.k_norm.weight', hd, 'ones'));
    }
    specs.push(matrix(p + 'self_attn.o_proj.weight', D, H * hd));
    if (cfg.outputBias) specs.push(vector(p + 'self_attn.o_proj.bias', D, 'zeros'));
    specs.push(vector(p + 'post_attention_layernorm.weight', D, 'ones'));
    for (const [proj, out, inp] of [
      ['gate_proj', F, D],
      ['up_proj', F, D],
      ['down_proj', D, F],
    ] as const) {
      specs.push(matrix(`${p}mlp.${proj}.weight`, out, inp));
      if (cfg.mlpBias) specs.push(vector(`${p}mlp.${proj}.bias`, out, 'zeros'));
    }
  }
  specs.push(vector(LLAMA_FINAL_NORM, D, 'ones'));
  if (!cfg.tiedEmbeddings) specs.push(matrix(LLAMA_LM_HEAD, V, D));
  return specs;
}
