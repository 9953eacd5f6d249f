// Hostile run manifests — any text, any JSON, a valid manifest with one field replaced — parse or
// are a ManifestError naming the key; never a crash. The manifest drives resumes and repairs.
import fc from 'fast-check';
import { test } from 'node:test';
import { emptyManifest, ManifestError, parseManifest } from '../../../storage/manifest';
import { check, hostileJson, judge } from '../fuzz-helpers';

const expected = { classes: [ManifestError] };

function valid(): Record<string, unknown> {
  const m = emptyManifest('r') as unknown as Record<string, unknown>;
  m.objects = { 'runs/r/a.json': { sha256: 'a'.repeat(64), size: 3, writtenAt: '2026-01-01T00:00:00.000Z' } };
  m.stages = { r1Zero: { status: 'done', updatedAt: '2026-01-01T00:00:00.000Z' } };
  return m;
}

test('run manifests: any text or JSON is a manifest or a ManifestError', () => {
  check(
    fc.oneof(
      fc.string({ maxLength: 300 }),
      hostileJson.map((v) => JSON.stringify(v) ?? ''),
    ),
    (text) => judge(() => parseManifest(text, 'runs/r/manifest.json'), expected),
  );
  const field = fc.constantFrom('version', 'runId', 'objects', 'stages', 'info', 'createdAt');
  check(fc.tuple(field, hostileJson), ([name, value]) => {
    const m = valid();
    m[name] = value;
    judge(() => parseManifest(JSON.stringify(m), 'runs/r/manifest.json'), expected);
  });
});
