// A step's results as named metrics (recipe/metrics' vocabulary): what the per-step files in S3,
// the checkpoint references, the progress views and the report all read. Nulls and non-finite
// values are left out, so a metric that was not defined at a step is absent, never a fake 0.
import { REWARD_FUNCTION_PREFIX, type StepMetricName, type StepMetrics } from '../recipe/metrics';
import type { GrpoUpdateMetrics } from './grpo';
import type { ScoreMetrics } from './score';
import type { TrainStepMetrics } from './training';

function put(out: Record<string, number>, name: string, value: number | boolean | null | undefined): void {
  if (typeof value === 'boolean') out[name] = value ? 1 : 0;
  else if (typeof value === 'number' && Number.isFinite(value)) out[name] = value;
}

/** The scoring of a GRPO batch: rewards (total and per function), accuracy, format, lengths. */
export function scoreStepMetrics(m: ScoreMetrics): StepMetrics {
  const out: Record<string, number> = {};
  put(out, 'reward', m.rewardMean);
  for (const [fn, value] of Object.entries(m.rewards)) put(out, `${REWARD_FUNCTION_PREFIX}${fn}`, value);
  const same = [
    'accuracy',
    'formatRate',
    'languageConsistency',
    'helpfulness',
    'zeroStdFraction',
    'droppedFraction',
    'unscorable',
    'samples',
    'groups',
    'meanLength',
    'truncatedFraction',
  ] as const satisfies readonly (keyof ScoreMetrics & StepMetricName)[];
  for (const name of same) put(out, name, m[name]);
  return out;
}

/** A GRPO policy update: loss, KL, entropy, clipping, gradient norm and learning rate. */
export function updateStepMetrics(u: GrpoUpdateMetrics): StepMetrics {
  const out: Record<string, number> = {};
  const same = [
    'loss',
    'kl',
    'entropy',
    'clipFraction',
    'gradNorm',
    'lr',
    'rows',
    'epochs',
    'skipped',
    'staleness',
  ] as const satisfies readonly (keyof GrpoUpdateMetrics & StepMetricName)[];
  for (const name of same) put(out, name, u[name]);
  return out;
}

/** A pretraining or SFT step. */
export function trainStepMetrics(m: Pick<TrainStepMetrics, 'loss' | 'gradNorm' | 'lr'>): StepMetrics {
  const out: Record<string, number> = {};
  for (const name of ['loss', 'gradNorm', 'lr'] as const) put(out, name, m[name]);
  return out;
}
