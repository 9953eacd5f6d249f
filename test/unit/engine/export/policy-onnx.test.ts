import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { exportPolicyOnnx, writePolicyOnnx } from '../../../../engine/export';
import { fullForward, maxAbsDiff, peakedModel } from '../graph-helpers';

describe('standalone ONNX export', () => {
  test('runs in a fresh session from a file and gives the same logits as the engine graph', async () => {
    const { cfg, params } = peakedModel({ tiedEmbeddings: false });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'export-'));
    try {
      const file = path.join(dir, 'policy.onnx');
      const bytes = writePolicyOnnx(file, cfg, params);
      assert.equal(fs.statSync(file).size, bytes);
      const session = await ort.InferenceSession.create(file, { intraOpNumThreads: 1 });
      assert.deepEqual(session.inputNames, ['input_ids']);
      assert.deepEqual(session.outputNames, ['logits']);
      const rows = [
        [1, 7, 8, 9, 10],
        [1, 11, 12, 13, 2],
      ];
      const result = await session.run({
        input_ids: new ort.Tensor('int64', BigInt64Array.from(rows.flat().map(BigInt)), [2, 5]),
      });
      assert.deepEqual(result.logits.dims, [2, 5, cfg.vocabSize]);
      const expected = await fullForward(cfg, params, rows);
      const got = result.logits.data as Float32Array;
      let worst = 0;
      rows.forEach((row, b) =>
        row.forEach((_, t) => {
          const offset = (b * row.length + t) * cfg.vocabSize;
          worst = Math.max(worst, maxAbsDiff(got.subarray(offset, offset + cfg.vocabSize), expected[b][t]));
        }),
      );
      assert.ok(worst <= 1e-5, `max abs diff ${worst}`);
      await session.release();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('the weights live inside the model and the config travels in its doc string', () => {
    const { cfg, params } = peakedModel();
    const bytes = exportPolicyOnnx(cfg, params);
    const parameterBytes = Object.values(params).reduce((s, a) => s + a.byteLength, 0);
    assert.ok(bytes.byteLength > parameterBytes);
    assert.ok(Buffer.from(bytes).includes(Buffer.from(`"dModel":${cfg.dModel}`)));
  });

  test('missing parameters are refused', () => {
    const { cfg, params } = peakedModel();
    const { wpe: _dropped, ...rest } = params;
    assert.throws(() => exportPolicyOnnx(cfg, rest), /'wpe' is missing/);
  });
});
