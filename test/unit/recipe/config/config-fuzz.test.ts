// Hostile config input — files (JSON and YAML text) and the Temporal UI's JSON — is refused with
// a ConfigError naming the problem, never a crash or a hang.
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { test } from 'node:test';
import { ConfigError, parseConfigText, resolveConfig } from '../../../../recipe/config';
import { check, hostileJson, judge } from '../../fuzz-helpers';

const configs = { classes: [ConfigError] };

test('config text: any JSON or YAML file parses or is a ConfigError', () => {
  const text = fc.oneof(
    fc.string({ maxLength: 400 }),
    hostileJson.map((v) => JSON.stringify(v) ?? ''),
    fc.constantFrom(
      'a: &a [*a]',
      '{"preset": "tiny", "seed": 1e999}',
      '- - - -',
      'preset: !!js/function x',
      '? [a]\n: b',
    ),
  );
  check(fc.tuple(text, fc.constantFrom('c.json', 'c.yaml', 'c.yml')), ([t, file]) =>
    judge(() => resolveConfig(parseConfigText(t, file), file), configs),
  );
});

test('prototype keys and inherited names are refused like any unknown key or preset', () => {
  for (const preset of ['constructor', 'toString', '__proto__'])
    assert.throws(() => resolveConfig({ preset }), /preset: unknown preset/);
  assert.throws(
    () => resolveConfig(JSON.parse('{"preset":"micro","stages":{"__proto__":{"x":1}}}')),
    /stages\.__proto__/,
  );
});

test('UI JSON input: any value is a config or a ConfigError', () => {
  check(hostileJson, (raw) => judge(() => resolveConfig(raw, 'workflow input'), configs));
  const nearlyValid = fc.record({
    preset: fc.constantFrom(
      'tiny',
      'micro',
      'nope',
      undefined,
      'constructor',
      'toString',
      '__proto__',
      'hasOwnProperty',
    ),
    seed: fc.oneof(fc.integer(), fc.double(), fc.string()),
    stages: fc.dictionary(fc.constantFrom('pretrain', 'r1Zero', 'finalRl', 'x', '__proto__'), hostileJson, {
      maxKeys: 3,
    }),
    workflow: fc.dictionary(fc.constantFrom('continueAsNewAfter', 'pipelineHistoryEvents'), hostileJson, {
      maxKeys: 2,
    }),
    retention: fc.dictionary(fc.constantFrom('scratch', 'intermediateCheckpoints'), hostileJson, { maxKeys: 2 }),
  });
  check(nearlyValid, (raw) => judge(() => resolveConfig(raw, 'workflow input'), configs));
});
