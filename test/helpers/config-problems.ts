// The problems a config error lists, for tests that check what a user is told.
import assert from 'node:assert/strict';
import { ConfigError } from '../../recipe/config';

export function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected ConfigError, got ${String(err)}`);
    return err.problems;
  }
  assert.fail('expected a ConfigError');
}
