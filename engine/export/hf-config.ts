// config.json (and the GPT's tensor names) as transformers expects them for an exported model.

import { type GptConfig, type LlamaArchitecture, type LlamaConfig, type Params, gptParamSpecs } from '../model';

const MODEL_TYPES: Record<LlamaArchitecture, string> = {
  LlamaForCausalLM: 'llama',
  MistralForCausalLM: 'mistral',
  Qwen2ForCausalLM: 'qwen2',
  Qwen3ForCausalLM: 'qwen3',
};

export type HfDtype = 'float32' | 'bfloat16';

/**
 * A Llama-family config.json: the source's own fields (hfExtra) with every field the engine
 * models written from the config. Rotary settings use the `rope_theta` + `rope_scaling`
 * spelling, which transformers 4 and 5 both read.
 */
export function llamaHfConfig(cfg: LlamaConfig, dtype: HfDtype): Record<string, unknown> {
  const extra = { ...(cfg.hfExtra ?? {}) };
  const dtypeKey = 'torch_dtype' in extra && !('dtype' in extra) ? 'torch_dtype' : 'dtype';
  delete extra.torch_dtype;
  const s = cfg.ropeScaling;
  const ropeScaling =
    s === null
      ? null
      : s.type === 'linear'
        ? { rope_type: 'linear', factor: s.factor }
        : {
            rope_type: 'llama3',
            factor: s.factor,
            low_freq_factor: s.lowFreqFactor,
            high_freq_factor: s.highFreqFactor,
            original_max_position_embeddings: s.originalMaxPositionEmbeddings,
          };
  const biases: Record<string, unknown> = {};
  if (cfg.architecture === 'LlamaForCausalLM') {
    biases.attention_bias = cfg.qkvBias;
    biases.mlp_bias = cfg.mlpBias;
  }
  if (cfg.architecture === 'Qwen3ForCausalLM') biases.attention_bias = cfg.qkvBias;
  return {
    ...extra,
    architectures: [cfg.architecture],
    model_type: MODEL_TYPES[cfg.architecture],
    vocab_size: cfg.vocabSize,
    hidden_size: cfg.dModel,
    intermediate_size: cfg.dFF,
    num_hidden_layers: cfg.nLayers,
    num_attention_heads: cfg.nHeads,
    num_key_value_heads: cfg.nKvHeads,
    head_dim: cfg.headDim,
    max_position_embeddings: Math.max(cfg.contextLength, numberOr(extra.max_position_embeddings, 0)),
    rms_norm_eps: cfg.rmsNormEps,
    rope_theta: cfg.ropeTheta,
    rope_scaling: ropeScaling,
    tie_word_embeddings: cfg.tiedEmbeddings,
    hidden_act: 'silu',
    ...biases,
    [dtypeKey]: dtype,
  };
}

function numberOr(v: unknown, fallback: number): number {
  return typeof v === 'number' ? v : fallback;
}

/** GPT2LMHeadModel's config.json for the engine's GPT. */
export function gpt2HfConfig(cfg: GptConfig, tokens: { bos: number; eos: number; pad: number }, dtype: HfDtype) {
  return {
    architectures: ['GPT2LMHeadModel'],
    model_type: 'gpt2',
    vocab_size: cfg.vocabSize,
    n_positions: cfg.contextLength,
    n_embd: cfg.dModel,
    n_layer: cfg.nLayers,
    n_head: cfg.nHeads,
    n_inner: cfg.dFF,
    // GPT-2's 'gelu_new' is the tanh approximation; 'gelu' is the exact (erf) one.
    activation_function: cfg.activation === 'gelu_tanh' ? 'gelu_new' : 'gelu',
    layer_norm_epsilon: cfg.layerNormEps,
    tie_word_embeddings: cfg.tiedEmbeddings,
    resid_pdrop: 0,
    embd_pdrop: 0,
    attn_pdrop: 0,
    scale_attn_weights: true,
    bos_token_id: tokens.bos,
    eos_token_id: tokens.eos,
    pad_token_id: tokens.pad,
    dtype,
  };
}

/**
 * The GPT's parameters under GPT-2's names. The layouts already agree: GPT-2's Conv1D weights are
 * [in, out] like the engine's, c_attn holds q|k|v along its output axis, lm_head is [vocab, d].
 */
export function gpt2Tensors(
  cfg: GptConfig,
  params: Params,
): Array<{ name: string; data: Float32Array; shape: number[] }> {
  const rename = (name: string): string => {
    if (name === 'wte' || name === 'wpe') return `transformer.${name}.weight`;
    if (name === 'lm_head.weight') return name;
    if (name.startsWith('ln_f.')) return `transformer.${name}`;
    const m = /^h\.(\d+)\.(.+)$/.exec(name);
    if (!m) throw new Error(`GPT parameter '${name}' has no GPT-2 name.`);
    const inner = m[2]
      .replace(/^ln1\./, 'ln_1.')
      .replace(/^ln2\./, 'ln_2.')
      .replace(/^attn\.qkv\./, 'attn.c_attn.')
      .replace(/^attn\.proj\./, 'attn.c_proj.')
      .replace(/^mlp\.fc\./, 'mlp.c_fc.')
      .replace(/^mlp\.proj\./, 'mlp.c_proj.');
    return `transformer.h.${m[1]}.${inner}`;
  };
  return gptParamSpecs(cfg).map((spec) => ({ name: rename(spec.name), data: params[spec.name], shape: spec.shape }));
}
