import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { openGgufModel } from '../../../../engine/gguf';
import { assertSameFloats, fixture, readReference } from './gguf-helpers';

// tiny-llama*.gguf were written by make_fixtures.py from float32 weights in transformers' layout,
// with q/k permuted by llama.cpp's converter formula; the references are those weights (or, for
// quantised tensors, gguf-py's dequantisation with the permutation undone by index).

interface TokenizerReference {
  config: Record<string, unknown>;
}
const referenceOf = (name: string) =>
  JSON.parse(fs.readFileSync(fixture(`${name}.tokenizer.json`), 'utf8')) as TokenizerReference;

describe('GGUF llama import', () => {
  for (const name of ['tiny-llama', 'tiny-llama-tied']) {
    test(`${name}: config.json fields match the model that was written`, async () => {
      const model = await openGgufModel(fixture(`${name}.gguf`));
      try {
        const expected = referenceOf(name).config;
        for (const [key, value] of Object.entries(expected)) assert.deepEqual(model.config[key], value, key);
        assert.deepEqual(model.config.architectures, ['LlamaForCausalLM']);
        assert.equal(model.config.rope_scaling, null);
        assert.deepEqual(model.generationConfig, {
          bos_token_id: expected.bos_token_id,
          eos_token_id: expected.eos_token_id,
        });
        assert.equal(model.source, fixture(`${name}.gguf`));
      } finally {
        await model.tensors.close();
      }
    });

    test(`${name}: every tensor loads under its transformers name, in transformers' layout`, async () => {
      const model = await openGgufModel(fixture(`${name}.gguf`));
      try {
        const reference = readReference(`${name}.reference.safetensors`);
        const listed = model.tensors.list();
        assert.deepEqual(listed.map((t) => t.name).sort(), [...reference.keys()].sort());
        for (const info of listed) {
          const expected = reference.get(info.name)!;
          assert.deepEqual(info.shape, expected.shape, info.name);
          assertSameFloats(await model.tensors.load(info.name), expected.data, info.name);
        }
      } finally {
        await model.tensors.close();
      }
    });
  }

  test('tensor types are reported per tensor; the untied model has lm_head, the tied one not', async () => {
    const untied = await openGgufModel(fixture('tiny-llama.gguf'));
    const tied = await openGgufModel(fixture('tiny-llama-tied.gguf'));
    try {
      const dtypes = Object.fromEntries(untied.tensors.list().map((t) => [t.name, t.dtype]));
      assert.equal(dtypes['model.embed_tokens.weight'], 'Q8_0');
      assert.equal(dtypes['model.layers.1.self_attn.q_proj.weight'], 'Q8_0');
      assert.equal(dtypes['model.layers.1.self_attn.k_proj.weight'], 'Q4_1');
      assert.equal(dtypes['model.layers.0.self_attn.v_proj.weight'], 'Q4_0');
      assert.equal(dtypes['model.layers.0.self_attn.o_proj.weight'], 'F16');
      assert.equal(dtypes['model.layers.0.mlp.gate_proj.weight'], 'BF16');
      assert.equal(dtypes['lm_head.weight'], 'F16');
      assert.ok(!tied.tensors.list().some((t) => t.name === 'lm_head.weight'));
      assert.equal(untied.config.tie_word_embeddings, false);
      assert.equal(tied.config.tie_word_embeddings, true);
      await assert.rejects(tied.tensors.load('lm_head.weight'), /has no tensor that maps to lm_head\.weight\.$/);
    } finally {
      await untied.tensors.close();
      await tied.tensors.close();
    }
  });

  const refused: [string, string][] = [
    ['bad-architecture.gguf', 'metadata "general.architecture" is "qwen2"; only "llama" GGUF files can be imported.'],
    [
      'bad-tokenizer-model.gguf',
      'metadata "tokenizer.ggml.model" is "llama"; supported tokenizer models: gpt2 (byte-level BPE).',
    ],
    ['bad-no-merges.gguf', 'metadata "tokenizer.ggml.merges" is missing; a gpt2 (BPE) tokenizer needs its merges.'],
    [
      'tiny-llama-q5_0.gguf',
      'tensor "blk.0.ffn_up.weight" has type Q5_0, which cannot be loaded (supported: F32, F16, BF16, Q8_0, Q4_0, Q4_1).',
    ],
    ['bad-magic.gguf', 'it does not start with the GGUF magic'],
  ];
  for (const [name, message] of refused) {
    test(`${name} is refused at once, naming the file and the field`, async () => {
      const file = fixture(name);
      await assert.rejects(openGgufModel(file), (error: Error) => {
        assert.ok(error.message.startsWith(`GGUF file ${file}: ${message}`), error.message);
        return true;
      });
    });
  }
});
