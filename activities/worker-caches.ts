// What a worker process keeps between activities, in one object: the engine runtime of each
// device (compiled sessions, trainers, samplers), recent policies by checkpoint sha256, the
// tokenized pretraining corpus and loaded datasets, and the capped checkpoint cache on disk.
// Nothing here is needed for correctness — a fresh worker rebuilds it all from S3 and the config —
// it only saves reloading and recompiling.
import { EngineRuntime, type Device } from '../engine';
import { CheckpointDiskCache, DEFAULT_CACHE_MAX_BYTES } from './checkpoint-cache';
import type { Problem } from '../recipe/task/types';
import type { Policy } from '../steps';

/** Bytes a policy holds in memory: its parameters and optimizer moments. */
function policyBytes(policy: Policy): number {
  const sum = (t: Record<string, Float32Array>) => Object.values(t).reduce((n, a) => n + a.byteLength, 0);
  return sum(policy.params) + (policy.optimizer ? sum(policy.optimizer.m) + sum(policy.optimizer.v) : 0);
}

/**
 * In-memory policies by checkpoint sha256; small, since each holds a whole model: at most
 * `capacity` of them and, beyond the newest, at most `maxBytes` in all (a real model's policy
 * with its AdamW moments is gigabytes).
 */
export class PolicyCache {
  private readonly entries = new Map<string, Policy>();
  constructor(
    private readonly capacity = 4,
    private readonly maxBytes = 2 * 2 ** 30,
  ) {}

  get(sha256: string): Policy | undefined {
    const p = this.entries.get(sha256);
    if (p) {
      this.entries.delete(sha256);
      this.entries.set(sha256, p);
    }
    return p;
  }

  put(sha256: string, policy: Policy): void {
    this.entries.delete(sha256);
    this.entries.set(sha256, policy);
    const total = () => [...this.entries.values()].reduce((n, p) => n + policyBytes(p), 0);
    while (this.entries.size > this.capacity || (this.entries.size > 1 && total() > this.maxBytes))
      this.entries.delete(this.entries.keys().next().value!);
  }
}

export class WorkerCaches {
  readonly policies = new PolicyCache();
  /** tokenized pretraining corpora by `pretrainCorpusKey` */
  readonly corpora = new Map<string, number[][]>();
  /** parsed reasoning datasets by source settings */
  readonly datasets = new Map<string, Problem[]>();
  private readonly engines = new Map<Device, EngineRuntime>();
  private readonly disks = new Map<string, CheckpointDiskCache>();

  /** The checkpoint cache under a worker's cache folder, capped at `maxBytes` (activities/checkpoint-cache). */
  checkpointCache(root: string, maxBytes = DEFAULT_CACHE_MAX_BYTES): CheckpointDiskCache {
    let cache = this.disks.get(root);
    if (!cache) {
      cache = new CheckpointDiskCache(root, maxBytes);
      this.disks.set(root, cache);
    }
    return cache;
  }

  /** The runtime of a device, created on first use (a missing provider is a DeviceUnavailableError). */
  engine(device: Device): EngineRuntime {
    let engine = this.engines.get(device);
    if (!engine) {
      engine = new EngineRuntime(device);
      this.engines.set(device, engine);
    }
    return engine;
  }

  async release(): Promise<void> {
    for (const engine of this.engines.values()) await engine.release();
    this.engines.clear();
  }
}
