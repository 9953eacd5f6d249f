import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { UsageError } from '../../../cli/output';
import { checkRunId, generateRunId, runIdProblem, runUiLink, utcStamp } from '../../../cli/run-id';

describe('run ids', () => {
  const when = new Date(Date.UTC(2025, 0, 2, 3, 4, 5));

  test('default ids name the preset, the UTC time and a random tail', () => {
    assert.equal(utcStamp(when), '20250102-030405');
    assert.equal(generateRunId('tiny', when, 'beef'), 'r1-tiny-20250102-030405-beef');
    assert.equal(generateRunId(undefined, when, '0a1b'), 'r1-custom-20250102-030405-0a1b');
  });

  test('the random tail is four hex digits and varies', () => {
    const ids = new Set<string>();
    for (let i = 0; i < 20; i++) {
      const id = generateRunId('micro', when);
      assert.match(id, /^r1-micro-20250102-030405-[0-9a-f]{4}$/);
      ids.add(id);
    }
    assert.ok(ids.size > 1);
  });

  test('generated ids are valid run ids', () => {
    assert.equal(runIdProblem(generateRunId('tiny')), undefined);
  });

  test('valid and invalid ids', () => {
    for (const ok of ['a', 'r1-tiny-1', 'A.b_c-9', 'x'.repeat(128)]) assert.equal(runIdProblem(ok), undefined, ok);
    assert.match(runIdProblem('')!, /empty/);
    assert.match(runIdProblem('x'.repeat(129))!, /129 characters/);
    assert.match(runIdProblem('a/b')!, /contains "\/"/);
    assert.match(runIdProblem('a b')!, /contains " "/);
    assert.match(runIdProblem('..')!, /cannot be/);
  });

  test('a bad --id is a usage error that names the flag', () => {
    assert.equal(checkRunId('good-id', '--id'), 'good-id');
    assert.throws(
      () => checkRunId('bad:id', '--id'),
      (err: unknown) => err instanceof UsageError && /^--id "bad:id" contains ":"/.test(err.message),
    );
  });

  test('UI links', () => {
    assert.equal(
      runUiLink({ uiUrl: 'http://127.0.0.1:8233/', namespace: 'default' }, 'r1-x'),
      'http://127.0.0.1:8233/namespaces/default/workflows/r1-x',
    );
    assert.equal(
      runUiLink({ uiUrl: 'https://ui.example', namespace: 'ns.acct' }, 'nightly-2025-01-02T03:00:00Z'),
      'https://ui.example/namespaces/ns.acct/workflows/nightly-2025-01-02T03%3A00%3A00Z',
    );
    assert.equal(runUiLink({ namespace: 'default' }, 'r1-x'), undefined);
  });
});
