// Create onnxruntime-node sessions from model bytes with the options the engine relies on.

import * as ort from 'onnxruntime-node';

export interface SessionConfig {
  /** Threads for one op; default defaultIntraOpThreads(). */
  intraOpThreads?: number;
  /** Execution providers in priority order (engine/device decides these); default CPU. */
  executionProviders?: ort.InferenceSession.SessionOptions['executionProviders'];
  /** Extra or overriding session options. */
  extra?: ort.InferenceSession.SessionOptions;
}

/**
 * Threads inside one op. Default 1: with more, onnxruntime's CPU reductions split their work
 * differently from run to run, and a few hundred training steps later two runs of the same seed
 * differ (measured on the tiny preset: 30 pretraining steps already gave different hashes with
 * 2 threads, identical ones with 1). Bitwise reproducibility is what makes resume exact, so speed
 * from more threads is opt-in: R1FLOW_INTRA_OP_THREADS=N.
 */
export function defaultIntraOpThreads(): number {
  const fromEnv = Number(process.env.R1FLOW_INTRA_OP_THREADS);
  return Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : 1;
}

let defaultProviders: ort.InferenceSession.SessionOptions['executionProviders'] = ['cpu'];

/** Providers for sessions that name none; set once per process by engine/device's useDevice. */
export function setDefaultExecutionProviders(
  providers: ort.InferenceSession.SessionOptions['executionProviders'],
): void {
  defaultProviders = providers;
}

export function sessionOptions(cfg: SessionConfig = {}): ort.InferenceSession.SessionOptions {
  return {
    executionProviders: cfg.executionProviders ?? defaultProviders,
    graphOptimizationLevel: 'all',
    intraOpNumThreads: cfg.intraOpThreads ?? defaultIntraOpThreads(),
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
