// One name per metric, wherever a number is stored or shown: the per-step metric files in S3,
// checkpoint references, the pipeline's progress and its UI details, the CLI, the report and
// the benchmarks. A new metric is added here once and every view can name and format it.

export type MetricUnit = 'fraction' | 'number' | 'tokens' | 'count';

export interface MetricInfo {
  /** short column or bar label (terminal views) */
  label: string;
  /** legend and table name (report, UI details) */
  title: string;
  description: string;
  unit: MetricUnit;
}

/** What one training step logs: a GRPO step (rollouts, scores, update) or a supervised step. */
export const STEP_METRICS = {
  reward: { label: 'reward', title: 'reward (total)', description: 'mean total reward', unit: 'number' },
  accuracy: {
    label: 'acc',
    title: 'accuracy',
    description: 'share of correct completions in the rollout batch',
    unit: 'fraction',
  },
  formatRate: {
    label: 'format',
    title: 'format',
    description: 'share of completions in the R1 format',
    unit: 'fraction',
  },
  languageConsistency: {
    label: 'lang',
    title: 'language',
    description: 'mean language consistency of the chain of thought',
    unit: 'fraction',
  },
  helpfulness: {
    label: 'helpful',
    title: 'helpfulness',
    description: 'mean helpfulness reward on general prompts',
    unit: 'number',
  },
  zeroStdFraction: {
    label: 'zero-std',
    title: 'zero-std groups',
    description: 'share of groups whose rewards were all equal',
    unit: 'fraction',
  },
  droppedFraction: {
    label: 'dropped',
    title: 'dropped groups',
    description: 'share of groups dropped by dynamic sampling',
    unit: 'fraction',
  },
  unscorable: {
    label: 'unscorable',
    title: 'unscorable',
    description: 'completions no reward could score',
    unit: 'count',
  },
  samples: { label: 'samples', title: 'samples', description: 'completions sampled', unit: 'count' },
  groups: { label: 'groups', title: 'groups', description: 'prompts (GRPO groups) sampled', unit: 'count' },
  meanLength: { label: 'len', title: 'mean length', description: 'mean completion length in tokens', unit: 'tokens' },
  truncatedFraction: {
    label: 'truncated',
    title: 'truncated',
    description: 'share of completions cut at the token limit',
    unit: 'fraction',
  },
  loss: {
    label: 'loss',
    title: 'loss',
    description: 'training loss (cross-entropy for SFT and pretraining)',
    unit: 'number',
  },
  kl: { label: 'kl', title: 'KL', description: 'KL(π‖π_ref), k3 estimator', unit: 'number' },
  entropy: { label: 'entropy', title: 'entropy', description: 'mean token entropy', unit: 'number' },
  clipFraction: {
    label: 'clip',
    title: 'clipped',
    description: 'share of tokens whose ratio was clipped',
    unit: 'fraction',
  },
  gradNorm: {
    label: 'grad-norm',
    title: 'gradient norm',
    description: 'global gradient norm before clipping',
    unit: 'number',
  },
  lr: { label: 'lr', title: 'learning rate', description: 'learning rate', unit: 'number' },
  rows: { label: 'rows', title: 'rows', description: 'completions trained on', unit: 'count' },
  epochs: { label: 'epochs', title: 'epochs', description: 'optimizer steps on this batch (μ)', unit: 'count' },
  skipped: {
    label: 'skipped',
    title: 'skipped',
    description: '1 when no completion carried a learning signal',
    unit: 'count',
  },
  staleness: {
    label: 'stale',
    title: 'staleness',
    description: "updates the rollouts' policy lagged behind the updated one (0: on-policy)",
    unit: 'count',
  },
} as const satisfies Record<string, MetricInfo>;

export type StepMetricName = keyof typeof STEP_METRICS;

/** Per-reward-function mean rewards are logged as `reward.<function>`, e.g. `reward.accuracy`. */
export const REWARD_FUNCTION_PREFIX = 'reward.';

/** A step's numbers by name: STEP_METRICS names and `reward.<function>` names, nothing else. */
export type StepMetrics = Partial<Record<StepMetricName, number>> & Record<`reward.${string}`, number>;

/** The step metrics a report charts (with every `reward.<function>`); the rest are kept in the files only. */
export const CHARTED_STEP_METRICS = [
  'reward',
  'accuracy',
  'formatRate',
  'languageConsistency',
  'meanLength',
  'truncatedFraction',
  'zeroStdFraction',
  'kl',
  'entropy',
  'clipFraction',
  'loss',
] as const satisfies readonly StepMetricName[];

/** What a live progress view shows of a running stage, in this order. */
export const PROGRESS_METRICS = [
  'reward',
  'accuracy',
  'formatRate',
  'languageConsistency',
  'kl',
  'loss',
  'meanLength',
] as const satisfies readonly StepMetricName[];

/** A held-out evaluation's numbers (recipe/eval's EvalSummary), as views name them. */
export const EVAL_METRICS = {
  pass1: {
    label: 'pass@1',
    title: 'pass@1',
    description: 'mean share of correct samples per reasoning problem',
    unit: 'fraction',
  },
  answerAccuracy: {
    label: 'answer',
    title: 'answer accuracy',
    description: 'pass@1 with the format aside: an answer outside the answer tags counts too',
    unit: 'fraction',
  },
  formatRate: { label: 'format', title: 'format', description: 'share of samples in the R1 format', unit: 'fraction' },
  languageConsistency: {
    label: 'lang',
    title: 'language',
    description: 'mean language consistency of the chain of thought',
    unit: 'fraction',
  },
  singleLanguageRate: {
    label: 'single-language',
    title: 'single language',
    description: 'share of samples reasoning in the prompt language only',
    unit: 'fraction',
  },
  refusalCorrectness: {
    label: 'refusal',
    title: 'refusal correctness',
    description: 'general prompts: unsafe refused, harmless not refused',
    unit: 'fraction',
  },
  helpfulRate: {
    label: 'helpful',
    title: 'helpful',
    description: 'harmless prompts answered with the expected reply',
    unit: 'fraction',
  },
  meanLength: { label: 'len', title: 'mean length', description: 'mean completion length in tokens', unit: 'tokens' },
} as const satisfies Record<string, MetricInfo>;

export type EvalMetricName = keyof typeof EVAL_METRICS;

/** A value the way every view prints it: fractions as percentages, other numbers to 3 significant places. */
export function formatMetricValue(unit: MetricUnit, value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '–';
  if (unit === 'fraction') return `${(value * 100).toFixed(1)}%`;
  if (unit === 'count') return String(Math.round(value));
  const a = Math.abs(value);
  if (a >= 100) return value.toFixed(0);
  if (a >= 10) return value.toFixed(1);
  return value.toFixed(3);
}

/** The numbers of a step or an eval that progress views carry: the ones they show, finite only. */
export function pickMetrics<K extends string>(
  values: Partial<Record<string, number | null>>,
  names: readonly K[],
): Partial<Record<K, number>> {
  const out: Partial<Record<K, number>> = {};
  for (const name of names) {
    const v = values[name];
    if (typeof v === 'number' && Number.isFinite(v)) out[name] = v;
  }
  return out;
}
