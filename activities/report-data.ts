// Assembles a run's report (recipe/report's RunReport) from what the run left in S3: the
// manifest, per-step metrics, training curves, SFT data reports and evaluations.
import { STAGE_NAMES, GRPO_STAGES, type StageName } from '../recipe/config/schema';
import { CHARTED_STEP_METRICS, REWARD_FUNCTION_PREFIX, type StepMetrics } from '../recipe/metrics';
import {
  evaluateTargets,
  renderReportHtml,
  REPORT_VERSION,
  type CurvePoint,
  type RunReport,
  type StageReport,
} from '../recipe/report';
import type { ArtifactStore } from '../storage/artifact-store';
import { runKeys, stepOfMetricsKey } from '../storage/layout';
import { EXPORTED_MODEL_INFO, exportedModelOf, type RunManifest } from '../storage/manifest';
import { RunStore } from '../storage/run-store';
import type { SftDataset } from '../steps';
import type { TrainCurvePoint } from './chunked-training';
import { getJson, putJson } from './data-io';
import { BadDataError } from './errors';
import type { StoredEval } from './gpu';

/** A GRPO step's charted numbers; a metric the step did not log is a gap (null) in its chart. */
function grpoPoint(step: number, m: StepMetrics): CurvePoint {
  const point: CurvePoint = { step };
  for (const name of CHARTED_STEP_METRICS) point[name] = m[name] ?? null;
  for (const [key, v] of Object.entries(m)) if (key.startsWith(REWARD_FUNCTION_PREFIX)) point[key] = v;
  return point;
}

async function tryJson<T>(run: RunStore, relative: string, manifest: RunManifest): Promise<T | undefined> {
  if (!manifest.objects[run.key(relative)]) return undefined;
  return getJson<T>(run, relative);
}

function stageWall(
  manifest: RunManifest,
  prefix: string,
): { startedAt?: string; finishedAt?: string; wallSeconds?: number } {
  const times = Object.entries(manifest.objects)
    .filter(([k]) => k.startsWith(prefix))
    .map(([, o]) => Date.parse(o.writtenAt))
    .sort((a, b) => a - b);
  if (times.length === 0) return {};
  return {
    startedAt: new Date(times[0]!).toISOString(),
    finishedAt: new Date(times.at(-1)!).toISOString(),
    wallSeconds: (times.at(-1)! - times[0]!) / 1000,
  };
}

