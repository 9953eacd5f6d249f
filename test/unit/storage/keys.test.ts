import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { InvalidKeyError } from '../../../storage/errors';
import { joinKey, parseS3Uri, runPrefix, validateKey, validateSegment } from '../../../storage/keys';

describe('object keys', () => {
  test('ordinary keys pass unchanged', () => {
    assert.equal(
      validateKey('runs/abc/pretrain/step-000010/model.safetensors'),
      'runs/abc/pretrain/step-000010/model.safetensors',
    );
    assert.equal(joinKey('runs', 'abc', 'manifest.json'), 'runs/abc/manifest.json');
  });

  for (const [key, why] of [
    ['', 'empty'],
    ['/etc/passwd', 'starts with "/"'],
    ['runs/../other/secret', '".." segment'],
    ['runs/./x', '"." segment'],
    ['runs/a\u0000b', 'control character'],
    ['runs/a\nb', 'control character'],
    ['runs\\a', 'backslash'],
    ['runs//a', 'empty segment'],
    ['x'.repeat(1025), 'longer than'],
  ] as const) {
    test(`refuses ${JSON.stringify(key.slice(0, 20))}`, () => {
      assert.throws(
        () => validateKey(key),
        (err: unknown) => err instanceof InvalidKeyError && err.message.includes(why) && err.key === key,
      );
    });
  }

  test('a run id cannot escape its prefix', () => {
    assert.equal(runPrefix('run-1'), 'runs/run-1');
    for (const bad of ['../x', 'a/b', '', '.hidden', 'a b', 'ü']) {
      assert.throws(() => runPrefix(bad), InvalidKeyError, bad);
    }
    assert.throws(() => validateSegment('x'.repeat(129), 'run id'), /invalid run id/);
  });

  test('s3 URIs parse and are validated', () => {
    assert.deepEqual(parseS3Uri('s3://bucket/runs/a/b.json'), { bucket: 'bucket', key: 'runs/a/b.json' });
    assert.throws(() => parseS3Uri('http://bucket/x'), /expected s3:\/\/bucket\/key/);
    assert.throws(() => parseS3Uri('s3://bucket/../x'), InvalidKeyError);
  });
});
