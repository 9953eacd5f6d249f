// The S3 key layout, in one place. Everything a run writes lives under runs/<run>/ at keys fixed
// by (stage, step), so a retried or reset activity overwrites the same objects instead of adding
// new ones; a few objects live outside runs (the pretraining cache, lineage pointers, doctor
// probes). Run keys are given relative to runs/<run>/, as RunStore takes them.
import { joinKey, runPrefix, validateSegment } from './keys';

/** `step-000123`: zero-padded, so keys sort in step order. */
export function stepLabel(step: number): string {
  return `step-${String(step).padStart(6, '0')}`;
}

/** The keys of one run's objects, relative to runs/<run>/. */
export const runKeys = {
  manifest: () => 'manifest.json',
  /** a checkpoint folder: its files (manifest.json last) sit below it */
  checkpoint: (stage: string, step: number) => joinKey(stage, 'ckpt', stepLabel(step)),
  /**
   * the completions sampled at GRPO step `step` (0-based); a step sampled in shards writes one
   * object per shard, `…-shard-2-of-3.json` (1-based), and the unsharded key stays as it was
   */
  rollouts: (stage: string, step: number, shard?: { index: number; count: number }) =>
    joinKey(
      stage,
      'rollouts',
      shard === undefined || shard.count === 1
        ? `${stepLabel(step)}.json`
        : `${stepLabel(step)}-shard-${shard.index + 1}-of-${shard.count}.json`,
    ),
  /** the same rollouts with rewards and advantages */
  scored: (stage: string, step: number) => joinKey(stage, 'scored', `${stepLabel(step)}.json`),
  /** the metrics of the step that ended with `stepsDone` steps done (1-based, as the checkpoint) */
  stepMetrics: (stage: string, stepsDone: number) => joinKey(stage, 'metrics', `${stepLabel(stepsDone)}.json`),
  stepMetricsPrefix: (stage: string) => joinKey(stage, 'metrics', 'step-'),
  /** the loss curve of a pretraining or SFT stage */
  trainCurve: (stage: string) => joinKey(stage, 'metrics', 'train.json'),
  /** the filtered SFT data of cold start or rejection sampling */
  sftDataset: (stage: string) => joinKey(stage, 'dataset.json'),
  /** a held-out evaluation: 'base', a stage, or `<stage>-step-N` */
  evalResult: (label: string) => joinKey('eval', `${label}.json`),
  reportJson: () => joinKey('report', 'report.json'),
  /** the run's final policy as a Hugging Face folder (model.safetensors, config.json, tokenizer files) */
  exportHf: () => joinKey('export', 'hf'),
  reportHtml: () => joinKey('report', 'report.html'),
  /** everything a stage wrote sits under this prefix */
  stagePrefix: (stage: string) => `${joinKey(stage)}/`,
};

/** The step of a per-step metrics key (`…/metrics/step-000012.json` → 12), or undefined. */
export function stepOfMetricsKey(key: string): number | undefined {
  const m = /\/metrics\/step-(\d+)\.json$/.exec(key);
  return m ? Number(m[1]) : undefined;
}

/** The run that owns a key under runs/<run>/ (its manifest verifies the key), or undefined. */
export function owningRunOf(key: string): string | undefined {
  return /^runs\/([^/]+)\//.exec(key)?.[1];
}

/** Absolute keys of objects that live outside any one run. */
export const globalKeys = {
  runPrefix,
  /** the base model of a pretraining config, reused by any later run with the same settings */
  pretrainCache: (pretrainHash: string) =>
    joinKey('cache', 'pretrain', `${validateSegment(pretrainHash, 'hash')}.json`),
  /** a lineage's latest good final checkpoint, where scheduled retraining starts from */
  lineageLatest: (lineage: string) => joinKey('lineages', validateSegment(lineage, 'lineage'), 'latest.json'),
  doctorProbe: (probeId: string) => joinKey('doctor', `${validateSegment(probeId, 'probe id')}.bin`),
};
