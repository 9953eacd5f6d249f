import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  checkpointHash,
  loadCheckpoint,
  saveCheckpoint,
  type CheckpointBundle,
  type TensorMap,
} from '../../../../engine/checkpoint';
import { readSafetensorsFile } from '../../../../engine/safetensors';
import { CharTokenizer } from '../../../../engine/tokenizer';

function params(scale = 1): TensorMap {
  return new Map([
    ['wte', { data: Float32Array.from({ length: 12 }, (_, i) => (i - 6) * 0.125 * scale), shape: [4, 3] }],
    ['ln_f.bias', { data: new Float32Array([0.5, -0.5, 0]), shape: [3] }],
  ]);
}

function bundle(): CheckpointBundle {
  return {
    params: params(),
    optimizer: new Map([
      ['m.wte', { data: new Float32Array(12).fill(0.01), shape: [4, 3] }],
      ['step', { data: new BigInt64Array([42n]), shape: [] }],
    ]),
    config: { vocabSize: 4, dModel: 3, layers: 1, heads: 1 },
    tokenizer: new CharTokenizer(['a', 'b']).toJSON(),
    metadata: { stage: 'r1-zero', step: '42' },
  };
}

const sha = (bytes: Uint8Array | string) => createHash('sha256').update(bytes).digest('hex');

describe('checkpoint', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ckpt-'));
  test.after(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('save then load gives back every tensor, the config, tokenizer and metadata', () => {
    const original = bundle();
    const manifest = saveCheckpoint(path.join(dir, 'a'), original);
    const { bundle: loaded, manifest: reread } = loadCheckpoint(path.join(dir, 'a'));
    assert.deepEqual(reread, manifest);
    for (const kind of ['params', 'optimizer'] as const) {
      const want = original[kind]!;
      const got = loaded[kind]!;
      assert.deepEqual([...got.keys()].sort(), [...want.keys()].sort());
      for (const [name, tensor] of want) {
        assert.deepEqual(got.get(name)!.shape, tensor.shape, name);
        assert.deepEqual(got.get(name)!.data, tensor.data, name);
      }
    }
    assert.deepEqual(loaded.config, original.config);
    assert.equal(CharTokenizer.fromJSON(loaded.tokenizer).vocabSize, 9);
    assert.deepEqual(loaded.metadata, original.metadata);
    // The params file is plain safetensors with the metadata inside.
    const onDisk = readSafetensorsFile(path.join(dir, 'a', 'params.safetensors'));
    assert.equal(onDisk.metadata.stage, 'r1-zero');
    assert.equal(onDisk.tensors.get('wte')!.dtype, 'F32');
  });

  test('the bundle hash is sha256 over "name<TAB>sha256" lines of the files on disk', () => {
    const manifest = saveCheckpoint(path.join(dir, 'h'), bundle());
    const names = fs
      .readdirSync(path.join(dir, 'h'))
      .filter((n) => n !== 'manifest.json')
      .sort();
    assert.deepEqual(names, ['config.json', 'optimizer.safetensors', 'params.safetensors', 'tokenizer.json']);
    const lines = names.map((n) => `${n}\t${sha(fs.readFileSync(path.join(dir, 'h', n)))}\n`).join('');
    assert.equal(manifest.sha256, sha(lines));
    assert.equal(manifest.paramsSha256, sha(fs.readFileSync(path.join(dir, 'h', 'params.safetensors'))));
  });

  test('same contents give the same hash, whatever order they were built in', () => {
    const a = bundle();
    const b = bundle();
    b.params = new Map([...params()].reverse());
    b.config = { heads: 1, layers: 1, dModel: 3, vocabSize: 4 };
    assert.equal(checkpointHash(a), checkpointHash(b));
    const saved = saveCheckpoint(path.join(dir, 's'), a);
    assert.equal(saved.sha256, checkpointHash(b));
    const reloaded = loadCheckpoint(path.join(dir, 's')).bundle;
    assert.equal(checkpointHash(reloaded), saved.sha256);
  });

  test('any change of contents changes the hash', () => {
    const base = checkpointHash(bundle());
    const nudged = bundle();
    (nudged.params.get('wte')!.data as Float32Array)[5] += 2 ** -20;
    const other = bundle();
    other.metadata = { stage: 'r1-zero', step: '43' };
    const noOptimizer = bundle();
    delete noOptimizer.optimizer;
    assert.equal(new Set([base, checkpointHash(nudged), checkpointHash(other), checkpointHash(noOptimizer)]).size, 4);
  });

  test('re-saving without optimizer state removes the stale optimizer file', () => {
    const target = path.join(dir, 'r');
    saveCheckpoint(target, bundle());
    const slim = bundle();
    delete slim.optimizer;
    saveCheckpoint(target, slim);
    assert.equal(fs.existsSync(path.join(target, 'optimizer.safetensors')), false);
    assert.equal(loadCheckpoint(target).bundle.optimizer, undefined);
  });

  test('a corrupted, missing or incomplete checkpoint is refused naming the file', () => {
    const target = path.join(dir, 'c');
    saveCheckpoint(target, bundle());
    const file = path.join(target, 'params.safetensors');
    const bytes = fs.readFileSync(file);
    bytes[bytes.length - 1] ^= 1;
    fs.writeFileSync(file, bytes);
    assert.throws(() => loadCheckpoint(target), /params\.safetensors has sha256 [0-9a-f]{64}; the manifest says/);
    fs.rmSync(path.join(target, 'tokenizer.json'));
    fs.writeFileSync(file, bytes.subarray(0, 10));
    assert.throws(() => loadCheckpoint(target), /params\.safetensors has 10 bytes; the manifest says/);
    fs.rmSync(path.join(target, 'manifest.json'));
    assert.throws(() => loadCheckpoint(target), /has no manifest\.json/);
  });

  test('non-JSON config values are refused when saving', () => {
    const bad = bundle();
    bad.config = { lr: Number.NaN };
    assert.throws(() => checkpointHash(bad), /config\.lr is NaN/);
  });
});

