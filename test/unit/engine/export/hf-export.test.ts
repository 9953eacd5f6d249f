// Hugging Face export: what transformers recorded when it loaded r1flow's exports
// (test/fixtures/hf/export-check.json, from make_fixtures.py check-exports), the engine's logits
// against transformers' for the same weights, the GPT's tokenizer.json against Python
// `tokenizers`, and import → export → import round trips of every fixture.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { exportHfDirectory, exportPolicyOnnx } from '../../../../engine/export';
import { importLlama } from '../../../../engine/hf/llama-import';
import { openHfDirectory } from '../../../../engine/hf/hf-directory';
import { tokenizerFilesOf } from '../../../../engine/hf';
import { llamaConfigKey, type ModelConfig } from '../../../../engine/model';
import { readSafetensorsHeader } from '../../../../engine/safetensors';
import { FIXTURES, FIXTURE_ROOT, fixtureDir, maxAbsDiff, modelLogits, readReference } from '../hf/fixture-helpers';
import {
  GPT_EXPORT_TEXTS,
  builtInTokenizer,
  gptExportConfig,
  gptExportIds,
  peakedParams,
} from '../../../fixtures/hf/gpt-export-model';

interface ExportCheck {
  architecture: string;
  missing_keys: string[];
  unexpected_keys: string[];
  mismatched_keys: string[];
  ids: number[][];
  transformersLogits: number[][][];
  tokenizerEncodings: Record<string, number[]>;
}
const checks = JSON.parse(fs.readFileSync(path.join(FIXTURE_ROOT, 'export-check.json'), 'utf8')) as Record<
  string,
  ExportCheck
>;

async function importFixture(name: string) {
  const files = openHfDirectory(fixtureDir(name));
  try {
    return { ...(await importLlama(files)), tokenizerFiles: tokenizerFilesOf(files) };
  } finally {
    await files.tensors.close();
  }
}

function withTempDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hf-export-'));
  return fn(dir).finally(() => fs.rmSync(dir, { recursive: true, force: true }));
}

describe('export as a Hugging Face folder', () => {
  test('transformers loaded every export with no missing, unexpected or mismatched keys', () => {
    assert.deepEqual(Object.keys(checks).sort(), [
      'gpt-tied',
      'gpt-untied',
      'llama-reexport',
      'qwen2-random',
      'qwen2-reexport',
      'qwen3-reexport',
    ]);
    for (const [name, check] of Object.entries(checks)) {
      assert.deepEqual([check.missing_keys, check.unexpected_keys, check.mismatched_keys], [[], [], []], name);
    }
    assert.equal(checks['gpt-tied'].architecture, 'GPT2LMHeadModel');
  });

  for (const tied of [true, false]) {
    test(`the built-in GPT (${tied ? 'tied' : 'untied'}) gives transformers' GPT2LMHeadModel logits`, async () => {
      const tokenizer = builtInTokenizer();
      const config = gptExportConfig(tokenizer, tied);
      const params = peakedParams(config, tied ? 11 : 12);
      const check = checks[tied ? 'gpt-tied' : 'gpt-untied'];
      assert.deepEqual(check.ids, gptExportIds(tokenizer));
      const logits = await modelLogits(config, params, check.ids);
      const diff = maxAbsDiff(logits, check.transformersLogits.flat(2));
      assert.ok(diff <= 1e-4, `max |logit diff| ${diff}`);
      await withTempDir(async (dir) => {
        const result = exportHfDirectory(dir, {
          config,
          params,
          tokenizerFiles: { 'tokenizer.json': tokenizer.toJSON() },
        });
        assert.equal(result.architecture, 'GPT2LMHeadModel');
        const names = readSafetensorsHeader(path.join(dir, 'model.safetensors')).entries.map((e) => e.name);
        assert.ok(names.includes('transformer.h.1.attn.c_attn.weight'));
        assert.equal(names.includes('lm_head.weight'), !tied);
        const hfConfig = JSON.parse(fs.readFileSync(path.join(dir, 'config.json'), 'utf8'));
        assert.equal(hfConfig.activation_function, 'gelu_new');
      });
    });
  }

  test("the GPT's tokenizer.json encodes like CharTokenizer, as Python tokenizers read it", () => {
    const tokenizer = builtInTokenizer();
    const recorded = checks['gpt-tied'].tokenizerEncodings;
    assert.deepEqual(Object.keys(recorded).sort(), [...GPT_EXPORT_TEXTS].sort());
    for (const text of GPT_EXPORT_TEXTS) assert.deepEqual(tokenizer.encode(text), recorded[text], text);
  });

  test('re-exported fixtures give transformers the logits the engine computes', async () => {
    for (const name of ['llama', 'qwen2', 'qwen3']) {
      const { config, params } = await importFixture(name);
      const check = checks[`${name}-reexport`];
      const diff = maxAbsDiff(await modelLogits(config, params, check.ids), check.transformersLogits.flat(2));
      assert.ok(diff <= 1e-4, `${name}: max |logit diff| ${diff}`);
    }
  });

  for (const name of FIXTURES) {
    test(`${name}: import → export → import gives identical tensors, names, shapes and dtypes`, async () => {
      const first = await importFixture(name);
      const bf16 = Object.values(first.dtypes).every((d) => d === 'BF16');
      await withTempDir(async (dir) => {
        exportHfDirectory(dir, first, { dtype: bf16 ? 'bf16' : 'f32' });
        const files = openHfDirectory(dir);
        const second = await importLlama(files);
        await files.tensors.close();
        assert.equal(llamaConfigKey(second.config), llamaConfigKey(first.config));
        for (const [tensor, data] of Object.entries(first.params))
          assert.ok(Buffer.from(second.params[tensor].buffer).equals(Buffer.from(data.buffer)), tensor);
        // What transformers saved for the same model: the same tensors, shapes and dtypes.
        const reference = readReference(name).tensors;
        const exported = readSafetensorsHeader(path.join(dir, 'model.safetensors')).entries;
        const saved = Object.fromEntries(
          fs
            .readdirSync(fixtureDir(name))
            .filter((f) => f.startsWith('model') && f.endsWith('.safetensors'))
            .flatMap((f) => readSafetensorsHeader(path.join(fixtureDir(name), f)).entries)
            .map((e) => [e.name, e.dtype]),
        );
        const expectedNames = Object.keys(saved).sort();
        assert.deepEqual(exported.map((e) => e.name).sort(), expectedNames);
        for (const e of exported) {
          assert.deepEqual(e.shape, reference[e.name], e.name);
          assert.equal(e.dtype, saved[e.name], e.name);
        }
        for (const file of ['config.json', 'generation_config.json', 'tokenizer.json', 'tokenizer_config.json'])
          assert.ok(fs.existsSync(path.join(dir, file)), file);
      });
    });
  }

  test('a Llama-family model exports as a standalone ONNX model with the engine’s logits', async () => {
    const { config, params } = await importFixture('qwen3');
    const session = await ort.InferenceSession.create(exportPolicyOnnx(config as ModelConfig, params), {
      intraOpNumThreads: 1,
    });
    const ids = readReference('qwen3').ids;
    const out = await session.run({
      input_ids: new ort.Tensor('int64', BigInt64Array.from(ids.flat().map(BigInt)), [2, ids[0].length]),
    });
    await session.release();
    const diff = maxAbsDiff(out.logits.data as Float32Array, readReference('qwen3').arrays.logits);
    assert.ok(diff <= 1e-4, `max |logit diff| ${diff}`);
  });
});
