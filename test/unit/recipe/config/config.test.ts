import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import {
  ConfigError,
  configHash,
  isBaseModel,
  loadConfig,
  PipelineConfigSchema,
  PRESETS,
  presetNames,
  resolveConfig,
} from '../../../../recipe/config';
import { problemsOf } from '../../../helpers/config-problems';

const dir = mkdtempSync(join(tmpdir(), 'r1flow-config-'));
function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe('presets', () => {
  test('tiny and micro exist and load', () => {
    assert.ok(presetNames().includes('tiny') && presetNames().includes('micro'));
    for (const name of presetNames()) {
      const config = loadConfig(name);
      assert.equal(config.seed, 1);
      assert.ok(config.stages.r1Zero.grpo.groupSize >= 2);
    }
  });

  test('a preset name alone is a complete config (what the UI form sends)', () => {
    const config = resolveConfig({ preset: 'micro' });
    assert.ok(!isBaseModel(config.model));
    assert.equal(config.model.dModel, 32);
    assert.equal(config.workflow.continueAsNewAfter, 2);
  });

  test('user fields override the preset, the rest of the preset stays', () => {
    const config = resolveConfig({ preset: 'tiny', seed: 7, stages: { r1Zero: { grpo: { steps: 5 } } } });
    assert.equal(config.seed, 7);
    assert.equal(config.stages.r1Zero.grpo.steps, 5);
    assert.equal(config.stages.r1Zero.grpo.groupSize, 8);
    assert.equal(config.stages.pretrain.steps, PRESETS.tiny!.stages!.pretrain!.steps);
  });

  test('defaults fill a config that names no preset', () => {
    const config = PipelineConfigSchema.parse({});
    assert.equal(config.device, 'cpu');
    assert.equal(config.stages.finalRl.grpo.rewards.helpfulness, 1);
    assert.equal(config.stages.r1Zero.grpo.rewards.helpfulness, 0);
  });

  test('final RL keeps its own defaults when only some of its fields are set', () => {
    const config = resolveConfig({ stages: { finalRl: { grpo: { steps: 5, rewards: { format: 1 } } } } });
    assert.equal(config.stages.finalRl.grpo.steps, 5);
    assert.equal(config.stages.finalRl.grpo.generalFraction, 0.3);
    assert.equal(config.stages.finalRl.grpo.rewards.helpfulness, 1);
    assert.equal(config.stages.finalRl.grpo.rewards.format, 1);
    assert.equal(config.stages.reasoningRl.grpo.generalFraction, 0);
  });
});

describe('bad input names the path', () => {
  test('out of range', () => {
    assert.deepEqual(
      problemsOf(() => resolveConfig({ stages: { reasoningRl: { grpo: { groupSize: 1 } } } })),
      ['stages.reasoningRl.grpo.groupSize: must be ≥ 2'],
    );
  });

  test('more rollout shards than prompt groups', () => {
    assert.deepEqual(
      problemsOf(() => resolveConfig({ stages: { finalRl: { grpo: { promptsPerStep: 2, rolloutShards: 3 } } } })),
      ['stages.finalRl.grpo.rolloutShards: must be at most promptsPerStep (a shard holds whole prompt groups)'],
    );
    assert.equal(resolveConfig({}).stages.finalRl.grpo.rolloutShards, 1);
  });

  test('a staleness other than 0 or 1', () => {
    assert.deepEqual(
      problemsOf(() => resolveConfig({ stages: { reasoningRl: { grpo: { staleness: 2 } } } })),
      ['stages.reasoningRl.grpo.staleness: must be 0 (on-policy) or 1 (one step off-policy)'],
    );
    assert.equal(resolveConfig({}).stages.reasoningRl.grpo.staleness, 0);
  });

  test('wrong type', () => {
    assert.deepEqual(
      problemsOf(() => resolveConfig({ model: { dModel: 'big' } })),
      ['model.dModel: must be a number'],
    );
  });

  test('unknown key', () => {
    assert.deepEqual(
      problemsOf(() => resolveConfig({ stages: { r1Zero: { grpo: { gropSize: 4 } } } })),
      ['stages.r1Zero.grpo.gropSize: unknown key'],
    );
  });

  test('every problem is listed, not only the first', () => {
    const problems = problemsOf(() => resolveConfig({ seed: -1, device: 'tpu', task: { digits: 9 } }));
    assert.equal(problems.length, 3);
    assert.ok(problems.some((p) => p.startsWith('seed: must be ≥ 0')));
    assert.ok(problems.some((p) => p.startsWith('device:')));
    assert.ok(problems.some((p) => p.startsWith('task.digits: must be ≤ 6')));
  });

  test('cross-field rule names the field', () => {
    assert.deepEqual(
      problemsOf(() => resolveConfig({ model: { dModel: 30, nHeads: 4 } })),
      ['model.nHeads: dModel must be divisible by nHeads'],
    );
  });

  test('unknown preset lists the known ones', () => {
    const [problem] = problemsOf(() => resolveConfig({ preset: 'huge' }));
    assert.match(problem!, /^preset: unknown preset "huge" \(known: .*tiny.*\)/);
  });

  test('neither preset nor file', () => {
    const [problem] = problemsOf(() => loadConfig(join(dir, 'missing.json')));
    assert.match(problem!, /is neither a preset .* nor an existing file/);
  });

  test('malformed JSON names the line', () => {
    const path = file('bad.json', '{\n  "seed": 1,\n  "model": {,}\n}\n');
    const [problem] = problemsOf(() => loadConfig(path));
    assert.match(problem!, /malformed JSON at line 3/);
  });

  test('malformed YAML names the line', () => {
    const path = file('bad.yaml', 'seed: 1\nmodel:\n  dModel: [1, 2\n');
    const [problem] = problemsOf(() => loadConfig(path));
    assert.match(problem!, /malformed YAML at line \d+/);
  });

  test('errors in a file name the file', () => {
    const path = file('range.yaml', 'preset: micro\nstages:\n  reasoningRl:\n    grpo:\n      groupSize: 0\n');
    assert.throws(
      () => loadConfig(path),
      (err: unknown) =>
        err instanceof ConfigError &&
        err.message.startsWith(path) &&
        err.problems[0] === 'stages.reasoningRl.grpo.groupSize: must be ≥ 2',
    );
  });

  test('a valid YAML file loads', () => {
    const path = file('ok.yml', 'preset: micro\nseed: 3\n');
    assert.equal(loadConfig(path).seed, 3);
  });
});

