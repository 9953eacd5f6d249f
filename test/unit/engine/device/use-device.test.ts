import assert from 'node:assert/strict';
import { test } from 'node:test';
import { currentDevice, DeviceUnavailableError, deviceAvailability, useDevice } from '../../../../engine/device';

test('useDevice refuses a provider this install lacks, says how to install it, and keeps the current device', () => {
  const before = currentDevice();
  for (const device of ['cuda', 'webgpu'] as const) {
    if (deviceAvailability(device).available) continue;
    assert.throws(
      () => useDevice(device),
      (err: unknown) =>
        err instanceof DeviceUnavailableError && err.name === 'DeviceUnavailableError' && /install/i.test(err.message),
    );
    assert.equal(currentDevice(), before);
  }
  useDevice('cpu');
  assert.equal(currentDevice(), 'cpu');
});
