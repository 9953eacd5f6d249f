import type { SourceDType, TensorInfo } from '../hf/model-files';
import type { GgufHeader, GgufTensorInfo } from './gguf-file';
import type { LlamaShape } from './llama-config';
import { loadableType } from './tensor-data';

/** A GGUF tensor as transformers names and shapes it. */
export interface MappedTensor {
  info: TensorInfo;
  gguf: GgufTensorInfo;
  /** q and k projections: undo llama.cpp's row permutation with this many heads */
  unpermuteHeads?: number;
}

const GLOBAL_NAMES: Record<string, string> = {
  'token_embd.weight': 'model.embed_tokens.weight',
  'output_norm.weight': 'model.norm.weight',
  'output.weight': 'lm_head.weight',
};

const LAYER_NAMES: Record<string, string> = {
  attn_norm: 'input_layernorm',
  attn_q: 'self_attn.q_proj',
  attn_k: 'self_attn.k_proj',
  attn_v: 'self_attn.v_proj',
  attn_output: 'self_attn.o_proj',
  ffn_norm: 'post_attention_layernorm',
  ffn_gate: 'mlp.gate_proj',
  ffn_up: 'mlp.up_proj',
  ffn_down: 'mlp.down_proj',
};

const LAYER_TENSOR = /^blk\.(\d+)\.([a-z_]+)\.(weight|bias)$/;

/**
 * Maps every tensor of a `llama` GGUF file to its transformers name and [out, in] shape, and
 * checks at once that each is expected, has the shape the config implies and a type that can be
 * loaded — so a bad file fails before any weight is read.
 */
export function mapLlamaTensors(header: GgufHeader, shape: LlamaShape): Map<string, MappedTensor> {
  const fail = (what: string) => new Error(`GGUF file ${header.file}: ${what}.`);
  const { hiddenSize: d, intermediateSize: ff, heads, kvHeads, headDim, vocabSize, layers } = shape;
  const expected = (ggufName: string): number[] | undefined => {
    const global: Record<string, number[]> = {
      'token_embd.weight': [vocabSize, d],
      'output_norm.weight': [d],
      'output.weight': [vocabSize, d],
    };
    if (global[ggufName]) return global[ggufName];
    const match = LAYER_TENSOR.exec(ggufName);
    if (!match) return undefined;
    const [, , part, kind] = match;
    const rows: Record<string, number> = {
      attn_norm: d,
      attn_q: heads * headDim,
      attn_k: kvHeads * headDim,
      attn_v: kvHeads * headDim,
      attn_output: d,
      ffn_norm: d,
      ffn_gate: ff,
      ffn_up: ff,
      ffn_down: d,
    };
    const columns: Record<string, number> = { attn_output: heads * headDim, ffn_down: ff };
    if (rows[part] === undefined) return undefined;
    if (part === 'attn_norm' || part === 'ffn_norm' || kind === 'bias') return [rows[part]];
    return [rows[part], columns[part] ?? d];
  };

  const mapped = new Map<string, MappedTensor>();
  for (const gguf of header.tensors) {
    const name = transformersName(gguf.name, layers);
    const want = expected(gguf.name);
    if (name === undefined || want === undefined) throw fail(`tensor "${gguf.name}" is not part of a llama model`);
    const hfShape = [...gguf.dims].reverse();
    if (hfShape.join() !== want.join())
      throw fail(`tensor "${gguf.name}" has shape [${hfShape}] (as [out, in]); the config implies [${want}]`);
    const dtype: SourceDType = loadableType(header.file, gguf);
    const part = LAYER_TENSOR.exec(gguf.name)?.[2];
    mapped.set(name, {
      info: { name, dtype, shape: hfShape },
      gguf,
      ...(part === 'attn_q' ? { unpermuteHeads: heads } : part === 'attn_k' ? { unpermuteHeads: kvHeads } : {}),
    });
  }

  const required = ['model.embed_tokens.weight', 'model.norm.weight', ...(shape.tied ? [] : ['lm_head.weight'])];
  for (let layer = 0; layer < layers; layer++) {
    for (const part of Object.values(LAYER_NAMES)) required.push(`model.layers.${layer}.${part}.weight`);
  }
  for (const name of required) {
    if (!mapped.has(name)) throw fail(`it has no tensor for ${name} (${ggufNameOf(name)})`);
  }
  return mapped;
}

function transformersName(ggufName: string, layers: number): string | undefined {
  if (GLOBAL_NAMES[ggufName]) return GLOBAL_NAMES[ggufName];
  const match = LAYER_TENSOR.exec(ggufName);
  if (!match) return undefined;
  const [, layer, part, kind] = match;
  if (Number(layer) >= layers || !LAYER_NAMES[part]) return undefined;
  return `model.layers.${Number(layer)}.${LAYER_NAMES[part]}.${kind}`;
}

function ggufNameOf(transformers: string): string {
  const global = Object.entries(GLOBAL_NAMES).find(([, name]) => name === transformers);
  if (global) return global[0];
  const [, layer, rest] = /^model\.layers\.(\d+)\.(.+)\.weight$/.exec(transformers)!;
  const part = Object.entries(LAYER_NAMES).find(([, name]) => name === rest)![0];
  return `blk.${layer}.${part}.weight`;
}

/**
 * Undoes the row permutation llama.cpp's converter applies to LLaMA q/k weights (`permute` in
 * convert_hf_to_gguf.py): per head, transformers' rotate-half row order (first half, second half)
 * was interleaved into pairs, GGUF row h·D + 2j + i = transformers row h·D + i·D/2 + j. Works for
 * weights ([rows, columns]) and biases (columns = 1).
 */
export function unpermuteRows(data: Float32Array, rows: number, heads: number): Float32Array {
  const columns = data.length / rows;
  const headDim = rows / heads;
  const half = headDim / 2;
  const out = new Float32Array(data.length);
  for (let h = 0; h < heads; h++) {
    for (let i = 0; i < 2; i++) {
      for (let j = 0; j < half; j++) {
        const from = (h * headDim + 2 * j + i) * columns;
        const to = (h * headDim + i * half + j) * columns;
        out.set(data.subarray(from, from + columns), to);
      }
    }
  }
  return out;
}
