// What every fuzz test of a parser of outside input checks: whatever the input, the parser
// returns, or throws an error the project made on purpose — an instance of one of its named error
// classes, or (the engine's parsers) a plain Error whose message names the source — never a
// TypeError, RangeError or other crash; it answers within a time bound (no hang); and it never
// allocates memory in proportion to a length field it has not checked.
import assert from 'node:assert/strict';
import fc from 'fast-check';

export interface Expected {
  /** error classes the parser throws on purpose */
  classes?: Array<abstract new (...args: never[]) => Error>;
  /** for plain Errors: the message must name the input (a file name, a source) */
  plainErrorMentions?: string;
}

/** One parse, judged: returns on success, fails the property on a crash. */
export function judge(run: () => unknown, expected: Expected, maxMs = 2000): void {
  const started = performance.now();
  try {
    run();
  } catch (err) {
    const named = expected.classes?.some((c) => err instanceof c) ?? false;
    const plain =
      expected.plainErrorMentions !== undefined &&
      err instanceof Error &&
      err.constructor === Error &&
      err.message.includes(expected.plainErrorMentions);
    if (!named && !plain) throw new Error(`not a named error: ${(err as Error)?.stack ?? String(err)}`, { cause: err });
  } finally {
    const ms = performance.now() - started;
    assert.ok(ms < maxMs, `one parse took ${ms.toFixed(0)} ms`);
  }
}

/** Runs a property with the suite's budget: enough cases to find crashes, few enough for the unit run. */
export function check<T>(arb: fc.Arbitrary<T>, predicate: (value: T) => void, numRuns = 300): void {
  fc.assert(fc.property(arb, predicate), { numRuns, seed: Number(process.env.R1FLOW_FUZZ_SEED ?? 20260101) });
}

/** JSON-ish values, with the odd shapes hostile input has (prototype keys, deep nesting, huge numbers). */
export const hostileJson: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.constantFrom(null, true, false, 0, -1, 1e308, -1e308, 2 ** 53 + 1, Number.NaN, '', '__proto__', 'constructor'),
    fc.double(),
    fc.string(),
    fc.array(tie('value'), { maxLength: 5 }),
    fc.dictionary(
      fc.oneof(fc.string(), fc.constantFrom('__proto__', 'constructor', 'preset', 'stages')),
      tie('value'),
      {
        maxKeys: 5,
      },
    ),
  ),
})).value;

/** Arenas of memory a parse may use: above this, it allocated from a length field. */
export function assertNoLargeAllocation(run: () => void, limitBytes = 64 * 1024 * 1024): void {
  const before = process.memoryUsage();
  run();
  const after = process.memoryUsage();
  const grown = after.arrayBuffers - before.arrayBuffers + (after.heapUsed - before.heapUsed);
  assert.ok(grown < limitBytes, `the parse allocated ${(grown / 2 ** 20).toFixed(0)} MiB`);
}
