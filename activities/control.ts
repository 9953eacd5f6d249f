// Activities of the control queue: cheap CPU work and bookkeeping — the run manifest, scoring,
// the lineage pointer and the report.
import type {
  ControlActivities,
  FinishRunInput,
  InitRunInput,
  InitRunResult,
  RecordStageInput,
  ReportInput,
  ReportResult,
  ResumePoint,
  ResumePointInput,
  ScoreInput,
  ScoreResult,
} from '../contracts/activities';
import type { ReportLink } from '../contracts/progress';
import { finalResultOf, type StageResult } from '../contracts/stages';
import { CHECKPOINT_FILES } from '../engine/checkpoint';
import { CORPUS_VERSION } from '../recipe';
import { configHash, isBaseModel, STAGE_NAMES, type PipelineConfig, type StageName } from '../recipe/config';
import { ObjectNotFoundError } from '../storage/errors';
import { joinKey, parseS3Uri, validateSegment } from '../storage/keys';
import { globalKeys } from '../storage/layout';
import { CheckpointRefSchema, readManifest, updateManifest, type CheckpointRef } from '../storage/manifest';
import { presignedGetUrl } from '../storage/presign';
import type { ActivityDeps } from './deps';
import { findResumePoint } from './checkpoint-recovery';
import { BadDataError } from './errors';
import { writeRunReport } from './report-data';
import { scoreStep } from './score-step';

/**
 * The settings that decide what pretraining produces: equal hash, reusable base model. The corpus
 * version stands for the generator's code, so a base model cached before the corpus changed is
 * not reused.
 */
export function pretrainHashOf(cfg: PipelineConfig): string {
  return configHash({
    corpus: CORPUS_VERSION,
    seed: cfg.seed,
    task: cfg.task,
    model: cfg.model,
    pretrain: { ...cfg.stages.pretrain, enabled: true },
  });
}

