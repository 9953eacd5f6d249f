// scratch: pretraining-only sweeps
import { resolveConfig } from '../recipe/config';
import { evaluate, freshOptimizer, initPolicy, pretrainSteps, releaseSamplers } from '.';
const over = JSON.parse(process.argv[2] ?? '{}');
const every = Number(process.argv[3] ?? 250);
const cfg = resolveConfig({ preset: 'tiny', ...over });
const p = freshOptimizer(initPolicy(cfg));
const t0 = performance.now();
for (let s = 0; s < cfg.stages.pretrain.steps; s += every) {
  const m = await pretrainSteps(p, cfg, s, Math.min(s + every, cfg.stages.pretrain.steps));
  const t1 = performance.now();
  const e = await evaluate(p, cfg);
  console.log(JSON.stringify({ step: s + every, loss: +m.at(-1)!.loss.toFixed(3), trainS: +((t1 - t0) / 1000).toFixed(0), evalS: +((performance.now() - t1) / 1000).toFixed(1), pass1: e.pass1?.toFixed(3), passK: e.passK?.toFixed(3), fmt: e.formatRate?.toFixed(2), lang: e.languageConsistency?.toFixed(2), ref: e.refusalCorrectness?.toFixed(2) }));
}
await releaseSamplers();
