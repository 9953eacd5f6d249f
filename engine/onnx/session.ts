// Create onnxruntime-node sessions from model bytes with the options the engine relies on.

import * as ort from 'onnxruntime-node';

export interface SessionConfig {
  /** Threads for one op; 2 suits the small CPU boxes this engine targets. */
  intraOpThreads?: number;
  /** Execution providers in priority order (engine/device decides these); default CPU. */
  executionProviders?: ort.InferenceSession.SessionOptions['executionProviders'];
  /** Extra or overriding session options. */
  extra?: ort.InferenceSession.SessionOptions;
}

let defaultProviders: ort.InferenceSession.SessionOptions['executionProviders'] = ['cpu'];

/** Providers for sessions that name none; set once per process by engine/device's useDevice. */
export function setDefaultExecutionProviders(providers: ort.InferenceSession.SessionOptions['executionProviders']): void {
  defaultProviders = providers;
}

export function sessionOptions(cfg: SessionConfig = {}): ort.InferenceSession.SessionOptions {
  return {
    executionProviders: cfg.executionProviders ?? defaultProviders,
    graphOptimizationLevel: 'all',
    intraOpNumThreads: cfg.intraOpThreads ?? 2,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    enableCpuMemArena: true,
    enableMemPattern: true,
    ...(cfg.extra ?? {}),
  };
}

export async function createSession(modelBytes: Uint8Array, cfg: SessionConfig = {}): Promise<ort.InferenceSession> {
  return ort.InferenceSession.create(modelBytes, sessionOptions(cfg));
}
