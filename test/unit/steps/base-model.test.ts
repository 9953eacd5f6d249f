// A base model through the steps: its prompt format (chat template with the R1 system prompt, or
// the raw R1-Zero template), rollouts in its own tokens, the fit checks, and training in passes.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { EngineRuntime } from '../../../engine';
import { loadLocalModel } from '../../../engine/hf';
import { R1_SYSTEM_PROMPT, R1_ZERO_TEMPLATE, renderPrompt, TINY_R1_ZERO_TEMPLATE } from '../../../recipe';
import { ConfigError } from '../../../recipe/config/errors';
import { isBaseModel, resolveConfig, type PipelineConfig } from '../../../recipe/config';
import {
  accumulateGrads,
  charTokenizerOf,
  checkFits,
  chunkRows,
  completionRow,
  initPolicy,
  policyOf,
  promptFormat,
  rollout,
  pack,
  sampleProblems,
  type Policy,
} from '../../../steps';
import { llamaFixtureCopy } from '../../helpers/llama-fixture';

const engine = new EngineRuntime('cpu');
const fixture = llamaFixtureCopy();
let base: Policy;
after(async () => {
  fixture.remove();
  await engine.release();
});
before(async () => {
  const model = await loadLocalModel(fixture.dir, { contextLength: 512 });
  base = policyOf(model.config, model.params, model.tokenizerFiles, fixture.dir);
});

const configWith = (model: Record<string, unknown>): PipelineConfig =>
  resolveConfig({ preset: 'micro', model: { uri: fixture.dir, contextLength: 512, ...model } });

describe('prompt formats', () => {
  test('the built-in GPT keeps the tiny template, <bos>, and its two stop tokens', () => {
    const cfg = resolveConfig({ preset: 'micro' });
    const policy = initPolicy(cfg);
    const format = promptFormat(cfg, policy.tokenizer);
    const tokenizer = charTokenizerOf(policy, 'the test');
    assert.equal(format.kind, 'tiny');
    assert.equal(format.render('What is 1+2?'), renderPrompt(TINY_R1_ZERO_TEMPLATE, 'What is 1+2?'));
    assert.deepEqual(format.encode('ab'), [tokenizer.bosId, ...tokenizer.encode('ab')]);
    assert.deepEqual(format.stopIds, [tokenizer.eosId, tokenizer.answerEndId]);
  });

  test('an instruct model: its chat template with the R1 system prompt; stop ids from its generation config', () => {
    const cfg = configWith({});
    const format = promptFormat(cfg, base.tokenizer);
    assert.equal(format.kind, 'chat');
    const prompt = format.render('What is 3+4?');
    assert.equal(
      prompt,
      base.tokenizer.applyChatTemplate(
        [
          { role: 'system', content: R1_SYSTEM_PROMPT },
          { role: 'user', content: 'What is 3+4?' },
        ],
        { addGenerationPrompt: true },
      ),
    );
    assert.ok(prompt.includes(R1_SYSTEM_PROMPT) && prompt.includes('What is 3+4?'));
    // the rendered template holds its special tokens already: no second bos
    assert.deepEqual(format.encode(prompt), base.tokenizer.encode(prompt));
    assert.deepEqual(format.stopIds, [2]);
    assert.equal(format.padId, 0);
  });

  test('a base model prompted as in the paper: the R1-Zero template as raw text', () => {
    const cfg = configWith({ prompt: 'r1-zero' });
    const format = promptFormat(cfg, base.tokenizer);
    assert.equal(format.kind, 'r1-zero');
    assert.equal(format.render('What is 3+4?'), renderPrompt(R1_ZERO_TEMPLATE, 'What is 3+4?'));
    assert.deepEqual(format.encode('x y'), base.tokenizer.encode('x y', { addSpecialTokens: true }));
  });
});

