// r1flow generate / export / inspect run as a user runs them, on every Hugging Face fixture, a
// GGUF file and an r1flow checkpoint: greedy tokens equal transformers' (recorded by
// make_fixtures.py), and an exported folder generates the same tokens again.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { saveModelCheckpoint } from '../../../engine/checkpoint';
import { loadLocalModel } from '../../../engine/hf';
import { projectRoot } from '../../../infra/paths';
import { generateGreedy, r1flowSync } from '../../helpers/r1flow-cli';
import { readSafetensorsHeader } from '../../../engine/safetensors';
import { FIXTURES, fixtureDir, readReference } from '../engine/hf/fixture-helpers';

function generateJson(source: string, prompt: string, ...flags: string[]) {
  const r = generateGreedy(source, prompt, ...flags);
  assert.equal(r.code, 0, r.err);
  return JSON.parse(r.out) as { promptIds: number[]; tokenIds: number[]; text: string };
}

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'r1flow-model-cli-'));

describe('r1flow generate and export on every fixture', () => {
  for (const name of FIXTURES) {
    test(`${name}: greedy generate equals transformers, and so does its export`, () => {
      const ref = readReference(name);
      const plain = generateJson(fixtureDir(name), ref.prompt);
      assert.deepEqual(plain.promptIds, ref.promptIds);
      assert.deepEqual(plain.tokenIds, ref.greedy);
      assert.equal(plain.text, ref.greedyText);
      const out = path.join(scratch, name);
      const exported = r1flowSync('export', fixtureDir(name), '--format', 'hf', '--out', out);
      assert.equal(exported.code, 0, exported.err);
      const chat = generateJson(out, ref.chat[0].content, '--chat');
      assert.deepEqual(chat.promptIds, ref.chatIds);
      assert.deepEqual(chat.tokenIds, ref.chatGreedy);
    });
  }

  test('--top-k 1 samples the greedy tokens at any temperature; a bad --top-k is refused', () => {
    const ref = readReference('qwen2');
    const topOne = generateJson(fixtureDir('qwen2'), ref.prompt, '--temperature', '1.3', '--top-k', '1');
    assert.deepEqual(topOne.tokenIds, ref.greedy);
    for (const bad of ['-2', '1.5']) {
      const r = generateGreedy(fixtureDir('qwen2'), ref.prompt, `--top-k=${bad}`);
      assert.notEqual(r.code, 0);
      assert.match(r.err, /--top-k must be/);
    }
  });

  test('export --format onnx writes a standalone model and the tokenizer files', () => {
    const out = path.join(scratch, 'onnx');
    const r = r1flowSync('export', fixtureDir('qwen2'), '--format', 'onnx', '--out', out);
    assert.equal(r.code, 0, r.err);
    assert.deepEqual(fs.readdirSync(out).sort(), [
      'generation_config.json',
      'model.onnx',
      'tokenizer.json',
      'tokenizer_config.json',
    ]);
  });

  test('export --dtype bf16 writes BF16 tensors that inspect reports', () => {
    const out = path.join(scratch, 'bf16');
    assert.equal(r1flowSync('export', fixtureDir('llama'), '--format', 'hf', '--out', out, '--dtype', 'bf16').code, 0);
    const r = r1flowSync('inspect', out, '--json');
    assert.equal(r.code, 0, r.err);
    const summary = JSON.parse(r.out);
    assert.equal(summary.architecture, 'LlamaForCausalLM');
    const saved = readSafetensorsHeader(path.join(fixtureDir('llama'), 'model.safetensors')).entries.length;
    assert.deepEqual(summary.dtypes, { BF16: saved });
    assert.equal(summary.parameters, readReference('llama').parameters);
    assert.equal(summary.contextLength, 128);
    assert.equal(summary.tokenizer.chatTemplate, true);
  });

  test('a GGUF file and a local r1flow checkpoint are sources too', async () => {
    const gguf = path.join(projectRoot, 'test/fixtures/gguf/tiny-llama.gguf');
    const fromGguf = generateJson(gguf, 'hello');
    assert.equal(fromGguf.tokenIds.length > 0, true);
    const checkpoint = path.join(scratch, 'checkpoint');
    saveModelCheckpoint(checkpoint, await loadLocalModel(gguf));
    assert.deepEqual(generateJson(checkpoint, 'hello'), fromGguf);
    const inspect = r1flowSync('inspect', checkpoint);
    assert.equal(inspect.code, 0, inspect.err);
    assert.match(inspect.out, /r1flow-checkpoint/);
    assert.match(inspect.out, /sha256 +[0-9a-f]{64}/);
  });

  test('--context-length loads a model whose sliding window is shorter than its position table', () => {
    const dir = path.join(scratch, 'mistral-window');
    fs.cpSync(fixtureDir('mistral'), dir, { recursive: true });
    const configFile = path.join(dir, 'config.json');
    fs.writeFileSync(
      configFile,
      JSON.stringify({ ...JSON.parse(fs.readFileSync(configFile, 'utf8')), sliding_window: 64 }),
    );
    const refused = r1flowSync('inspect', dir);
    assert.equal(refused.code, 1);
    assert.match(refused.err, /field "sliding_window" is 64, shorter than the context length 128/);
    const r = r1flowSync('inspect', dir, '--json', '--context-length', '64');
    assert.equal(r.code, 0, r.err);
    assert.equal(JSON.parse(r.out).contextLength, 64);
    const out = path.join(scratch, 'mistral-window-export');
    assert.equal(r1flowSync('export', dir, '--format', 'hf', '--out', out, '--context-length', '64').code, 0);
    const exported = JSON.parse(fs.readFileSync(path.join(out, 'config.json'), 'utf8'));
    assert.deepEqual([exported.max_position_embeddings, exported.sliding_window], [128, 64]);
  });

  test('a SOURCE that is nothing the CLI knows is one sentence naming it', () => {
    const missing = r1flowSync('inspect', path.join(scratch, 'nothing', 'here'));
    assert.equal(missing.code, 1);
    assert.match(missing.err, /SOURCE .*nothing\/here: no such file or folder, and not an s3:\/\/ URI/);
    const empty = fs.mkdtempSync(path.join(scratch, 'empty-'));
    const r = r1flowSync('generate', empty, '--prompt', 'x');
    assert.match(r.err, /is neither an r1flow checkpoint .* nor a \.gguf file/);
  });
});

process.on('exit', () => fs.rmSync(scratch, { recursive: true, force: true }));
