import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import * as ort from 'onnxruntime-node';

/** Where graphs run. CPU is the default and always available. */
export type Device = 'cpu' | 'cuda' | 'webgpu';
export const DEVICES: readonly Device[] = ['cpu', 'cuda', 'webgpu'];

export interface DeviceAvailability {
  device: Device;
  available: boolean;
  /** Why it is not available (absent when available). */
  reason?: string;
}

/** How to get each non-CPU provider, quoted in every "not available" error. */
export const INSTALL_HINTS: Record<Device, string> = {
  cpu: 'The CPU provider ships with onnxruntime-node.',
  cuda:
    'Install the CUDA provider with `npm install onnxruntime-node --onnxruntime-node-install=cuda12` ' +
    '(or ONNXRUNTIME_NODE_INSTALL=cuda12) on a Linux x64 machine with an NVIDIA driver, CUDA 12 and cuDNN 9.',
  webgpu:
    'WebGPU needs a GPU adapter visible to the process (Vulkan on Linux, D3D12 on Windows, Metal on macOS); ' +
    'onnxruntime-node bundles the provider itself.',
};

export class DeviceUnavailableError extends Error {
  constructor(
    readonly device: Device,
    readonly reason: string,
  ) {
    super(`Device "${device}" is not available: ${reason} ${INSTALL_HINTS[device]}`);
    this.name = 'DeviceUnavailableError';
  }
}

export function assertDevice(value: unknown): Device {
  if (typeof value === 'string' && (DEVICES as readonly string[]).includes(value)) return value as Device;
  throw new Error(`device must be one of ${DEVICES.join(', ')}; got ${JSON.stringify(value)}.`);
}

/** The native folder holding onnxruntime's shared libraries (provider libraries live beside it). */
function nativeLibraryFolder(): string {
  const require = createRequire(import.meta.url);
  const entry = require.resolve('onnxruntime-node');
  return path.join(path.dirname(entry), '..', 'bin', 'napi-v6', process.platform, process.arch);
}

/**
 * Cheap availability check that loads nothing: is the provider compiled into this build, and are
 * its shared libraries installed? It cannot see a missing driver; `probeDevice` can.
 */
export function deviceAvailability(device: Device): DeviceAvailability {
  if (device === 'cpu') return { device, available: true };
  let backends: Array<{ name: string; bundled: boolean }>;
  try {
    backends = ort.listSupportedBackends();
  } catch (error) {
    return {
      device,
      available: false,
      reason: `onnxruntime-node could not list its backends (${(error as Error).message}).`,
    };
  }
  const backend = backends.find((b) => b.name === device);
  if (!backend)
    return {
      device,
      available: false,
      reason: `this onnxruntime-node build for ${process.platform}/${process.arch} has no ${device} provider.`,
    };
  if (device === 'cuda' && !backend.bundled) {
    const library =
      process.platform === 'win32' ? 'onnxruntime_providers_cuda.dll' : 'libonnxruntime_providers_cuda.so';
    if (!fs.existsSync(path.join(nativeLibraryFolder(), library))) {
      return {
        device,
        available: false,
        reason: `the CUDA provider library (${library}) is not installed next to onnxruntime-node.`,
      };
    }
  }
  return { device, available: true };
}

/**
 * Threads inside one op: every core the process may use (os.availableParallelism), or
 * R1FLOW_INTRA_OP_THREADS=N. Results do not depend on the choice: the embedding gradient is a
 * ScatterElements (ScatterND's threads race on shared rows) and products whose thread split would
 * change their summation are rewritten at encoding (onnx/thread-stable-products.ts), so training
 * and rollouts give the same bytes on 1 thread as on all cores (thread-reproducibility test).
 */
export function defaultIntraOpThreads(): number {
  const fromEnv = Number(process.env.R1FLOW_INTRA_OP_THREADS);
  return Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : os.availableParallelism();
}

