// Hostile JSONL datasets: every line is a problem, a counted skip, or (onBadLine fail) an Error
// that names the line — never a crash or a hang.
import fc from 'fast-check';
import { test } from 'node:test';
import { parseJsonlProblems } from '../../../../recipe/datasets/jsonl';
import { check, hostileJson, judge } from '../../fuzz-helpers';

const line = fc.oneof(
  fc.string({ maxLength: 200 }),
  hostileJson.map((v) => JSON.stringify(v) ?? 'undefined'),
  fc
    .record({ question: hostileJson, answer: hostileJson, language: hostileJson }, { requiredKeys: [] })
    .map((o) => JSON.stringify(o)),
);

test('JSONL datasets: any text parses, skips with reasons, or names its bad line', () => {
  check(
    fc.tuple(fc.array(line, { maxLength: 8 }), fc.constantFrom('fail', 'skip') as fc.Arbitrary<'fail' | 'skip'>),
    ([lines, onBadLine]) =>
      judge(() => parseJsonlProblems(lines.join('\n'), { onBadLine, source: 'fuzz.jsonl' }), {
        plainErrorMentions: 'fuzz.jsonl line',
      }),
  );
});
