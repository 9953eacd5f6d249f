// Bad Hugging Face folders: each fails at once with one sentence naming the file and the problem.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openHfDirectory } from '../../../../engine/hf/hf-directory';
import { importLlama, llamaConfigFromHf } from '../../../../engine/hf/llama-import';
import { encodeSafetensors } from '../../../../engine/safetensors';
import { fixtureDir } from './fixture-helpers';

/** A copy of a fixture to break. */
function copyFixture(name: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `bad-${name}-`));
  for (const file of fs.readdirSync(fixtureDir(name)))
    fs.copyFileSync(path.join(fixtureDir(name), file), path.join(dir, file));
  return dir;
}

async function importDir(dir: string) {
  const files = openHfDirectory(dir);
  try {
    return await importLlama(files);
  } finally {
    await files.tensors.close();
  }
}

function oneSentence(message: string): void {
  assert.equal(message.split(/\.\s/).length, 1, `not one sentence: ${message}`);
}

async function expectError(dir: string, pattern: RegExp): Promise<void> {
  try {
    await importDir(dir);
  } catch (error) {
    const message = (error as Error).message;
    assert.match(message, pattern);
    oneSentence(message);
    return;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  assert.fail(`importing ${dir} did not fail`);
}

describe('importing a bad Hugging Face folder', () => {
  test('a truncated shard names the file and the tensor that runs past its end', async () => {
    const dir = copyFixture('llama-sharded');
    const shard = path.join(dir, 'model-00002-of-00003.safetensors');
    fs.truncateSync(shard, fs.statSync(shard).size - 100);
    await expectError(dir, /model-00002-of-00003\.safetensors.*truncated file/);
  });

  test('a shard the index names but the folder lacks', async () => {
    const dir = copyFixture('llama-sharded');
    fs.rmSync(path.join(dir, 'model-00003-of-00003.safetensors'));
    await expectError(
      dir,
      /model\.safetensors\.index\.json names shard model-00003-of-00003\.safetensors, which is missing/,
    );
  });

  test('a tensor the index places in a shard that does not hold it', async () => {
    const dir = copyFixture('llama-sharded');
    const indexFile = path.join(dir, 'model.safetensors.index.json');
    const index = JSON.parse(fs.readFileSync(indexFile, 'utf8'));
    index.weight_map['model.layers.9.mlp.up_proj.weight'] = 'model-00001-of-00003.safetensors';
    fs.writeFileSync(indexFile, JSON.stringify(index));
    await expectError(dir, /index\.json lists tensor "model\.layers\.9\.mlp\.up_proj\.weight" in model-00001-of-00003/);
  });

  test('a dtype other than F32/F16/BF16 names the file and the tensor', async () => {
    const dir = copyFixture('llama');
    const ints = new Uint8Array(new Int32Array(32).buffer);
    fs.writeFileSync(
      path.join(dir, 'model.safetensors'),
      encodeSafetensors({ 'model.norm.weight': { dtype: 'I32', shape: [32], data: ints } }),
    );
    await expectError(dir, /model\.safetensors: tensor "model\.norm\.weight" has dtype I32; only F32, F16 and BF16/);
  });

  test('an unknown architecture names it', async () => {
    const dir = copyFixture('llama');
    const file = path.join(dir, 'config.json');
    fs.writeFileSync(
      file,
      JSON.stringify({ ...JSON.parse(fs.readFileSync(file, 'utf8')), architectures: ['GPTNeoXForCausalLM'] }),
    );
    await expectError(dir, /config\.json names architecture GPTNeoXForCausalLM, which r1flow cannot load/);
  });

  test('a tensor the config does not account for, and one it needs but the file lacks', async () => {
    const dir = copyFixture('qwen2');
    const file = path.join(dir, 'config.json');
    fs.writeFileSync(
      file,
      JSON.stringify({ ...JSON.parse(fs.readFileSync(file, 'utf8')), architectures: ['LlamaForCausalLM'] }),
    );
    await expectError(dir, /holds tensor "model\.layers\.\d\.self_attn\.[qkv]_proj\.bias", which a LlamaForCausalLM/);
    const untied = copyFixture('llama');
    const config = path.join(untied, 'config.json');
    fs.writeFileSync(
      config,
      JSON.stringify({ ...JSON.parse(fs.readFileSync(config, 'utf8')), tie_word_embeddings: false }),
    );
    await expectError(untied, /has no tensor "lm_head\.weight", which this config\.json needs/);
  });

  test('rope scaling other than linear/llama3, a short sliding window and a non-SwiGLU act name their field', () => {
    const base = JSON.parse(fs.readFileSync(path.join(fixtureDir('mistral'), 'config.json'), 'utf8'));
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [
        { rope_parameters: { rope_type: 'yarn', rope_theta: 1e4, factor: 4 } },
        /field "rope_parameters\.rope_type" is "yarn"/,
      ],
      [
        { rope_parameters: null, rope_scaling: { type: 'dynamic', factor: 2 } },
        /field "rope_scaling\.rope_type" is "dynamic"/,
      ],
      [{ sliding_window: 64 }, /field "sliding_window" is 64, shorter than the context length 128/],
      [{ hidden_act: 'gelu' }, /field "hidden_act" is "gelu"/],
      [{ num_key_value_heads: 3 }, /nHeads \(4\) must be a multiple of nKvHeads \(3\)/],
    ];
    for (const [change, pattern] of cases) {
      assert.throws(
        () => llamaConfigFromHf({ ...base, ...change }, 'models/m'),
        (error: Error) => {
          assert.match(error.message, pattern);
          assert.match(error.message, /models\/m\/config\.json/);
          return true;
        },
      );
    }
    // A sliding window is fine once the context fits inside it.
    assert.equal(llamaConfigFromHf({ ...base, sliding_window: 64 }, 'm', { contextLength: 64 }).contextLength, 64);
  });
});
