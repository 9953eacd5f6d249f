import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { formatReward, splitOf, resolveTaskOptions } from '../../../recipe';
import {
  buildColdStartSet,
  buildRejectionSet,
  evaluate,
  charTokenizerOf,
  initPolicy,
  promptFormat,
  rollout,
  sampleProblems,
  shardGroups,
  taskOptions,
} from '../../../steps';
import { EngineRuntime } from '../../../engine';
import { microConfig } from './helpers';

const cfg = microConfig();
const engine = new EngineRuntime('cpu');
after(() => engine.release());

describe('sampleProblems', () => {
  test('deterministic per (seed, purpose, step), and eval problems are never training problems', () => {
    const a = sampleProblems(cfg, 'train', 'r1Zero', 3);
    assert.deepEqual(a, sampleProblems(cfg, 'train', 'r1Zero', 3));
    assert.equal(a.length, cfg.stages.r1Zero.grpo.promptsPerStep);
    const options = resolveTaskOptions(taskOptions(cfg));
    const many = Array.from({ length: 10 }, (_, s) => sampleProblems(cfg, 'train', 'r1Zero', s)).flat();
    assert.ok(many.some((p) => JSON.stringify(p) !== JSON.stringify(a[0])));
    for (const p of many) assert.equal(splitOf(p.problem, options), 'train');
    const evalSet = sampleProblems(cfg, 'eval', 'eval', 0);
    assert.equal(evalSet.length, cfg.eval.problems + cfg.eval.generalPrompts);
    for (const p of evalSet) assert.equal(splitOf(p.problem, options), 'eval');
    assert.deepEqual(
      evalSet.map((p) => p.index),
      evalSet.map((_, i) => i),
    );
    assert.ok(evalSet.every((p) => p.prompt === `Q: ${p.problem.question}\nA: `));
  });

  test('finalRl mixes general prompts in by generalFraction', () => {
    const mixed = microConfig({ stages: { finalRl: { grpo: { promptsPerStep: 200, generalFraction: 0.5 } } } });
    const problems = sampleProblems(mixed, 'train', 'finalRl', 0);
    const general = problems.filter((p) => p.problem.category !== 'reasoning').length;
    assert.ok(general > 60 && general < 140, `general prompts: ${general}`);
    const none = sampleProblems(
      microConfig({ stages: { r1Zero: { grpo: { promptsPerStep: 50 } } } }),
      'train',
      'r1Zero',
      0,
    );
    assert.ok(none.every((p) => p.problem.category === 'reasoning'));
  });
});

describe('rollout', () => {
  test('G samples per prompt, group by group, with aligned tokens and log-probs; reproducible', async () => {
    const policy = initPolicy(cfg);
    const problems = sampleProblems(cfg, 'train', 'r1Zero', 0);
    const sampling = { temperature: 1, topP: 1, topK: 0, maxNewTokens: 12 };
    const seed = { runSeed: 1, stage: 'r1Zero', step: 0 };
    const format = promptFormat(cfg, policy.tokenizer);
    const out = await rollout(engine, policy, problems, 3, sampling, seed, format);
    assert.equal(out.length, problems.length * 3);
    out.forEach((r, i) => {
      assert.equal(r.group, Math.floor(i / 3));
      assert.equal(r.sample, i % 3);
      assert.equal(r.problem, problems[r.group].problem);
      assert.equal(r.tokens.length, r.logprobs.length);
      assert.ok(r.tokens.length >= 1 && r.tokens.length <= 12);
      assert.ok(r.logprobs.every((lp) => lp <= 0 && Number.isFinite(lp)));
      const last = r.tokens[r.tokens.length - 1];
      const tokenizer = charTokenizerOf(policy, 'the test');
      const stops = [tokenizer.eosId, tokenizer.answerEndId];
      assert.equal(r.finishReason === 'stop', stops.includes(last));
      if (r.finishReason === 'length') assert.equal(r.tokens.length, 12);
      assert.equal(r.completion, policy.tokenizer.decode(r.tokens, { skipSpecialTokens: true }));
      assert.deepEqual(r.promptTokens, policy.tokenizer.encode(r.prompt, { bos: true }));
    });
    assert.deepEqual(await rollout(engine, policy, problems, 3, sampling, seed, format), out);
    const other = await rollout(engine, policy, problems, 3, sampling, { ...seed, step: 1 }, format);
    assert.notDeepEqual(
      other.map((r) => r.tokens),
      out.map((r) => r.tokens),
    );
  });
});

