// Pretraining and SFT as one activity that survives a crash: it trains in chunks with an
// intermediate checkpoint after each, so a retry resumes from the last checkpoint (named in the
// heartbeat details) instead of the start. Chunk boundaries do not change the result (steps are
// deterministic by step index), so a resumed run ends with the same bytes.
import type { StageName } from '../recipe/config/schema';
import { trainStepMetrics, type Policy, type TrainStepMetrics } from '../steps';
import type { CheckpointRef } from '../storage/manifest';
import { runKeys } from '../storage/layout';
import { RunStore } from '../storage/run-store';
import { loadPolicyForTraining, uploadPolicy } from './checkpoint-io';
import { getJson, putJson } from './data-io';
import type { ActivityDeps } from './deps';
import { resumeDetails, startHeartbeat } from './heartbeat';
import { reportStep } from './progress';

/** Where a chunked training activity stands; sent with heartbeats, read back on retry. */
interface TrainProgress {
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
  /** the pipeline workflow to tell of each step (rate-limited, see activities/progress) */
  progressTo?: string;
}

const CHUNKS = 4;

export async function trainInChunks(t: ChunkedTraining): Promise<CheckpointRef> {
  const run = new RunStore(t.deps.store, t.runId);
  const previous = resumeDetails<TrainProgress>();
  const policy = previous?.checkpoint ? await loadPolicyForTraining(t.deps, previous.checkpoint) : await t.start();
  const curveKey = runKeys.trainCurve(t.stage);
  const curve: TrainCurvePoint[] =
    policy.step > 0
      ? (await getJson<TrainCurvePoint[]>(run, curveKey).catch(() => [])).filter((p) => p.step < policy.step)
      : [];
  const heartbeat = startHeartbeat<TrainProgress>({ step: policy.step, checkpoint: previous?.checkpoint });
  const lastMetrics = () => {
    const last = curve.at(-1);
    return last ? trainStepMetrics(last) : {};
  };
  try {
    const chunk = Math.max(1, Math.ceil(t.total / CHUNKS));
    let checkpoint = previous?.checkpoint;
    while (policy.step < t.total) {
      const to = Math.min(t.total, policy.step + chunk);
      await t.run(policy, policy.step, to, (m) => {
        curve.push({ step: m.step + 1, loss: m.loss, lr: m.lr, gradNorm: m.gradNorm });
        heartbeat.progress({ step: m.step + 1, checkpoint });
        reportStep(t.progressTo, t.stage, m.step + 1, t.total, trainStepMetrics(m));
      });
      await putJson(run, curveKey, curve);
      if (policy.step < t.total) {
        checkpoint = await uploadPolicy(t.deps, t.runId, t.stage, policy, lastMetrics());
        heartbeat.progress({ step: policy.step, checkpoint });
      }
    }
    return await uploadPolicy(t.deps, t.runId, t.stage, policy, lastMetrics());
  } finally {
    heartbeat.stop();
  }
}
