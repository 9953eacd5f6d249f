import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { UsageError } from '../../../cli/output';
import {
  checkCron,
  checkScheduleName,
  parseDuration,
  parseOverlap,
  scheduleSpec,
  specDescription,
} from '../../../cli/schedule';

function usageError(fn: () => unknown, pattern: RegExp): void {
  assert.throws(fn, (err: unknown) => err instanceof UsageError && pattern.test(err.message));
}

describe('durations', () => {
  test('units and combinations', () => {
    assert.equal(parseDuration('30s'), 30_000);
    assert.equal(parseDuration('15m'), 900_000);
    assert.equal(parseDuration('6h'), 21_600_000);
    assert.equal(parseDuration('1d'), 86_400_000);
    assert.equal(parseDuration('2w'), 1_209_600_000);
    assert.equal(parseDuration('1h30m'), 5_400_000);
    assert.equal(parseDuration('1.5h'), 5_400_000);
  });

  test('anything else is refused with the flag named', () => {
    for (const bad of ['', '10', 'abc', '5x', '1h 30', 'h1', '-5m'])
      usageError(() => parseDuration(bad), /^--every must be a duration/);
    usageError(() => parseDuration('0s'), /^--every must be at least 1s/);
  });
});

describe('overlap policies', () => {
  test('CLI names map to Temporal policies', () => {
    assert.equal(parseOverlap('skip'), 'SKIP');
    assert.equal(parseOverlap('buffer-one'), 'BUFFER_ONE');
    assert.equal(parseOverlap('allow-all'), 'ALLOW_ALL');
    assert.equal(parseOverlap('cancel-other'), 'CANCEL_OTHER');
  });

  test('an unknown policy lists the choices', () => {
    usageError(() => parseOverlap('SKIP'), /^--overlap must be one of skip, buffer-one, .*cancel-other/);
  });
});

describe('schedule specs', () => {
  test('cron expressions and macros', () => {
    assert.equal(checkCron(' 0  3 * * * '), '0 3 * * *');
    assert.equal(checkCron('@daily'), '@daily');
    assert.equal(checkCron('*/15 * * * MON-FRI'), '*/15 * * * MON-FRI');
    usageError(() => checkCron('0 3 * *'), /^--cron must have 5 fields/);
    usageError(() => checkCron('1 2 3 4 5 6 7 8'), /^--cron must have 5 fields/);
    usageError(() => checkCron('0 3 * * $'), /^--cron field "\$"/);
  });

  test('exactly one of --cron and --every', () => {
    usageError(() => scheduleSpec({}), /exactly one of --cron/);
    usageError(() => scheduleSpec({ cron: '@daily', every: '1d' }), /exactly one of --cron/);
    assert.deepEqual(scheduleSpec({ cron: '0 3 * * *' }), {
      spec: { cronExpressions: ['0 3 * * *'] },
      text: 'cron "0 3 * * *" (UTC)',
    });
    assert.deepEqual(scheduleSpec({ every: '6h' }), { spec: { intervals: [{ every: 21_600_000 }] }, text: 'every 6h' });
  });

  test('described from the memo, or from intervals when there is none', () => {
    assert.equal(specDescription(undefined, { r1flowSpec: 'every 1d' }), 'every 1d');
    assert.equal(specDescription({ intervals: [{ every: 90_000, offset: 0 }] }, undefined), 'every 1m30s');
    assert.equal(specDescription(undefined, undefined), '–');
  });
});

describe('schedule names', () => {
  test('a name is a valid lineage', () => {
    assert.equal(checkScheduleName('nightly.tiny_v2-a', 'u'), 'nightly.tiny_v2-a');
    usageError(() => checkScheduleName('-nightly', 'u'), /must start with a letter or digit/);
    usageError(() => checkScheduleName('a'.repeat(65), 'u'), /at most 64/);
    usageError(() => checkScheduleName('a b', 'u'), /must start with a letter or digit/);
    usageError(
      () => checkScheduleName(undefined, 'r1flow schedule describe NAME'),
      /^usage: r1flow schedule describe NAME$/,
    );
  });
});
