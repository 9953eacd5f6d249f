import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import {
  DeviceUnavailableError,
  assertDevice,
  createSession,
  deviceAvailability,
  probeDevice,
  probeModelBytes,
  sessionOptionsFor,
} from '../../../../engine/device';

describe('device', () => {
  test('cpu is always available and runs the probe model', async () => {
    assert.deepEqual(deviceAvailability('cpu'), { device: 'cpu', available: true });
    assert.deepEqual(await probeDevice('cpu'), { device: 'cpu', available: true });
  });

  test('session options are tuned per device', () => {
    const cpu = sessionOptionsFor('cpu', { intraOpThreads: 3 });
    assert.deepEqual(cpu.executionProviders, ['cpu']);
    assert.equal(cpu.intraOpNumThreads, 3);
    // threads stop spinning when a run ends, so that they do not slow the next session's run
    for (const options of [cpu, sessionOptionsFor('cuda'), sessionOptionsFor('webgpu')])
      assert.deepEqual(options.extra, { session: { force_spinning_stop: '1' } });
    assert.equal(cpu.graphOptimizationLevel, 'all');
    assert.equal(cpu.enableMemPattern, true);
    const cuda = sessionOptionsFor('cuda', { deviceId: 1 });
    assert.deepEqual(cuda.executionProviders, [{ name: 'cuda', deviceId: 1 }, 'cpu']);
    assert.equal((sessionOptionsFor('webgpu').executionProviders![0] as { name: string }).name, 'webgpu');
  });

  test('an unknown device name is refused', () => {
    assert.equal(assertDevice('cuda'), 'cuda');
    assert.throws(() => assertDevice('tpu'), /device must be one of cpu, cuda, webgpu; got "tpu"/);
  });

  test('the unavailable-provider error names how to install it', () => {
    const error = new DeviceUnavailableError('cuda', 'the CUDA provider library is not installed.');
    assert.match(error.message, /Device "cuda" is not available: the CUDA provider library is not installed\./);
    assert.match(error.message, /--onnxruntime-node-install=cuda12/);
  });

  // On a machine without the CUDA provider (like CI) this exercises the real refusal path;
  // where CUDA works, the session must open instead.
  test('asking for cuda either works or fails with the install hint, without crashing', async () => {
    const probed = await probeDevice('cuda');
    if (probed.available) {
      const session = await createSession(probeModelBytes(), { device: 'cuda' });
      assert.ok(session.inputNames.includes('x'));
      await session.release();
    } else {
      assert.ok(probed.reason && probed.reason.length > 0);
      await assert.rejects(createSession(probeModelBytes(), { device: 'cuda' }), (error: unknown) => {
        assert.ok(error instanceof DeviceUnavailableError);
        assert.match((error as Error).message, /onnxruntime-node-install=cuda12/);
        return true;
      });
    }
  });

  test('asking for webgpu either works or fails with a DeviceUnavailableError', async () => {
    const probed = await probeDevice('webgpu');
    if (!probed.available) {
      await assert.rejects(createSession(probeModelBytes(), { device: 'webgpu' }), DeviceUnavailableError);
    } else {
      assert.equal(probed.device, 'webgpu');
    }
  });
});
