// A run's policy as a Hugging Face folder in S3, under runs/<run>/export/hf/: every file recorded
// with its sha256 in the run manifest, and the export itself recorded in the manifest's info, so
// the report, the run's details and the CLI find it (storage/manifest exportedModelOf). The
// pipeline does this when a run ends; `r1flow export RUN` does the same on demand.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { CheckpointRef, ExportResult } from '../contracts/activities';
import { exportHfDirectory } from '../engine/export';
import type { ModelCheckpoint } from '../engine/checkpoint';
import type { ArtifactStore } from '../storage/artifact-store';
import { joinKey } from '../storage/keys';
import { runKeys } from '../storage/layout';
import { EXPORTED_MODEL_INFO, updateManifest } from '../storage/manifest';
import { RunStore } from '../storage/run-store';
import { scratchDir } from './checkpoint-io';

export interface ExportDeps {
  store: ArtifactStore;
  cacheDir: string;
}

export async function exportRunModel(
  deps: ExportDeps,
  runId: string,
  model: Pick<ModelCheckpoint, 'config' | 'params' | 'tokenizerFiles'>,
  from: Pick<CheckpointRef, 'sha256'>,
): Promise<ExportResult> {
  const scratch = scratchDir(deps);
  try {
    const result = exportHfDirectory(scratch, model, { dtype: 'f32' });
    const run = new RunStore(deps.store, runId);
    const prefix = run.key(runKeys.exportHf());
    const records = [];
    for (const file of result.files) records.push(await deps.store.putFile(joinKey(prefix, file), join(scratch, file)));
    await run.record(records);
    const exported: ExportResult = {
      uri: `${deps.store.uri(prefix)}/`,
      key: prefix,
      sha256: from.sha256,
      files: result.files,
    };
    await updateManifest(deps.store, runId, (m) => {
      m.info = { ...m.info, [EXPORTED_MODEL_INFO]: { ...exported, architecture: result.architecture } };
    });
    return exported;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