describe('GPT checkpoint', () => {
  test('round trips config, params with their shapes, AdamW state and tokenizer', async () => {
    const { gptConfig, initParams } = await import('../../../../engine/model');
    const { createAdamWState, adamwStateToTensors } = await import('../../../../engine/optim');
    const { saveGptCheckpoint, loadGptCheckpoint, gptCheckpointHash } = await import('../../../../engine/checkpoint');
    const tokenizer = new CharTokenizer([...'0123456789+=']);
    const config = gptConfig({
      vocabSize: tokenizer.vocabSize,
      dModel: 16,
      nLayers: 1,
      nHeads: 2,
      dFF: 32,
      contextLength: 16,
    });
    const params = initParams(config, 5);
    const optimizer = adamwStateToTensors(createAdamWState(params));
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gpt-ckpt-'));
    try {
      const manifest = saveGptCheckpoint(dir, { config, params, optimizer, tokenizer, metadata: { step: '0' } });
      assert.equal(
        manifest.sha256,
        gptCheckpointHash({ config, params: initParams(config, 5), optimizer, tokenizer, metadata: { step: '0' } }),
      );
      const loaded = loadGptCheckpoint(dir);
      assert.deepEqual(loaded.config, config);
      assert.deepEqual(loaded.params, params);
      assert.deepEqual(loaded.optimizer, optimizer);
      assert.equal(loaded.tokenizer.decode(loaded.tokenizer.encode('12+3=15')), '12+3=15');
      const file = readSafetensorsFile(path.join(dir, 'params.safetensors'));
      assert.deepEqual(file.tensors.get('h.0.attn.qkv.weight')!.shape, [16, 48]);
      const moments = readSafetensorsFile(path.join(dir, 'optimizer.safetensors'));
      assert.deepEqual(moments.tensors.get('adamw.m.wte')!.shape, [tokenizer.vocabSize, 16]);
      assert.notEqual(
        manifest.sha256,
        gptCheckpointHash({ config, params: initParams(config, 6), optimizer, tokenizer, metadata: { step: '0' } }),
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
