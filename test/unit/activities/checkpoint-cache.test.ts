import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { cacheMaxBytesFromEnv, CheckpointDiskCache } from '../../../activities/checkpoint-cache';

/** A cache with `n` checkpoint folders of 1000 bytes, the first used longest ago. */
function filled(n: number, maxBytes: number): CheckpointDiskCache {
  const cache = new CheckpointDiskCache(mkdtempSync(join(tmpdir(), 'r1flow-cache-test-')), maxBytes);
  for (let i = 0; i < n; i++) {
    const dir = cache.dir(`sha${i}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'params.safetensors'), Buffer.alloc(1000));
    const at = new Date(Date.now() - (n - i) * 60_000);
    utimesSync(dir, at, at);
  }
  return cache;
}

test('eviction removes the least recently used folders until the cache fits its cap', () => {
  const cache = filled(5, 2500);
  cache.touch('sha0');
  const { removed, keptBytes } = cache.evict();
  assert.deepEqual(removed, ['sha1', 'sha2', 'sha3']);
  assert.equal(keptBytes, 2000);
  assert.ok(existsSync(cache.dir('sha0')), 'a folder just used is kept');
  assert.ok(existsSync(cache.dir('sha4')));
});

test('a folder pinned by a running read is never evicted, and is again once the read ends', async () => {
  const cache = filled(3, 0);
  await cache.pinned('sha0', async () => {
    const { removed } = cache.evict();
    assert.deepEqual(removed.sort(), ['sha1', 'sha2']);
    assert.ok(existsSync(cache.dir('sha0')), 'pinned folder kept');
  });
  assert.deepEqual(cache.evict().removed, ['sha0']);
});

test("a dead process's pins do not protect anything", () => {
  const cache = filled(2, 0);
  mkdirSync(join(cache.root, 'pins'), { recursive: true });
  // pid 2^22 + 1 is above Linux's pid limit, so no process has it
  writeFileSync(join(cache.root, 'pins', `sha0.${2 ** 22 + 1}.1`), '');
  assert.deepEqual(cache.evict().removed.sort(), ['sha0', 'sha1']);
});

test('the cap comes from R1FLOW_CACHE_MAX_GB, and a bad value is named', () => {
  assert.equal(cacheMaxBytesFromEnv({ R1FLOW_CACHE_MAX_GB: '0.5' }), 512 * 1024 ** 2);
  assert.equal(cacheMaxBytesFromEnv({}), 4 * 1024 ** 3);
  assert.throws(() => cacheMaxBytesFromEnv({ R1FLOW_CACHE_MAX_GB: 'lots' }), /R1FLOW_CACHE_MAX_GB must be a number/);
});