export interface SessionTuning {
  /** Threads inside one operator (CPU); defaults to defaultIntraOpThreads() (all cores). */
  intraOpThreads?: number;
  /** GPU ordinal for cuda/webgpu. */
  deviceId?: number;
  /** Default true: reuse buffer plans between runs of same-shaped inputs. */
  memoryPattern?: boolean;
  /** Default 'all'; 'disabled' helps when inspecting a graph. */
  graphOptimization?: 'disabled' | 'basic' | 'extended' | 'all';
  logSeverity?: 0 | 1 | 2 | 3 | 4;
  /** Turns on onnxruntime's profiler, writing its JSON trace to files with this prefix. */
  profileFilePrefix?: string;
}

/**
 * Session options for a device: providers in order (GPU first, CPU as the fallback for any op
 * the GPU provider lacks), all graph optimisations, one inter-op thread (our graphs are chains,
 * parallelism lives inside MatMul), and memory planning kept on.
 */
export function sessionOptionsFor(device: Device, tuning: SessionTuning = {}): ort.InferenceSession.SessionOptions {
  const threads = tuning.intraOpThreads ?? defaultIntraOpThreads();
  let executionProviders: ort.InferenceSession.ExecutionProviderConfig[];
  switch (device) {
    case 'cpu':
      executionProviders = ['cpu'];
      break;
    case 'cuda':
      executionProviders = [{ name: 'cuda', deviceId: tuning.deviceId ?? 0 }, 'cpu'];
      break;
    case 'webgpu':
      executionProviders = [
        {
          name: 'webgpu',
          ...(tuning.deviceId !== undefined ? { deviceId: tuning.deviceId } : {}),
        } as ort.InferenceSession.ExecutionProviderConfig,
        'cpu',
      ];
      break;
  }
  return {
    executionProviders,
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: tuning.graphOptimization ?? 'all',
    enableCpuMemArena: true,
    enableMemPattern: tuning.memoryPattern ?? true,
    logSeverityLevel: tuning.logSeverity ?? 3,
    // Every session has its own intra-op thread pool, whose threads spin for a while after a run
    // ends. A run of another session right after (the sampler's after the trainer's, a rollout
    // segment's after the start's) then shares the cores with those spinning threads and took
    // up to twice as long; stopping the spin when a run ends keeps it only inside runs.
    extra: { session: { force_spinning_stop: '1' } },
    ...(tuning.profileFilePrefix ? { enableProfiling: true, profileFilePrefix: tuning.profileFilePrefix } : {}),
  };
}

/** Checks that a device's provider is installed; a missing one is a DeviceUnavailableError that says how to install it. */
export function requireDevice(device: Device): Device {
  const availability = deviceAvailability(device);
  if (!availability.available) throw new DeviceUnavailableError(device, availability.reason!);
  return device;
}

export interface CreateSessionOptions extends SessionTuning {
  device: Device;
}

/**
 * The one way the engine opens an inference session: on the device the caller names. A provider
 * that is missing or fails to initialise becomes a `DeviceUnavailableError` that says how to
 * install it, never a bare native message.
 */
export async function createSession(
  model: Uint8Array | string,
  options: CreateSessionOptions,
): Promise<ort.InferenceSession> {
  const device = requireDevice(options.device);
  const sessionOptions = sessionOptionsFor(device, options);
  try {
    return typeof model === 'string'
      ? await ort.InferenceSession.create(model, sessionOptions)
      : await ort.InferenceSession.create(model, sessionOptions);
  } catch (error) {
    const message = (error as Error).message ?? String(error);
    if (device !== 'cpu' && /provider|adapter|shared library|cuda|webgpu|dawn/i.test(message)) {
      throw new DeviceUnavailableError(
        device,
        `onnxruntime could not start its ${device} provider (${firstLine(message)}).`,
      );
    }
    throw error;
  }
}

function firstLine(text: string): string {
  const line = text.split('\n').find((l) => l.trim().length > 0) ?? text;
  return line.length > 300 ? `${line.slice(0, 300)}…` : line.trim();
}
