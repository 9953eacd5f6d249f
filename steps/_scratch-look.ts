import { resolveConfig } from '../recipe/config';
import { accuracyReward } from '../recipe';
import { loadPolicy, releaseSamplers, rollout, sampleProblems } from '.';
const cfg = resolveConfig({ preset: 'tiny' });
const p = loadPolicy(process.argv[2]);
const probs = sampleProblems(cfg, 'eval', 'eval', 0).slice(0, 64);
const rs = await rollout(p, probs, 2, { temperature: 0.6, topP: 1, maxNewTokens: 64 }, { runSeed: 1, stage: 'eval', step: 0 });
let shown = 0;
for (const r of rs) {
  if (accuracyReward({ problem: r.problem, completion: r.completion }) !== 1 && shown++ < 14) console.log(JSON.stringify(r.problem.question), r.problem.answer, JSON.stringify(r.completion));
}
await releaseSamplers();
