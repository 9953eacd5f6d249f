// Resume patches — from a file on the command line, and as the workflow validates them (merged
// over the run's config) — are refused with a ConfigError, never a crash.
import fc from 'fast-check';
import { test } from 'node:test';
import { parsePatch } from '../../../cli/resume';
import { ConfigError, deepMerge, resolveConfig } from '../../../recipe/config';
import { check, hostileJson, judge } from '../fuzz-helpers';

test('resume patches: any file or JSON value is a patch or a ConfigError', () => {
  check(
    fc.tuple(
      fc.oneof(
        fc.string({ maxLength: 300 }),
        hostileJson.map((v) => JSON.stringify(v) ?? ''),
      ),
      fc.constantFrom('p.json', 'p.yaml'),
    ),
    ([text, file]) => judge(() => parsePatch(text, file), { classes: [ConfigError] }),
  );
  check(hostileJson, (patch) =>
    judge(() => resolveConfig(deepMerge({ preset: 'micro' }, patch), 'resume patch'), { classes: [ConfigError] }),
  );
});
