import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { parsePatch, readPatch } from '../../../cli/resume';
import { ConfigError } from '../../../recipe/config';
import { problemsOf } from '../../helpers/config-problems';

describe('resume patches', () => {
  test('JSON and YAML patches', () => {
    assert.deepEqual(parsePatch('{"seed": 3}', 'p.json'), { seed: 3 });
    assert.deepEqual(parsePatch('stages:\n  r1Zero:\n    grpo:\n      steps: 5\n', 'p.yaml'), {
      stages: { r1Zero: { grpo: { steps: 5 } } },
    });
  });

  test('malformed JSON names the line', () => {
    const problems = problemsOf(() => parsePatch('{\n"seed": 3,\n}', 'p.json'));
    assert.equal(problems.length, 1);
    assert.match(problems[0]!, /malformed JSON at line 3, column 1/);
  });

  test('malformed YAML names the line', () => {
    const problems = problemsOf(() => parsePatch('seed: 3\nstages: [1, 2\n', 'p.yml'));
    assert.match(problems[0]!, /malformed YAML at line \d+/);
  });

  test('a patch must be a non-empty object of config keys', () => {
    assert.match(problemsOf(() => parsePatch('[1, 2]', 'p.json'))[0]!, /^\(root\): a patch must be an object/);
    assert.match(problemsOf(() => parsePatch('', 'p.yaml'))[0]!, /^\(root\): a patch must be an object/);
    assert.match(problemsOf(() => parsePatch('{}', 'p.json'))[0]!, /the patch is empty/);
    assert.deepEqual(
      problemsOf(() => parsePatch('sed: 3\nstages: {}\nfoo: 1\n', 'p.yaml')).map((p) => p.split(' (')[0]),
      ['sed: unknown key', 'foo: unknown key'],
    );
  });

  test('the error names the file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'r1flow-patch-'));
    const file = join(dir, 'bad.json');
    writeFileSync(file, '{"seed": }');
    assert.throws(
      () => readPatch(file),
      (err: unknown) => err instanceof ConfigError && err.message.startsWith(`${file}: `),
    );
    const missing = join(dir, 'missing.yaml');
    assert.throws(
      () => readPatch(missing),
      (err: unknown) =>
        err instanceof ConfigError &&
        err.message.startsWith(`${missing}: `) &&
        /cannot read patch file/.test(err.message),
    );
    const good = join(dir, 'good.yaml');
    writeFileSync(good, 'seed: 9\n');
    assert.deepEqual(readPatch(good), { seed: 9 });
  });
});
