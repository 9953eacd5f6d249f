// What crosses the workflow/activity boundary: ids, small numbers and S3 references — never
// tensors, datasets or rollouts (Temporal payloads are limited to 2 MB) — and the activity
// interfaces that workflows call and the activities/ implement.
import type { PipelineConfig, StageName } from '../recipe/config/schema';
import type { EvalSummary } from '../recipe/eval/metrics';
import type { StepMetrics } from '../recipe/metrics';
import type { DatasetReport } from '../steps/datasets';
import type { RolloutShard } from '../steps/rollout';
import type { CheckpointRef } from '../storage/manifest';
import type { ReportLink } from './progress';
import type { StageResult } from './stages';

export type { CheckpointRef } from '../storage/manifest';

/**
 * Failure types that retrying cannot fix (a bad config, bad data, a checksum mismatch, a missing
 * object, a device the worker lacks): activities fail at once with them, and the run waits.
 */
export const NON_RETRYABLE_ERRORS = [
  'ConfigError',
  'BadDataError',
  'ChecksumMismatchError',
  'InvalidKeyError',
  'ManifestError',
  'ObjectNotFoundError',
  'DeviceUnavailableError',
];

/**
 * Failures of a stored object that re-running from an earlier checkpoint repairs: a checkpoint,
 * rollouts or scored batch that no longer matches its manifest entry, or went missing. Every
 * GRPO object sits at a key fixed by (stage, step), so re-running the steps from the newest
 * checkpoint that still verifies writes the same bytes again.
 */
export const REPAIRABLE_STORAGE_ERRORS = ['ChecksumMismatchError', 'ObjectNotFoundError', 'ManifestError'];

/**
 * True when the failure (or what it wraps: activity and child failures) is a repairable storage
 * error about an object of this run: its message names the key (storage/errors), and only what
 * the run wrote itself can be written again. A missing dataset or another run's checkpoint is
 * for a person to fix.
 */
