// The whole R1 recipe in one process with the steps/ functions, evaluating after every stage.
// Prints JSON: per-stage held-out metrics, training curves and wall times.
// Usage: node --import tsx bench/recipe-local.ts [preset] [--seed N] [--base-cache DIR] [--quiet]
// --base-cache DIR reuses the pretrained base checkpoint in DIR (written there on the first run),
// as the pipeline reuses a base model with the same config hash; its wall time is then not a
// pretraining time.
import fs from 'node:fs';
import { resolveConfig, GRPO_STAGES, type GrpoStageName, type PipelineConfig } from '../recipe/config';
import {
  buildColdStartSet,
  buildRejectionSet,
  clonePolicy,
  evaluate,
  freshOptimizer,
  grpoStep,
  initPolicy,
  loadPolicy,
  pretrainSteps,
  savePolicy,
  releaseSamplers,
  sftSteps,
  sftTotalSteps,
  type EvalResult,
  type Policy,
} from '../steps';

const args = process.argv.slice(2);
const preset = args.find((a) => !a.startsWith('--')) ?? 'tiny';
const seedFlag = args.indexOf('--seed');
const quiet = args.includes('--quiet');
const cacheFlag = args.indexOf('--base-cache');
const baseCache = cacheFlag >= 0 ? args[cacheFlag + 1] : undefined;
const cfg: PipelineConfig = resolveConfig({ preset, ...(seedFlag >= 0 ? { seed: Number(args[seedFlag + 1]) } : {}) });

const log = (line: string) => {
  if (!quiet) process.stderr.write(`${line}\n`);
};
const round = (x: number | null | undefined, digits = 3) =>
  x === null || x === undefined ? null : Number(x.toFixed(digits));

interface StageReport {
  stage: string;
  seconds: number;
  evalSeconds: number;
  eval: Omit<EvalResult, 'examples'>;
  curve?: Array<Record<string, number | null>>;
  dataset?: unknown;
  cached?: boolean;
}

const stages: StageReport[] = [];
const examples: Record<string, EvalResult['examples']> = {};

async function evalStage(
  stage: string,
  policy: Policy,
  seconds: number,
  extra: Partial<StageReport> = {},
): Promise<void> {
  const start = performance.now();
  const result = await evaluate(policy, cfg);
  const evalSeconds = (performance.now() - start) / 1000;
  const { examples: ex, ...metrics } = result;
  examples[stage] = ex;
  const rounded = Object.fromEntries(
    Object.entries(metrics).map(([k, v]) => [k, typeof v === 'number' ? round(v) : v]),
  ) as StageReport['eval'];
  stages.push({ stage, seconds: round(seconds, 1)!, evalSeconds: round(evalSeconds, 1)!, eval: rounded, ...extra });
  log(
    `[${stage}] ${seconds.toFixed(1)}s  pass@1 ${round(metrics.pass1)} pass@${metrics.k} ${round(metrics.passK)} format ${round(metrics.formatRate)} ` +
      `lang ${round(metrics.languageConsistency)} refusal ${round(metrics.refusalCorrectness)} len ${round(metrics.meanLength, 1)}`,
  );
}

async function grpoStage(stage: GrpoStageName, start: Policy): Promise<Policy> {
  const grpo = cfg.stages[stage].grpo;
  const policy = freshOptimizer(start);
  const ref = grpo.beta > 0 ? clonePolicy(start) : undefined;
  const curve: Array<Record<string, number | null>> = [];
  const t0 = performance.now();
  for (let step = 0; step < grpo.steps; step++) {
    const { score, update } = await grpoStep(policy, cfg, stage, step, ref);
    curve.push({
      step,
      reward: round(score.rewardMean),
      accuracy: round(score.accuracy),
      format: round(score.formatRate),
      language: round(score.languageConsistency),
      helpfulness: round(score.helpfulness),
      zeroStd: round(score.zeroStdFraction),
      length: round(score.meanLength, 1),
      truncated: round(score.truncatedFraction),
      clip: round(update.clipFraction),
      kl: round(update.kl, 4),
      entropy: round(update.entropy),
    });
    if (step % 5 === 0 || step === grpo.steps - 1) {
      log(
        `  ${stage} ${step}: reward ${round(score.rewardMean)} acc ${round(score.accuracy)} fmt ${round(score.formatRate)} lang ${round(score.languageConsistency)} help ${round(score.helpfulness)} zeroStd ${round(score.zeroStdFraction)} len ${round(score.meanLength, 1)}`,
      );
    }
  }
  await evalStage(stage, policy, (performance.now() - t0) / 1000, { curve });
  return policy;
}

async function sftStage(
  stage: string,
  start: Policy,
  build: () => Promise<{ examples: { prompt: string; completion: string }[]; report: unknown }>,
  sft: PipelineConfig['stages']['coldStartSft']['sft'],
): Promise<Policy> {
  const t0 = performance.now();
  const { examples: data, report } = await build();
  const policy = freshOptimizer(start);
  const total = sftTotalSteps(data.length, sft);
  const losses = await sftSteps(policy, data, sft, cfg.seed, 0, total);
  log(
    `  ${stage}: ${data.length} examples, ${total} steps, loss ${round(losses[0]?.loss)} → ${round(losses.at(-1)?.loss)}`,
  );
  await evalStage(stage, policy, (performance.now() - t0) / 1000, {
    dataset: report,
    curve: losses.filter((_, i) => i % 5 === 0).map((m) => ({ step: m.step, loss: round(m.loss) })),
  });
  return policy;
}

async function main(): Promise<void> {
  const wall = performance.now();
  const t0 = performance.now();
  let base: Policy;
  let pre: Awaited<ReturnType<typeof pretrainSteps>> = [];
  if (baseCache && fs.existsSync(baseCache)) base = loadPolicy(baseCache);
  else {
    base = freshOptimizer(initPolicy(cfg));
    pre = await pretrainSteps(base, cfg, 0, cfg.stages.pretrain.steps);
    if (baseCache) savePolicy(baseCache, base);
    log(`  pretrain: loss ${round(pre[0].loss)} → ${round(pre.at(-1)!.loss)}`);
  }
  await evalStage('base', base, (performance.now() - t0) / 1000, {
    curve: pre.filter((_, i) => i % 25 === 0).map((m) => ({ step: m.step, loss: round(m.loss) })),
    cached: pre.length === 0,
  });

  const r1Zero = await grpoStage('r1Zero', base);
  const coldStart = await sftStage(
    'coldStartSft',
    base,
    () => buildColdStartSet(r1Zero, cfg),
    cfg.stages.coldStartSft.sft,
  );
  const reasoning = await grpoStage('reasoningRl', coldStart);
  const rejection = await sftStage(
    'rejectionSft',
    reasoning,
    () => buildRejectionSet(reasoning, cfg),
    cfg.stages.rejectionSft.sft,
  );
  await grpoStage('finalRl', rejection);
  await releaseSamplers();

  const totalSeconds = (performance.now() - wall) / 1000;
  const table = stages.map((s) => ({
    stage: s.stage,
    seconds: s.seconds,
    pass1: s.eval.pass1,
    passK: s.eval.passK,
    format: s.eval.formatRate,
    language: s.eval.languageConsistency,
    refusal: s.eval.refusalCorrectness,
    length: s.eval.meanLength,
  }));
  console.log(
    JSON.stringify(
      {
        bench: 'recipe-local',
        preset,
        seed: cfg.seed,
        grpoStages: GRPO_STAGES,
        totalSeconds: round(totalSeconds, 1),
        table,
        stages,
        examples,
      },
      null,
      2,
    ),
  );
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
