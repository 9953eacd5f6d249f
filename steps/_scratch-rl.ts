// scratch: R1-Zero sweeps from a cached base checkpoint
import fs from 'node:fs';
import { resolveConfig } from '../recipe/config';
import { evaluate, freshOptimizer, grpoStep, initPolicy, loadPolicy, pretrainSteps, releaseSamplers, savePolicy } from '.';
const over = JSON.parse(process.argv[2] ?? '{}');
const stage = (process.argv[3] ?? 'r1Zero') as 'r1Zero';
const baseDir = process.argv[4] ?? '/tmp/r1/base';
const cfg = resolveConfig({ preset: 'tiny', ...over });
let base;
if (fs.existsSync(baseDir)) base = loadPolicy(baseDir);
else {
  base = freshOptimizer(initPolicy(cfg));
  await pretrainSteps(base, cfg, 0, cfg.stages.pretrain.steps);
  savePolicy(baseDir, base);
}
const show = async (tag: string, p: typeof base) => {
  const e = await evaluate(p, cfg);
  console.log(tag, JSON.stringify({ pass1: e.pass1?.toFixed(3), passK: e.passK?.toFixed(3), fmt: e.formatRate?.toFixed(3), lang: e.languageConsistency?.toFixed(3), ref: e.refusalCorrectness?.toFixed(3), len: e.meanLength?.toFixed(1) }));
};
await show('base', base);
const p = freshOptimizer(base);
const grpo = cfg.stages[stage].grpo;
for (let s = 0; s < grpo.steps; s++) {
  const { score, update } = await grpoStep(p, cfg, stage, s);
  if (s % 5 === 4) console.log(s, JSON.stringify({ acc: score.accuracy?.toFixed(2), fmt: score.formatRate?.toFixed(2), lang: score.languageConsistency?.toFixed(2), zs: score.zeroStdFraction.toFixed(2), gn: update.gradNorm?.toFixed(2), ent: update.entropy?.toFixed(2), clip: update.clipFraction?.toFixed(3) }));
  if (s % 20 === 19) await show(`eval@${s + 1}`, p);
}
if (process.argv[5]) savePolicy(process.argv[5], p);
await releaseSamplers();