export function isRepairableStorageFailure(err: unknown, runId: string): boolean {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 8; depth++) {
    const type = (e as { type?: unknown }).type;
    if (REPAIRABLE_STORAGE_ERRORS.includes(typeof type === 'string' ? type : e.name))
      return e.message.includes(`runs/${runId}/`);
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

export interface RunContext {
  runId: string;
  config: PipelineConfig;
}

export interface StageContext extends RunContext {
  stage: StageName;
}

// ---- control queue ------------------------------------------------------------------------

export interface InitRunInput extends RunContext {
  /** the config as the user gave it (preset name and overrides), kept in the manifest */
  rawConfig: unknown;
}

export interface InitRunResult {
  /** stages already finished: from `resumeFrom`, or from this run's own manifest after a reset */
  doneStages: Partial<Record<StageName, StageResult>>;
  /** where the base model comes from when pretraining is not needed */
  base?: { ref: CheckpointRef; source: 'baseCheckpoint' | 'pretrain-cache' | 'lineage' };
  /** config hash used for the pretraining cache */
  pretrainHash: string;
}

export interface RecordStageInput {
  runId: string;
  stage: StageName;
  result: StageResult;
}

export interface ScoreInput extends StageContext {
  step: number;
}

export interface ScoreResult {
  scoredKey: string;
  metrics: StepMetrics;
  /** samples left for the update after dynamic sampling; 0 means the step has nothing to learn */
  usableSamples: number;
}

export interface ResumePointInput extends StageContext {
  /** the resume point's step is at most this (the iteration that failed) */
  atMostStep: number;
  /** the policy the stage started from: the resume point at step 0 */
  init?: CheckpointRef;
  /**
   * Only a point whose policy one step earlier verifies too, returned as `previous`: a loop one
   * step off-policy samples the point's step from it.
   */
  withPrevious?: boolean;
}

/** Where a GRPO loop can go on from after a stored object failed to verify. */
export interface ResumePoint {
  iteration: number;
  policy: CheckpointRef;
  /** with `withPrevious`: the policy one update before `policy` (at iteration 0, `policy` itself) */
  previous?: CheckpointRef;
}

export interface FinishRunInput extends RunContext {
  stages: Partial<Record<StageName, StageResult>>;
}

export interface ReportInput extends RunContext {
  stages: Partial<Record<StageName, StageResult>>;
}

export interface ReportResult {
  htmlUri: string;
  jsonUri: string;
  targetsMet: number;
  targetsTotal: number;
  /** report.html as a presigned URL; absent when the worker's S3 client cannot sign one */
  link?: ReportLink;
  /** the exported model, once the manifest records one (see storage/manifest `exportedModelOf`) */
  exportedModelUri?: string;
}

export interface ControlActivities {
  /** reads the run manifest, records the config and finds what can be reused */
  initRun(input: InitRunInput): Promise<InitRunResult>;
  /** records a finished stage in the run manifest */
  recordStage(input: RecordStageInput): Promise<void>;
  /** scores a GRPO step's rollouts and computes advantages */
  scoreRollouts(input: ScoreInput): Promise<ScoreResult>;
  /**
   * The newest checkpoint of a stage, at or below a step, whose every object verifies against
   * the run manifest (or the stage's init at step 0); undefined when none does.
   */
  findResumePoint(input: ResumePointInput): Promise<ResumePoint | undefined>;
  /** records the final checkpoint and moves the lineage pointer */
  finishRun(input: FinishRunInput): Promise<void>;
  /** writes report.json and report.html under the run (after every stage, and once more at the end) */
  buildReport(input: ReportInput): Promise<ReportResult>;
}

// ---- gpu queue ----------------------------------------------------------------------------

export interface PretrainInput extends StageContext {
  pretrainHash: string;
}

export interface RolloutsInput extends StageContext {
  step: number;
  policy: CheckpointRef;
  /** the part of the step's prompt groups to sample (grpo.rolloutShards > 1); the whole step when absent */
  shard?: RolloutShard;
}

export interface RolloutsResult {
  /** key of the rollouts object in S3 */
  rolloutsKey: string;
  samples: number;
  meanLength: number;
  truncatedFraction: number;
}

/** One whole GRPO step: its rollouts, their scores and the update, from `policy` at `step`. */
export interface GrpoStepInput extends StageContext {
  step: number;
  totalSteps: number;
  policy: CheckpointRef;
  reference?: CheckpointRef;
}

export interface UpdateInput extends GrpoStepInput {
  /** the score step's metrics, stored with the checkpoint so a curve has all of a step's numbers */
  scoreMetrics: StepMetrics;
  /**
   * Updates made since the policy that sampled the step's rollouts: 1 when the policy before
   * `policy` sampled them (grpo.staleness 1); absent or 0 when `policy` itself did.
   */
  staleness?: number;
}

/**
 * What a grpoStep attempt heartbeats: the phase it reached. A retry that finds the step scored
 * goes straight to the update (the rollouts and scores are in S3 under the step's keys).
 */
export interface GrpoStepProgress {
  step: number;
  phase: 'rollouts' | 'update';
  /** the score step's metrics, once scored */
  scoreMetrics?: StepMetrics;
}

export interface SftDataInput extends StageContext {
  /** the policy that generates candidates (R1-Zero for cold start, reasoning RL for rejection) */
  policy: CheckpointRef;
}

export interface SftDataResult {
  datasetKey: string;
  examples: number;
  report: DatasetReport;
}

export interface SftInput extends StageContext {
  init: CheckpointRef;
}

export interface EvaluateInput extends StageContext {
  policy: CheckpointRef;
  /** 'base' for the model before any RL, otherwise the stage (or `<stage>-step-N` mid-stage) */
  label: string;
}

export interface ExportInput extends RunContext {
  /** the checkpoint to export (the run's final policy) */
  policy: CheckpointRef;
}

/** A Hugging Face folder in S3 that transformers loads: `runs/<run>/export/hf/`. */
export interface ExportResult {
  uri: string;
  key: string;
  /** the checkpoint it was exported from */
  sha256: string;
  files: string[];
}

export interface GpuActivities {
  pretrain(input: PretrainInput): Promise<CheckpointRef>;
  rollouts(input: RolloutsInput): Promise<RolloutsResult>;
  policyUpdate(input: UpdateInput): Promise<CheckpointRef>;
  /**
   * rollouts → score → update of an unsharded step in one activity: the same work and the same
   * objects as the three calls, two task round trips fewer per step
   */
  grpoStep(input: GrpoStepInput): Promise<CheckpointRef>;
  buildSftData(input: SftDataInput): Promise<SftDataResult>;
  sft(input: SftInput): Promise<CheckpointRef>;
  evaluate(input: EvaluateInput): Promise<EvalSummary>;
  /** writes the policy as a Hugging Face folder under the run (export/hf/) and records it in the manifest */
  exportModel(input: ExportInput): Promise<ExportResult>;
}

// ---- doctor (both queues) -----------------------------------------------------------------

export interface StorageProbe {
  key: string;
  bytes: number;
  sha256: string;
  verified: boolean;
}

export interface WorkerProbe {
  queue: string;
  hostname: string;
  pid: number;
  node: string;
}

export interface DoctorActivities {
  /** writes a random object, reads it back verified by sha256, then deletes it */
  storageRoundTrip(probeId: string): Promise<StorageProbe>;
  workerProbe(): Promise<WorkerProbe>;
}

export interface DoctorReport {
  storage: StorageProbe;
  controlWorker: WorkerProbe;
  gpuWorker: WorkerProbe;
}

/**
 * The doctor workflow's name and signature, for clients that check a deployment without loading
 * workflow code (infra/doctor): `client.workflow.execute<DoctorWorkflow>(DOCTOR_WORKFLOW, …)`.
 */
export const DOCTOR_WORKFLOW = 'doctorWorkflow';
export type DoctorWorkflow = (probeId: string) => Promise<DoctorReport>;
