// Llama-family checkpoints in r1flow's format, and both families through the one loader.

import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  loadGptCheckpoint,
  loadModelCheckpoint,
  modelCheckpointHash,
  saveGptCheckpoint,
  saveModelCheckpoint,
} from '../../../../engine/checkpoint';
import { importLlama } from '../../../../engine/hf/llama-import';
import { openHfDirectory } from '../../../../engine/hf/hf-directory';
import { tokenizerFilesOf } from '../../../../engine/hf';
import { CharTokenizer } from '../../../../engine/tokenizer';
import { adamwStateToTensors, createAdamWState, DEFAULT_ADAMW } from '../../../../engine/optim';
import { EngineRuntime } from '../../../../engine/runtime';
import { gptConfig, initParams } from '../../../../engine/model';
import { packSequences } from '../../../../engine/train';
import { fixtureDir } from '../hf/fixture-helpers';

const engine = new EngineRuntime('cpu', { intraOpThreads: 1 });
after(() => engine.release());

async function trainedQwen3() {
  const files = openHfDirectory(fixtureDir('qwen3'));
  const { config, params } = await importLlama(files);
  await files.tensors.close();
  const optState = createAdamWState(params);
  const batch = packSequences([{ tokens: [1, 5, 9, 33, 70, 12], lossStart: 1 }], 0);
  await engine.trainer(config).sftStep(params, optState, batch, { optimizer: { ...DEFAULT_ADAMW, lr: 1e-3 } });
  const tokenizerFiles = tokenizerFilesOf(files);
  return { config, params, optimizer: adamwStateToTensors(optState), tokenizerFiles, metadata: { stage: 'sft' } };
}

describe('Llama-family checkpoints', () => {
  test('save → load gives the same config, parameters, optimizer state and tokenizer files', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'llama-ckpt-'));
    try {
      const checkpoint = await trainedQwen3();
      const manifest = saveModelCheckpoint(dir, checkpoint);
      assert.deepEqual(Object.keys(manifest.files).sort(), [
        'config.json',
        'generation_config.json',
        'optimizer.safetensors',
        'params.safetensors',
        'tokenizer.json',
        'tokenizer_config.json',
      ]);
      assert.equal(manifest.sha256, modelCheckpointHash(checkpoint));
      const loaded = loadModelCheckpoint(dir);
      assert.deepEqual(loaded.config, checkpoint.config);
      for (const [name, data] of Object.entries(checkpoint.params)) assert.deepEqual(loaded.params[name], data, name);
      for (const [name, data] of Object.entries(checkpoint.optimizer)) assert.deepEqual(loaded.optimizer![name], data);
      assert.deepEqual(loaded.tokenizerFiles, checkpoint.tokenizerFiles);
      assert.equal(loaded.metadata?.stage, 'sft');
      // Saving what was loaded reproduces the bytes: the hash is stable.
      assert.equal(modelCheckpointHash(loaded), manifest.sha256);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('the same import and train step give the same checkpoint hash twice', async () => {
    assert.equal(modelCheckpointHash(await trainedQwen3()), modelCheckpointHash(await trainedQwen3()));
  });

  test('the GPT loads through the same loader; the GPT loader refuses a Llama checkpoint, naming it', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'both-ckpt-'));
    try {
      const tokenizer = new CharTokenizer('ab');
      const config = gptConfig({ vocabSize: tokenizer.vocabSize, dModel: 8, nLayers: 1, nHeads: 2, dFF: 16 });
      saveGptCheckpoint(path.join(root, 'gpt'), { config, params: initParams(config, 1), tokenizer });
      const gpt = loadModelCheckpoint(path.join(root, 'gpt'));
      assert.deepEqual(gpt.config, config);
      assert.deepEqual(gpt.tokenizerFiles, { 'tokenizer.json': tokenizer.toJSON() });
      saveModelCheckpoint(path.join(root, 'qwen3'), await trainedQwen3());
      assert.throws(
        () => loadGptCheckpoint(path.join(root, 'qwen3')),
        /holds a Qwen3ForCausalLM, not the engine's GPT/,
      );
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