describe('rollout shards', () => {
  test('shards split the groups into contiguous blocks that cover each group once', () => {
    for (const groups of [1, 2, 5, 7, 16]) {
      for (let count = 1; count <= groups; count++) {
        const ranges = Array.from({ length: count }, (_, index) => shardGroups(groups, { index, count }));
        assert.equal(ranges[0].start, 0);
        assert.equal(ranges[count - 1].end, groups);
        ranges.slice(1).forEach((r, i) => assert.equal(r.start, ranges[i].end));
        const sizes = ranges.map((r) => r.end - r.start);
        assert.ok(Math.max(...sizes) - Math.min(...sizes) <= 1, `sizes ${sizes.join(',')} of ${groups} groups`);
        assert.ok(sizes.every((n) => n >= 1));
      }
    }
    assert.throws(() => shardGroups(2, { index: 0, count: 3 }), /3 shards cannot split 2 prompt groups/);
    assert.throws(() => shardGroups(4, { index: 2, count: 2 }), /shard index 2 is outside 0\.\.1/);
  });

  test("a shard samples only its groups, numbered by their place in the step, with the whole step's token budget", async () => {
    const policy = initPolicy(cfg);
    const problems = sampleProblems(
      microConfig({ stages: { r1Zero: { grpo: { promptsPerStep: 5 } } } }),
      'train',
      'r1Zero',
      0,
    );
    // more new tokens than the context holds: the step's longest prompt sets every shard's budget
    const sampling = { temperature: 1, topP: 1, topK: 0, maxNewTokens: 1000 };
    const seed = { runSeed: 1, stage: 'r1Zero', step: 0 };
    const format = promptFormat(cfg, policy.tokenizer);
    const whole = await rollout(engine, policy, problems, 2, sampling, seed, format);
    const budget = cfg.model.contextLength - Math.max(...whole.map((r) => r.promptTokens.length));
    const parts = [];
    for (let index = 0; index < 2; index++)
      parts.push(await rollout(engine, policy, problems, 2, sampling, seed, format, { index, count: 2 }));
    assert.deepEqual(
      parts.map((p) => [...new Set(p.map((r) => r.group))]),
      [
        [0, 1, 2],
        [3, 4],
      ],
    );
    const gathered = parts.flat();
    assert.deepEqual(
      gathered.map((r) => [r.group, r.sample, r.prompt, r.promptTokens]),
      whole.map((r) => [r.group, r.sample, r.prompt, r.promptTokens]),
    );
    assert.ok(gathered.every((r) => r.tokens.length === r.logprobs.length));
    const capped = gathered.filter((r) => r.finishReason === 'length');
    assert.ok(capped.length > 0 && capped.every((r) => r.tokens.length === budget), `budget ${budget}`);
    // a shard whose own prompts are shorter than the step's longest, or the budget check proves nothing
    const longest = (rows: typeof whole) => Math.max(...rows.map((r) => r.promptTokens.length));
    assert.ok(parts.some((p) => longest(p) < longest(whole)));
  });
});

describe('evaluate and the SFT datasets (untrained micro policy)', () => {
  test('evaluate reports every metric in range on the fixed held-out set', async () => {
    const policy = initPolicy(cfg);
    const result = await evaluate(engine, policy, cfg);
    const summary = result.summary;
    assert.equal(summary.samples, (cfg.eval.problems + cfg.eval.generalPrompts) * cfg.eval.samples);
    const passK = summary.passAtK[String(cfg.eval.passK)];
    for (const [key, v] of Object.entries({
      pass1: summary.pass1,
      passK,
      formatRate: summary.formatRate,
      refusalCorrectness: summary.refusalCorrectness,
    })) {
      assert.ok(v !== null && v !== undefined && v >= 0 && v <= 1, `${key} = ${v}`);
    }
    assert.ok(passK! >= summary.pass1!);
    assert.ok(summary.meanLength! > 0 && summary.meanLength! <= cfg.eval.maxNewTokens);
    assert.ok(
      result.examples.some((e) => e.category === 'reasoning') &&
        result.examples.some((e) => e.category !== 'reasoning'),
    );
    assert.deepEqual(await evaluate(engine, policy, cfg), result);
  });

  test('the cold-start set holds only correct, well-formed examples and accounts for every sample', async () => {
    const { examples, report } = await buildColdStartSet(engine, initPolicy(cfg), cfg);
    const stage = cfg.stages.coldStartSft;
    assert.equal(report.samples, stage.prompts * stage.samplesPerPrompt);
    const dropped = Object.values(report.dropped).reduce((s, n) => s + n, 0);
    assert.equal(report.kept + dropped, report.samples);
    assert.equal(report.general, 0);
    for (const e of examples)
      assert.equal(
        formatReward({ problem: { category: 'reasoning', answer: '0', language: 'en' }, completion: e.completion }),
        1,
      );
  });

  test('the rejection set mixes in general prompts with their correct reply or refusal', async () => {
    const { examples, report } = await buildRejectionSet(engine, initPolicy(cfg), cfg);
    const stage = cfg.stages.rejectionSft;
    assert.equal(report.general, stage.generalExamples);
    assert.equal(report.examples, examples.length);
    const general = examples.slice(examples.length - report.general);
    for (const e of general) {
      assert.equal(
        formatReward({ problem: { category: 'harmless', answer: '', language: 'en' }, completion: e.completion }),
        1,
      );
      assert.match(e.prompt, /^Q: .*\nA: $/s);
    }
    // Unsafe requests come with the refusal, harmless ones with a reply that is not one.
    const refusals = general.filter((e) => /help/.test(e.completion) || /помочь/.test(e.completion));
    assert.ok(
      refusals.length > 0 && refusals.length < general.length,
      `refusals: ${refusals.length} of ${general.length}`,
    );
  });
});
