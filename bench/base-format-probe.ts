// How often a base model writes the R1 format before any training: the held-out prompts of a
// preset exactly as R1-Zero renders them, G samples each at temperature 1, with and without a
// prefill after the generation prompt (`<think>` by default), counting complete formats and
// each tag. Whether R1-Zero can learn anything: with no sample in the format every group's
// reward is 0 and so is its advantage. Prints JSON.
// Run: node --import tsx bench/base-format-probe.ts [--preset smollm2] [--samples 8] [--new 40] [--prefill '<think>']
import { loadSource } from '../cli/model-source';
import { EngineRuntime } from '../engine/runtime';
import { deriveSampleSeed } from '../engine/sampler';
import { loadTokenizer } from '../engine/tokenizer';
import { isBaseModel, resolveConfig } from '../recipe/config';
import { checkFormat, TAGS } from '../recipe/util/tags';
import { sampleProblems } from '../steps/problems';
import { promptFormat } from '../steps/prompting';
import { flag } from './bench-env';

async function main() {
  const preset = flag('preset') ?? 'smollm2';
  const samples = Number(flag('samples') ?? 8);
  const maxNewTokens = Number(flag('new') ?? 40);
  const prefill = flag('prefill') ?? '<think>';
  const cfg = resolveConfig({ preset });
  if (!isBaseModel(cfg.model)) throw new Error(`preset ${preset} trains its own model; the probe wants a base model`);
  const source = cfg.model.name ?? cfg.model.uri!;
  const model = await loadSource(source, { contextLength: cfg.model.contextLength });
  const tokenizer = loadTokenizer(model.tokenizerFiles, source);
  const format = promptFormat(cfg, tokenizer);
  const problems = sampleProblems(cfg, 'eval', 'eval', 0, format).filter((p) => p.problem.category === 'reasoning');
  const engine = new EngineRuntime('cpu');
  const results = [];
  try {
    for (const prefix of ['', prefill]) {
      const prompts: number[][] = [];
      const seeds: string[] = [];
      for (const p of problems)
        for (let s = 0; s < samples; s++) {
          prompts.push(format.encode(p.prompt + prefix));
          seeds.push(
            deriveSampleSeed({ runSeed: cfg.seed, stage: 'probe', step: 0, promptIndex: p.index, sampleIndex: s }),
          );
        }
      const t0 = performance.now();
      const out = await engine
        .sampler(model.config, model.params)
        .sample(
          { prompts, seeds },
          { maxNewTokens, temperature: 1, topP: 1, stopTokens: format.stopIds, padToken: format.padId },
          'loop',
        );
      // the prefill is part of the completion a reward would see
      const texts = out.map((c) => prefix + tokenizer.decode(c.tokens, { skipSpecialTokens: true }));
      results.push({
        prefill: prefix,
        completions: texts.length,
        inFormat: texts.filter((t) => checkFormat(t).ok).length,
        withTag: Object.fromEntries(TAGS.map((tag) => [tag, texts.filter((t) => t.includes(tag)).length])),
        seconds: Number(((performance.now() - t0) / 1000).toFixed(1)),
        examples: texts.slice(0, 3),
      });
    }
  } finally {
    await engine.release();
  }
  console.log(
    JSON.stringify(
      { bench: 'base-format-probe', preset, model: source, problems: problems.length, samples, maxNewTokens, results },
      null,
      2,
    ),
  );
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
