// A step's results as named metrics (recipe/metrics' vocabulary): what the per-step files in S3,
// the checkpoint references, the progress views and the report all read. Nulls and non-finite
// values are left out, so a metric that was not defined at a step is absent, never a fake 0.
import { REWARD_FUNCTION_PREFIX, type StepMetrics } from '../recipe/metrics';
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
  put(out, 'accuracy', m.accuracy);
  put(out, 'formatRate', m.formatRate);
  put(out, 'languageConsistency', m.languageConsistency);
  put(out, 'helpfulness', m.helpfulness);
  put(out, 'zeroStdFraction', m.zeroStdFraction);
  put(out, 'droppedFraction', m.droppedFraction);
  put(out, 'unscorable', m.unscorable);
  put(out, 'samples', m.samples);
  put(out, 'groups', m.groups);
  put(out, 'meanLength', m.meanLength);
  put(out, 'truncatedFraction', m.truncatedFraction);
  return out;
}

/** A GRPO policy update: loss, KL, entropy, clipping, gradient norm and learning rate. */
export function updateStepMetrics(u: GrpoUpdateMetrics): StepMetrics {
  const out: Record<string, number> = {};
  put(out, 'loss', u.loss);
  put(out, 'kl', u.kl);
  put(out, 'entropy', u.entropy);
  put(out, 'clipFraction', u.clipFraction);
  put(out, 'gradNorm', u.gradNorm);
  put(out, 'lr', u.lr);
  put(out, 'rows', u.rows);
  put(out, 'epochs', u.epochs);
  put(out, 'skipped', u.skipped);
  return out;
}

/** A pretraining or SFT step. */
export function trainStepMetrics(m: Pick<TrainStepMetrics, 'loss' | 'gradNorm' | 'lr'>): StepMetrics {
  const out: Record<string, number> = {};
  put(out, 'loss', m.loss);
  put(out, 'gradNorm', m.gradNorm);
  put(out, 'lr', m.lr);
  return out;
}