test('config hash ignores key order and changes with values', () => {
  assert.equal(configHash({ a: 1, b: { c: 2, d: 3 } }), configHash({ b: { d: 3, c: 2 }, a: 1 }));
  assert.notEqual(configHash({ a: 1 }), configHash({ a: 2 }));
});

describe('model: the built-in GPT or a base model', () => {
  test('the built-in GPT is the default', () => {
    const config = resolveConfig({});
    assert.ok(!isBaseModel(config.model));
    assert.equal(config.model.dModel, 64);
  });

  test('a base model by uri or by name replaces the preset model, with its defaults', () => {
    const byUri = resolveConfig({ preset: 'micro', model: { uri: 's3://bucket/models/llama' } });
    assert.deepEqual(byUri.model, {
      uri: 's3://bucket/models/llama',
      contextLength: 512,
      trainBatchRows: 4,
      prompt: 'auto',
    });
    const byName = resolveConfig({ preset: 'micro', model: { name: 'smollm2-135m-instruct', prompt: 'chat' } });
    assert.ok(isBaseModel(byName.model));
    assert.equal(byName.model.name, 'smollm2-135m-instruct');
    assert.equal(byName.model.prompt, 'chat');
    assert.equal(byName.stages.r1Zero.grpo.steps, PRESETS.micro!.stages!.r1Zero!.grpo!.steps);
  });

  test('the smollm2 preset names the installed model', () => {
    const config = loadConfig('smollm2');
    assert.ok(isBaseModel(config.model));
    assert.equal(config.model.name, 'smollm2-135m-instruct');
  });

  const misfits: Array<[unknown, string[]]> = [
    [{ uri: 'a', name: 'smollm2-135m-instruct' }, ['model.uri: give exactly one of uri and name']],
    [{ name: 'gpt-5' }, ['model.name: must be one of smollm2-135m-instruct']],
    [{ uri: '' }, ['model.uri: must not be empty']],
    [{ uri: 'a', dModel: 32 }, ['model.dModel: unknown key']],
    [{ uri: 'a', contextLength: 8 }, ['model.contextLength: must be ≥ 16']],
    [{ uri: 'a', prompt: 'fancy' }, ['model.prompt: Invalid option: expected one of "auto"|"r1-zero"|"chat"']],
    [{ dModel: 32, trainBatchRows: 2 }, ['model.trainBatchRows: unknown key']],
  ];
  for (const [model, expected] of misfits) {
    test(`misfit ${JSON.stringify(model)} names the field`, () => {
      const problems = problemsOf(() => resolveConfig({ preset: 'micro', model }));
      assert.equal(problems.length, expected.length, problems.join('; '));
      for (const [i, e] of expected.entries()) assert.ok(problems[i]!.startsWith(e), problems[i]);
    });
  }
});