describe('rollouts in the policy tokens', () => {
  test('completion lengths count model tokens; text is the decoded completion; stops on the eos', async () => {
    const cfg = configWith({});
    const format = promptFormat(cfg, base.tokenizer);
    const problems = sampleProblems(cfg, 'train', 'r1Zero', 0, format);
    const sampling = { temperature: 1, topP: 1, topK: 0, maxNewTokens: 10 };
    const out = await rollout(engine, base, problems, 2, sampling, { runSeed: 1, stage: 'r1Zero', step: 0 }, format);
    assert.equal(out.length, problems.length * 2);
    for (const r of out) {
      assert.deepEqual(r.promptTokens, base.tokenizer.encode(r.prompt));
      assert.ok(r.tokens.length >= 1 && r.tokens.length <= 10);
      assert.equal(r.completion, base.tokenizer.decode(r.tokens, { skipSpecialTokens: true }));
      assert.equal(r.finishReason === 'stop', r.tokens.at(-1) === 2);
    }
  });
});

describe('the model must fit the config', () => {
  test('the micro stages fit in 512 tokens', () => {
    const cfg = configWith({});
    assert.ok(isBaseModel(cfg.model));
    checkFits(cfg, cfg.model, base, {});
  });

  test('a context shorter than the longest prompt plus completion names model.contextLength', () => {
    const cfg = configWith({ contextLength: 100 });
    assert.ok(isBaseModel(cfg.model));
    assert.throws(
      () => checkFits(cfg, cfg.model as never, base, {}),
      (e: Error) =>
        e instanceof ConfigError &&
        /model\.contextLength: 100 tokens do not hold the longest prompt \(\d+ tokens of .*\) plus eval\.maxNewTokens \(40\)/.test(
          e.message,
        ),
    );
  });

  test('a tokenizer without an eos names model.uri', () => {
    const files = { ...base.tokenizerFiles } as Record<string, Record<string, unknown>>;
    files['tokenizer_config.json'] = { ...files['tokenizer_config.json'], eos_token: undefined };
    files['generation_config.json'] = { ...files['generation_config.json'], eos_token_id: undefined };
    const noEos = policyOf(base.config, base.params, files, 'no-eos');
    const cfg = configWith({});
    assert.throws(
      () => checkFits(cfg, cfg.model as never, noEos, {}),
      (e: Error) => e instanceof ConfigError && /model\.uri: the tokenizer of .* has no eos token/.test(e.message),
    );
  });
});

describe('training in passes', () => {
  test('gradients summed over chunks of one row equal the gradients of the whole batch', async () => {
    const cfg = configWith({});
    const format = promptFormat(cfg, base.tokenizer);
    const rows = [
      completionRow(format.encode(format.render('What is 1+1?')), base.tokenizer.encode('<answer>2</answer>'), 512),
      completionRow(
        format.encode(format.render('What is 2+5?')),
        base.tokenizer.encode('<think>2+5=7, so seven</think><answer>7</answer>', { eos: true }),
        512,
      ),
    ];
    const trainer = engine.trainer(base.config);
    const whole = await trainer.sftLossAndGrads(base.params, pack(rows, base.tokenizer));
    const chunks = chunkRows(rows, 1).map((chunk) => pack(chunk, base.tokenizer));
    assert.equal(chunks.length, 2);
    const summed = await accumulateGrads(base.config, base.params, chunks, 'tokens', (chunk) =>
      trainer.sftLossAndGrads(base.params, chunk),
    );
    assert.ok(Math.abs(whole.loss - summed.loss) < 1e-5, `${whole.loss} vs ${summed.loss}`);
    let maxDiff = 0;
    let maxGrad = 0;
    for (const name of Object.keys(whole.grads)) {
      const x = whole.grads[name];
      const y = summed.grads[name];
      for (let i = 0; i < x.length; i++) {
        maxDiff = Math.max(maxDiff, Math.abs(x[i] - y[i]));
        maxGrad = Math.max(maxGrad, Math.abs(x[i]));
      }
    }
    assert.ok(maxGrad > 1e-3, 'the batch has gradients');
    assert.ok(maxDiff < 1e-5 * Math.max(1, maxGrad), `gradients differ by ${maxDiff} (largest ${maxGrad})`);
    // a row-weighted mean weights each chunk by its rows instead: a different sum when lengths differ
    const byRows = await accumulateGrads(base.config, base.params, chunks, 'rows', (chunk) =>
      trainer.sftLossAndGrads(base.params, chunk),
    );
    assert.ok(Math.abs(byRows.loss - whole.loss) > 1e-4);
  });
});
