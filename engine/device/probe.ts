import * as ort from 'onnxruntime-node';
import {
  createSession,
  DEVICES,
  DeviceUnavailableError,
  deviceAvailability,
  type Device,
  type DeviceAvailability,
} from './devices';
import { probeModelBytes } from './probe-model';

/**
 * Finds out for certain whether a device works by opening a one-op session on it and running it.
 * Never throws: failures come back as `available: false` with the reason.
 */
export async function probeDevice(device: Device): Promise<DeviceAvailability> {
  const quick = deviceAvailability(device);
  if (!quick.available) return quick;
  try {
    const session = await createSession(probeModelBytes(), { device, intraOpThreads: 1 });
    try {
      const result = await session.run({ x: new ort.Tensor('float32', new Float32Array([1.5]), [1]) });
      const y = (result.y.data as Float32Array)[0];
      if (y !== 3) return { device, available: false, reason: `the probe model computed ${y} instead of 3.` };
    } finally {
      await session.release();
    }
    return { device, available: true };
  } catch (error) {
    const reason = error instanceof DeviceUnavailableError ? error.reason : (error as Error).message;
    return { device, available: false, reason };
  }
}

/** Probes every device; handy for a CLI `doctor` command. */
export async function probeAllDevices(): Promise<DeviceAvailability[]> {
  const results: DeviceAvailability[] = [];
  for (const device of DEVICES) results.push(await probeDevice(device));
  return results;
}