export async function assembleReport(run: RunStore, manifest: RunManifest, uiUrl?: string): Promise<RunReport> {
  const stages: Partial<Record<StageName, StageReport>> = {};
  const evals: Partial<Record<string, StoredEval>> = {};
  for (const label of ['base', ...STAGE_NAMES]) {
    const e = await tryJson<StoredEval>(run, runKeys.evalResult(label), manifest);
    if (e) evals[label] = e;
  }
  for (const stage of STAGE_NAMES) {
    const entry = manifest.stages[stage];
    const prefix = run.key(runKeys.stagePrefix(stage));
    // the pretraining stage's eval is the base model's
    const stageEval = stage === 'pretrain' ? evals.base : evals[stage];
    const report: StageReport = {
      status:
        entry?.status === 'done' ? 'completed' : entry?.status === 'failed' ? 'failed' : entry ? 'running' : 'skipped',
      checkpoint: entry?.checkpoint
        ? { uri: entry.checkpoint.uri, sha256: entry.checkpoint.sha256, step: entry.checkpoint.step }
        : null,
      eval: stageEval?.summary ?? null,
      ...stageWall(manifest, prefix),
    };
    if (entry?.checkpoint && !entry.checkpoint.key.startsWith(prefix)) report.status = 'reused';
    if ((GRPO_STAGES as readonly string[]).includes(stage)) {
      const metricsPrefix = run.key(runKeys.stepMetricsPrefix(stage));
      const keys = Object.keys(manifest.objects)
        .filter((k) => k.startsWith(metricsPrefix))
        .sort();
      const curve: CurvePoint[] = [];
      for (const key of keys) {
        const step = stepOfMetricsKey(key);
        if (step === undefined) continue;
        curve.push(grpoPoint(step, await getJson<StepMetrics>(run, key.slice(run.prefix.length + 1))));
      }
      report.curve = curve;
    } else {
      const train = await tryJson<TrainCurvePoint[]>(run, runKeys.trainCurve(stage), manifest);
      if (train) report.curve = train.map((p) => ({ step: p.step, loss: p.loss, lr: p.lr }));
      // the data report travels with the stage's result; older runs only have it in the dataset
      const dataReport =
        (entry?.data as SftDataset['report'] | undefined) ??
        (await tryJson<SftDataset>(run, runKeys.sftDataset(stage), manifest))?.report;
      if (dataReport) {
        const r = dataReport;
        report.data = [
          {
            title: stage === 'coldStartSft' ? 'cold-start data (filtered R1-Zero samples)' : 'rejection-sampling data',
            kept: r.kept,
            dropped: r.dropped,
            details: { prompts: r.prompts, samples: r.samples, general: r.general, examples: r.examples },
          },
        ];
      }
    }
    if (entry || report.curve?.length) stages[stage] = report;
  }
  const finalLabel = [...STAGE_NAMES].reverse().find((s) => evals[s]);
  const base = evals.base;
  const final = finalLabel ? evals[finalLabel] : undefined;
  const samples =
    base && final
      ? base.examples.slice(0, 12).map((b, i) => {
          const f = final.examples[i];
          return {
            prompt: b.prompt,
            expected: b.answer,
            category: b.category,
            base: b.completion,
            final: f?.completion ?? '',
            ...(b.correct !== null && f && f.correct !== null
              ? { correct: { base: b.correct, final: f.correct } }
              : {}),
          };
        })
      : [];
  const config = manifest.info.config as { seed?: number; preset?: string; eval?: Record<string, unknown> } | undefined;
  const finishedAt = typeof manifest.info.finishedAt === 'string' ? manifest.info.finishedAt : new Date().toISOString();
  const report: RunReport = {
    version: REPORT_VERSION,
    runId: manifest.runId,
    preset: config?.preset ?? null,
    createdAt: manifest.createdAt,
    finishedAt,
    wallSeconds: (Date.parse(finishedAt) - Date.parse(manifest.createdAt)) / 1000,
    seed: config?.seed ?? null,
    uiUrl: uiUrl ?? null,
    baseModel: isRecord(manifest.info.baseModel)
      ? {
          source: String(manifest.info.baseModel.source),
          sha256: String(manifest.info.baseModel.sha256),
          architecture: String(manifest.info.baseModel.architecture),
        }
      : null,
    model: exportedModelReport(manifest),
    environment: { node: process.version, platform: `${process.platform}-${process.arch}` },
    config,
    evalSetup: config?.eval ? { ...config.eval, seed: config.seed } : undefined,
    baseEval: base?.summary ?? null,
    stages,
    samples,
  };
  report.targets = evaluateTargets(report);
  return report;
}

/** The exported model as the report shows it: where it is, and the checkpoint it came from. */
function exportedModelReport(manifest: RunManifest): { uri: string; sha256: string } | null {
  const uri = exportedModelOf(manifest);
  if (uri === undefined) return null;
  const info = manifest.info[EXPORTED_MODEL_INFO];
  return { uri, sha256: isRecord(info) && typeof info.sha256 === 'string' ? info.sha256 : '' };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export interface WrittenReport {
  report: RunReport;
  html: string;
  jsonKey: string;
  htmlKey: string;
  /** the exported model, when the manifest records one */
  exportedModelUri?: string;
}

/** Builds a run's report from S3 and stores report.json and report.html under the run. */
export async function writeRunReport(store: ArtifactStore, runId: string, uiUrl?: string): Promise<WrittenReport> {
  const run = new RunStore(store, runId);
  const manifest = await run.manifest();
  if (!manifest) throw new BadDataError(`run ${runId} has no manifest in bucket ${store.bucket}`);
  const report = await assembleReport(run, manifest, uiUrl);
  const html = renderReportHtml(report);
  const json = await putJson(run, runKeys.reportJson(), report);
  const page = await run.putBytes(runKeys.reportHtml(), html, 'text/html; charset=utf-8');
  return { report, html, jsonKey: json.key, htmlKey: page.key, exportedModelUri: exportedModelOf(manifest) };
}
