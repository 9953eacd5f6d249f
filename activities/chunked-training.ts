// Pretraining and SFT as one activity that survives a crash: it trains in chunks with an
// intermediate checkpoint after each, so a retry resumes from the last checkpoint (named in the
// heartbeat details) instead of the start. Chunk boundaries do not change the result (steps are
// deterministic by step index), so a resumed run ends with the same bytes. The heartbeat details
// also carry the latest step and loss, which is how pretraining and SFT show live progress: the
// server keeps them on the pending activity, in no history (see contracts/progress).
import { isRepairableStorageFailure } from '../contracts/activities';
import type { LiveHeartbeatDetails } from '../contracts/progress';
import type { StageName } from '../recipe/config/schema';
import { pickMetrics, PROGRESS_METRICS } from '../recipe/metrics';
import { trainStepMetrics, type Policy, type TrainStepMetrics } from '../steps';
import type { CheckpointRef } from '../storage/manifest';
import { runKeys } from '../storage/layout';
import { RunStore } from '../storage/run-store';
import { loadPolicyForTraining, uploadPolicy } from './checkpoint-io';
import { newestGoodCheckpoint } from './checkpoint-recovery';
import { getJson, putJson } from './data-io';
import type { ActivityDeps } from './deps';
import { isDraining, WorkerDrainingError } from './draining';
import { resumeDetails, startHeartbeat } from './heartbeat';

/** Where a chunked training activity stands; sent with heartbeats, read back on retry. */
interface TrainProgress extends LiveHeartbeatDetails {
  step: number;
  /** the last uploaded intermediate checkpoint */
  checkpoint?: CheckpointRef;
}

/** One point of a pretraining or SFT loss curve (runKeys.trainCurve). */
export interface TrainCurvePoint {
  /** steps done (1-based) */
  step: number;
  loss: number;
  lr: number;
  gradNorm: number;
}

export interface ChunkedTraining {
  deps: ActivityDeps;
  runId: string;
  stage: StageName;
  start: () => Promise<Policy>;
  total: number;
  run: (policy: Policy, from: number, to: number, onStep: (m: TrainStepMetrics) => void) => Promise<unknown>;
}

const CHUNKS = 4;

/**
 * The intermediate checkpoint a retry resumes from: the one the last attempt named, or — when
 * that one no longer verifies (altered or lost in the store) — the newest earlier one that does;
 * undefined means starting over, which gives the same bytes since steps are deterministic.
 */
async function resumePoint(
  t: ChunkedTraining,
  named: CheckpointRef,
): Promise<{ ref: CheckpointRef; policy: Policy } | undefined> {
  try {
    return { ref: named, policy: await loadPolicyForTraining(t.deps, named) };
  } catch (err) {
    if (!isRepairableStorageFailure(err, t.runId)) throw err;
    const older = await newestGoodCheckpoint(t.deps.store, t.runId, t.stage, named.step - 1);
    t.deps.log.warn(
      { runId: t.runId, stage: t.stage, error: (err as Error).message, resumeAt: older?.step ?? 0 },
      'the checkpoint to resume from failed to verify; resuming from an earlier one',
    );
    return older ? { ref: older, policy: await loadPolicyForTraining(t.deps, older) } : undefined;
  }
}

export async function trainInChunks(t: ChunkedTraining): Promise<CheckpointRef> {
  const run = new RunStore(t.deps.store, t.runId);
  const previous = resumeDetails<TrainProgress>();
  const resumed = previous?.checkpoint ? await resumePoint(t, previous.checkpoint) : undefined;
  const resumeFrom = resumed?.ref;
  const policy = resumed?.policy ?? (await t.start());
  const curveKey = runKeys.trainCurve(t.stage);
  const curve: TrainCurvePoint[] =
    policy.step > 0
      ? (await getJson<TrainCurvePoint[]>(run, curveKey).catch(() => [])).filter((p) => p.step < policy.step)
      : [];
  const heartbeat = startHeartbeat<TrainProgress>({ step: policy.step, checkpoint: resumeFrom });
  const lastMetrics = () => {
    const last = curve.at(-1);
    return last ? trainStepMetrics(last) : {};
  };
  try {
    const chunk = Math.max(1, Math.ceil(t.total / CHUNKS));
    let checkpoint = resumeFrom;
    while (policy.step < t.total) {
      const to = Math.min(t.total, policy.step + chunk);
      await t.run(policy, policy.step, to, (m) => {
        if (isDraining()) throw new WorkerDrainingError(`${t.stage} at step ${m.step + 1}`);
        curve.push({ step: m.step + 1, loss: m.loss, lr: m.lr, gradNorm: m.gradNorm });
        const metrics = pickMetrics(trainStepMetrics(m), PROGRESS_METRICS);
        heartbeat.progress({
          step: m.step + 1,
          checkpoint,
          live: { stage: t.stage, step: m.step + 1, totalSteps: t.total, metrics },
        });
      });
      await putJson(run, curveKey, curve);
      if (policy.step < t.total) {
        checkpoint = await uploadPolicy(t.deps, t.runId, t.stage, policy, lastMetrics());
        heartbeat.progress({ ...heartbeat.latest(), step: policy.step, checkpoint });
      }
    }
    return await uploadPolicy(t.deps, t.runId, t.stage, policy, lastMetrics());
  } finally {
    heartbeat.stop();
  }
}
