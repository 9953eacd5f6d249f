// Everything compiled for one device, in one object a worker owns: sessions by graph, a trainer
// and a sampler per model config. Nothing in the engine is process-global, so a worker serving
// runs on two devices keeps two runtimes, and a test or a bench builds its own and releases it.
import { defaultIntraOpThreads, requireDevice, type Device, type SessionTuning } from '../device';
import { modelConfigKey, type ModelConfig, type Params } from '../model';
import { modelDecoder, RolloutSampler } from '../sampler';
import { createTrainer, SessionCache, type Trainer } from '../train';

export class EngineRuntime {
  readonly device: Device;
  readonly tuning: SessionTuning;
  private readonly sessions: SessionCache;
  private readonly trainers = new Map<string, Trainer>();
  private readonly samplers = new Map<string, RolloutSampler>();

  /** Throws a DeviceUnavailableError (saying how to install the provider) when the device is missing. */
  constructor(device: Device = 'cpu', tuning: SessionTuning = {}) {
    this.device = requireDevice(device);
    this.tuning = { intraOpThreads: defaultIntraOpThreads(), ...tuning };
    this.sessions = new SessionCache(this.device, this.tuning);
  }

  /** The trainer of a model config; its graphs compile once and serve every checkpoint. */
  trainer(config: ModelConfig): Trainer {
    const key = modelConfigKey(config);
    let trainer = this.trainers.get(key);
    if (!trainer) {
      trainer = createTrainer(config, this.sessions);
      this.trainers.set(key, trainer);
    }
    return trainer;
  }

  /** The rollout sampler of a model config, loaded with `params`. */
  sampler(config: ModelConfig, params: Params): RolloutSampler {
    const key = modelConfigKey(config);
    let sampler = this.samplers.get(key);
    if (!sampler) {
      sampler = RolloutSampler.create(modelDecoder(config), params, { ...this.tuning, device: this.device });
      this.samplers.set(key, sampler);
    } else sampler.setParams(params);
    return sampler;
  }

  /** Releases every compiled session (end of a test, a bench or a worker). */
  async release(): Promise<void> {
    for (const sampler of this.samplers.values()) await sampler.release();
    this.samplers.clear();
    this.trainers.clear();
    await this.sessions.release();
  }
}
