import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DeviceUnavailableError, deviceAvailability } from '../../../../engine/device';
import { gptConfig, initParams } from '../../../../engine/model';
import { EngineRuntime } from '../../../../engine/runtime';

test('a runtime on a device this install lacks is refused with how to install it', () => {
  let checked = 0;
  for (const device of ['cuda', 'webgpu'] as const) {
    if (deviceAvailability(device).available) continue;
    checked++;
    assert.throws(
      () => new EngineRuntime(device),
      (err: unknown) =>
        err instanceof DeviceUnavailableError &&
        err.name === 'DeviceUnavailableError' &&
        err.message.includes(`"${device}"`) &&
        /install/i.test(err.message),
    );
  }
  // a machine with both GPU providers installed has nothing to refuse; this one has neither
  assert.ok(checked > 0 || deviceAvailability('cuda').available);
});

test('one trainer and one sampler per model config, reused across checkpoints', async () => {
  const engine = new EngineRuntime('cpu', { intraOpThreads: 1 });
  try {
    const cfg = gptConfig({ vocabSize: 12, dModel: 8, nLayers: 1, nHeads: 2, dFF: 16, contextLength: 16 });
    const other = gptConfig({ ...cfg, nLayers: 2 });
    assert.equal(engine.device, 'cpu');
    assert.equal(engine.trainer(cfg), engine.trainer({ ...cfg }));
    assert.notEqual(engine.trainer(cfg), engine.trainer(other));
    const a = engine.sampler(cfg, initParams(cfg, 1));
    assert.equal(engine.sampler(cfg, initParams(cfg, 2)), a);
    assert.notEqual(engine.sampler(other, initParams(other, 1)), a);
  } finally {
    await engine.release();
  }
});
