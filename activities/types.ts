// The data that crosses the workflow/activity boundary: ids, small numbers and S3 references —
// never tensors, datasets or rollouts (Temporal payloads are limited to 2 MB).
import type { PipelineConfig, StageName } from '../recipe/config/schema';
import type { CheckpointRef } from '../storage/manifest';

export type { CheckpointRef } from '../storage/manifest';

export interface RunContext {
  runId: string;
  config: PipelineConfig;
}

export interface StageContext extends RunContext {
  stage: StageName;
}

export interface InitRunInput extends RunContext {
  /** the config as the user gave it (preset name and overrides), kept in the manifest */
  rawConfig: unknown;
}

export interface InitRunResult {
  /** stages already finished: from `resumeFrom`, or from this run's own manifest after a reset */
  doneStages: Partial<Record<StageName, CheckpointRef>>;
  /** where the base model comes from when pretraining is not needed */
  base?: { ref: CheckpointRef; source: 'baseCheckpoint' | 'pretrain-cache' | 'lineage' };
  /** config hash used for the pretraining cache */
  pretrainHash: string;
}

export interface RolloutsInput extends StageContext {
  step: number;
  policy: CheckpointRef;
}

export interface RolloutsResult {
  /** key of the rollouts object in S3 (JSON lines) */
  rolloutsKey: string;
  samples: number;
  meanLength: number;
  truncatedFraction: number;
}

export interface ScoreInput extends StageContext {
  step: number;
  rolloutsKey: string;
}

export interface ScoreResult {
  scoredKey: string;
  metrics: Record<string, number>;
  /** samples left for the update after dynamic sampling; 0 means the step has nothing to learn */
  usableSamples: number;
}

/** Training activities report each step to the pipeline workflow with this id (see activities/progress). */
export interface ReportsProgress {
  progressTo?: string;
}

export interface UpdateInput extends StageContext, ReportsProgress {
  step: number;
  totalSteps: number;
  policy: CheckpointRef;
  reference?: CheckpointRef;
  scoredKey: string;
  /** the score step's metrics, stored with the checkpoint so a curve has all of a step's numbers */
  scoreMetrics: Record<string, number>;
}

export interface SftDataInput extends StageContext {
  /** the policy that generates candidates (R1-Zero for cold start, reasoning RL for rejection) */
  policy: CheckpointRef;
}

export interface SftDataResult {
  datasetKey: string;
  examples: number;
  report: Record<string, number>;
}

export interface SftInput extends StageContext, ReportsProgress {
  init: CheckpointRef;
  datasetKey: string;
}

export interface PretrainInput extends StageContext, ReportsProgress {
  pretrainHash: string;
}

export interface EvaluateInput extends StageContext {
  policy: CheckpointRef;
  /** 'base' for the model before any RL, otherwise the stage */
  label: string;
}

export type EvalMetrics = Record<string, number>;

export interface ReportInput extends RunContext {
  stages: Partial<Record<StageName, CheckpointRef>>;
  uiUrl?: string;
}

export interface ReportResult {
  htmlUri: string;
  jsonUri: string;
  targetsMet: number;
  targetsTotal: number;
}