export function createControlActivities(deps: ActivityDeps): ControlActivities {
  /** report.html as a browser link; without a read-only link credential there is none, and the run goes on. */
  async function reportLink(htmlKey: string): Promise<ReportLink | undefined> {
    if (!deps.store.linkSigner) return undefined;
    try {
      return await presignedGetUrl(deps.store, htmlKey);
    } catch (err) {
      deps.log.warn({ err, key: htmlKey }, 'cannot presign a report link; the details show the s3:// URI only');
      return undefined;
    }
  }

  /** A stored checkpoint reference, if it parses and its checkpoint still exists. */
  async function readRef(key: string): Promise<CheckpointRef | undefined> {
    let text: string;
    try {
      text = (await deps.store.getBytes(key)).toString('utf8');
    } catch (err) {
      if (err instanceof ObjectNotFoundError) return undefined;
      throw err;
    }
    const parsed = CheckpointRefSchema.safeParse(JSON.parse(text));
    if (!parsed.success)
      throw new BadDataError(`object ${key} is not a checkpoint reference: ${parsed.error.issues[0]?.message}`);
    return (await deps.store.exists(joinKey(parsed.data.key, CHECKPOINT_FILES.manifest))) ? parsed.data : undefined;
  }

  /** A checkpoint given by URI (baseCheckpoint): its own manifest.json supplies the sha256. */
  async function refFromUri(uri: string): Promise<CheckpointRef> {
    const { bucket, key } = parseS3Uri(uri.replace(/\/+$/, ''));
    if (bucket !== deps.store.bucket)
      throw new BadDataError(
        `baseCheckpoint ${uri} is in bucket ${bucket}, but this worker uses bucket ${deps.store.bucket}`,
      );
    const manifestKey = joinKey(key, CHECKPOINT_FILES.manifest);
    let manifest: { sha256?: string; metadata?: Record<string, string> };
    try {
      manifest = JSON.parse((await deps.store.getBytes(manifestKey)).toString('utf8'));
    } catch (err) {
      if (err instanceof ObjectNotFoundError)
        throw new BadDataError(
          `baseCheckpoint ${uri} has no ${CHECKPOINT_FILES.manifest}: it is not an r1flow checkpoint`,
        );
      throw err;
    }
    if (typeof manifest.sha256 !== 'string') throw new BadDataError(`${manifestKey} has no sha256`);
    return {
      uri: `${deps.store.uri(key)}/`,
      key,
      sha256: manifest.sha256,
      step: Number(manifest.metadata?.step ?? 0) || 0,
      metrics: {},
    };
  }

  return {
    async initRun(input: InitRunInput): Promise<InitRunResult> {
      const cfg = input.config;
      const pretrainHash = pretrainHashOf(cfg);
      const doneStages: Partial<Record<StageName, StageResult>> = {};
      const own = await readManifest(deps.store, input.runId);
      // stages this run already finished (a reset or a re-run of the same workflow id)
      for (const stage of STAGE_NAMES) {
        const entry = own?.stages[stage];
        if (entry?.status === 'done' && entry.checkpoint) doneStages[stage] = stageResultOf(entry);
      }
      if (cfg.resumeFrom) {
        const previous = await readManifest(deps.store, validateSegment(cfg.resumeFrom, 'resumeFrom run id'));
        if (!previous)
          throw new BadDataError(`resumeFrom: run ${cfg.resumeFrom} has no manifest in bucket ${deps.store.bucket}`);
        const rerunFrom = cfg.rerunFrom ? STAGE_NAMES.indexOf(cfg.rerunFrom) : STAGE_NAMES.length;
        STAGE_NAMES.forEach((stage, i) => {
          const entry = previous.stages[stage];
          if (i < rerunFrom && entry?.status === 'done' && entry.checkpoint && !doneStages[stage])
            doneStages[stage] = stageResultOf(entry);
        });
      }
      let base: InitRunResult['base'];
      if (!doneStages.pretrain) {
        if (cfg.baseCheckpoint) base = { ref: await refFromUri(cfg.baseCheckpoint), source: 'baseCheckpoint' };
        else if (cfg.lineage) {
          const ref = await readRef(globalKeys.lineageLatest(cfg.lineage));
          if (ref) base = { ref, source: 'lineage' };
        }
        // a base model named in the config is imported by the pretrain stage, never taken from the cache
        if (!base && !isBaseModel(cfg.model)) {
          const ref = await readRef(globalKeys.pretrainCache(pretrainHash));
          if (ref) base = { ref, source: 'pretrain-cache' };
        }
      }
      await updateManifest(deps.store, input.runId, (m) => {
        m.info = {
          ...m.info,
          rawConfig: input.rawConfig,
          config: cfg,
          configHash: configHash(cfg),
          preset: cfg.preset ?? null,
          lineage: cfg.lineage ?? null,
          resumeFrom: cfg.resumeFrom ?? null,
          base: base ?? null,
        };
      });
      return { doneStages, base, pretrainHash };
    },

    async recordStage(input: RecordStageInput): Promise<void> {
      await updateManifest(deps.store, input.runId, (m) => {
        m.stages[input.stage] = {
          status: 'done',
          checkpoint: input.result.checkpoint,
          ...(input.result.eval ? { eval: input.result.eval } : {}),
          ...(input.result.data ? { data: input.result.data } : {}),
          updatedAt: new Date().toISOString(),
        };
      });
    },

    async scoreRollouts(input: ScoreInput): Promise<ScoreResult> {
      return (await scoreStep(deps.store, input)).result;
    },

    async findResumePoint(input: ResumePointInput): Promise<ResumePoint | undefined> {
      const point = await findResumePoint(deps.store, input);
      deps.log.warn(
        { runId: input.runId, stage: input.stage, failedAt: input.atMostStep, resumeAt: point?.iteration ?? null },
        point
          ? 'a stored object failed to verify; resuming from the newest good checkpoint'
          : 'no good checkpoint left',
      );
      return point;
    },

    async buildReport(input: ReportInput): Promise<ReportResult> {
      const uiUrl = deps.uiUrl
        ? `${deps.uiUrl}/namespaces/${deps.namespace ?? 'default'}/workflows/${encodeURIComponent(input.runId)}`
        : undefined;
      const { report, jsonKey, htmlKey, exportedModelUri } = await writeRunReport(deps.store, input.runId, uiUrl);
      const targets = report.targets ?? [];
      return {
        jsonUri: deps.store.uri(jsonKey),
        htmlUri: deps.store.uri(htmlKey),
        targetsMet: targets.filter((t) => t.met).length,
        targetsTotal: targets.length,
        link: await reportLink(htmlKey),
        exportedModelUri,
      };
    },

    async finishRun(input: FinishRunInput): Promise<void> {
      const final = finalResultOf(input.stages)?.checkpoint;
      await updateManifest(deps.store, input.runId, (m) => {
        m.info = { ...m.info, finishedAt: new Date().toISOString(), finalCheckpoint: final ?? null };
      });
      if (input.config.lineage && final) {
        await deps.store.putBytes(
          globalKeys.lineageLatest(input.config.lineage),
          JSON.stringify(final),
          'application/json',
        );
      }
    },
  };
}

/** A finished stage as the manifest records it, back as the result the pipeline carries. */
function stageResultOf(entry: { checkpoint?: CheckpointRef; eval?: unknown; data?: unknown }): StageResult {
  return {
    checkpoint: entry.checkpoint!,
    ...(entry.eval ? { eval: entry.eval as StageResult['eval'] } : {}),
    ...(entry.data ? { data: entry.data as StageResult['data'] } : {}),
  };
}
