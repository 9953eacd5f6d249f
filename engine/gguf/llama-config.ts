import type { GgufHeader } from './gguf-file';
import { MetadataFields } from './metadata-fields';

/** The hyperparameters of a `llama` GGUF file, in config.json's names. */
export interface LlamaShape {
  hiddenSize: number;
  intermediateSize: number;
  layers: number;
  heads: number;
  kvHeads: number;
  headDim: number;
  vocabSize: number;
  tied: boolean;
}

/**
 * config.json for a `llama` GGUF file, as transformers' LlamaConfig names the fields. The keys are
 * llama.cpp's (`llama.embedding_length`, …); what config.json cannot express (llama3 rope factors
 * stored as a tensor, yarn, experts) is refused naming the key or tensor.
 */
export function llamaConfigFromGguf(
  header: GgufHeader,
  ids: { bosId: number | undefined; eosIds: number[] },
): { config: Record<string, unknown>; shape: LlamaShape } {
  checkArchitecture(header);
  const fields = new MetadataFields(header);
  const key = (name: string) => `llama.${name}`;

  const hiddenSize = fields.integer(key('embedding_length'));
  const heads = fields.integer(key('attention.head_count'));
  const kvHeads = fields.optionalInteger(key('attention.head_count_kv')) ?? heads;
  if (heads === 0 || hiddenSize % heads !== 0)
    throw fields.error(
      key('attention.head_count'),
      `is ${heads}, which does not divide embedding_length ${hiddenSize}`,
    );
  if (kvHeads === 0 || heads % kvHeads !== 0)
    throw fields.error(key('attention.head_count_kv'), `is ${kvHeads}, which does not divide head_count ${heads}`);
  const headDim = fields.optionalInteger(key('attention.key_length')) ?? hiddenSize / heads;
  const valueDim = fields.optionalInteger(key('attention.value_length')) ?? headDim;
  if (valueDim !== headDim)
    throw fields.error(key('attention.value_length'), `is ${valueDim}, unlike key_length ${headDim}`);
  const ropeDim = fields.optionalInteger(key('rope.dimension_count')) ?? headDim;
  if (ropeDim !== headDim)
    throw fields.error(
      key('rope.dimension_count'),
      `is ${ropeDim}; partial rotary embeddings (head size ${headDim}) are not supported`,
    );
  const experts = fields.optionalInteger(key('expert_count')) ?? 0;
  if (experts > 0)
    throw fields.error(key('expert_count'), `is ${experts}; mixture-of-experts models are not supported`);
  if (header.tensors.some((t) => t.name === 'rope_freqs.weight')) {
    throw new Error(
      `GGUF file ${header.file}: tensor "rope_freqs.weight" holds llama3-style rope scaling factors, which cannot be imported; use the model's Hugging Face directory instead.`,
    );
  }

  const embedding = header.tensors.find((t) => t.name === 'token_embd.weight');
  if (!embedding) throw new Error(`GGUF file ${header.file}: tensor "token_embd.weight" is missing.`);
  const vocabSize = fields.optionalInteger(key('vocab_size')) ?? embedding.dims[1];
  const tied = !header.tensors.some((t) => t.name === 'output.weight');

  const config: Record<string, unknown> = {
    architectures: ['LlamaForCausalLM'],
    model_type: 'llama',
    hidden_size: hiddenSize,
    intermediate_size: fields.integer(key('feed_forward_length')),
    num_hidden_layers: fields.integer(key('block_count')),
    num_attention_heads: heads,
    num_key_value_heads: kvHeads,
    head_dim: headDim,
    hidden_act: 'silu',
    max_position_embeddings: fields.integer(key('context_length')),
    rms_norm_eps: shortestFloat32(fields.float(key('attention.layer_norm_rms_epsilon'))),
    rope_theta: shortestFloat32(fields.optionalFloat(key('rope.freq_base')) ?? 10000),
    rope_scaling: ropeScaling(fields, key),
    attention_bias: header.tensors.some((t) => t.name === 'blk.0.attn_q.bias'),
    mlp_bias: false,
    tie_word_embeddings: tied,
    vocab_size: vocabSize,
    bos_token_id: ids.bosId ?? null,
    eos_token_id: ids.eosIds.length === 0 ? null : ids.eosIds.length === 1 ? ids.eosIds[0] : ids.eosIds,
    torch_dtype: 'float32',
  };
  const shape: LlamaShape = {
    hiddenSize,
    intermediateSize: config.intermediate_size as number,
    layers: config.num_hidden_layers as number,
    heads,
    kvHeads,
    headDim,
    vocabSize,
    tied,
  };
  return { config, shape };
}

/** Only `llama` files can be imported: other architectures name their tensors and keys differently. */
export function checkArchitecture(header: GgufHeader): void {
  const fields = new MetadataFields(header);
  const architecture = fields.string('general.architecture');
  if (architecture !== 'llama')
    throw fields.error('general.architecture', `is "${architecture}"; only "llama" GGUF files can be imported`);
}

/** `rope.scaling.type` none/linear (or the older `rope.scale_linear`); anything else is refused. */
function ropeScaling(fields: MetadataFields, key: (name: string) => string): Record<string, unknown> | null {
  const type = fields.optionalString(key('rope.scaling.type'));
  const legacyLinear = fields.optionalFloat(key('rope.scale_linear'));
  if (type === undefined || type === 'none') {
    if (legacyLinear === undefined || legacyLinear === 1) return null;
    return { rope_type: 'linear', factor: shortestFloat32(legacyLinear) };
  }
  if (type === 'linear')
    return { rope_type: 'linear', factor: shortestFloat32(fields.float(key('rope.scaling.factor'))) };
  throw fields.error(key('rope.scaling.type'), `is "${type}"; only none and linear rope scaling can be imported`);
}

/**
 * The shortest decimal that reads back as the same float32: the converter stored config.json's
 * `1e-05` as a float32, and this gives `1e-05` back instead of 0.000009999999747378752.
 */
export function shortestFloat32(value: number): number {
  for (let digits = 1; digits < 17; digits++) {
    const candidate = Number(value.toPrecision(digits));
    if (Math.fround(candidate) === value) return candidate;
  }
  return value;
}
