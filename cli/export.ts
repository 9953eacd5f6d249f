// r1flow export SOURCE --format hf|onnx --out DIR [--dtype f32|bf16]: any model SOURCE names as a
// Hugging Face folder (transformers loads it) or as a standalone ONNX model (model.onnx, with the
// tokenizer files beside it). r1flow export RUN (nothing else): the run's final policy as a
// Hugging Face folder in S3 under runs/<run>/export/hf/, as every run leaves it when it ends.
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { exportHfDirectory, writePolicyOnnx, type ExportDtype } from '../engine/export';
import { countParams } from '../engine/model';
import { CONTEXT_LENGTH_OPTION, loadSource, sourceOptions } from './model-source';
import { fail } from './output';
import { exportRunModel } from '../activities/model-export';
import { loadConnection } from '../infra/connection';
import { ArtifactStore } from '../storage/artifact-store';
import { createS3Client } from '../storage/s3-client';

export const EXPORT_USAGE =
  'usage: r1flow export SOURCE --format hf|onnx --out DIR [--dtype f32|bf16] [--context-length N], or r1flow export RUN';

/** Protobuf caps an ONNX model at 2 GiB; weights stored inside it must stay below that. */
const ONNX_MAX_WEIGHT_BYTES = 2 ** 31 - 64 * 2 ** 20;

export async function exportCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: {
      format: { type: 'string' },
      out: { type: 'string' },
      dtype: { type: 'string' },
      ...CONTEXT_LENGTH_OPTION,
    },
    strict: true,
    allowPositionals: true,
  });
  const source = positionals[0];
  if (source && positionals.length === 1 && !values.out && !values.format && !values.dtype)
    return exportRunToS3(source);
  if (!source || positionals.length > 1 || !values.out) fail(EXPORT_USAGE);
  if (values.format !== 'hf' && values.format !== 'onnx') fail(`--format must be hf or onnx; ${EXPORT_USAGE}`);
  const dtype = (values.dtype ?? 'f32') as ExportDtype;
  if (dtype !== 'f32' && dtype !== 'bf16') fail(`--dtype must be f32 or bf16, got ${JSON.stringify(values.dtype)}`);
  if (values.format === 'onnx' && dtype !== 'f32') fail('--dtype bf16 applies to --format hf only');

  const model = await loadSource(source, sourceOptions(values));
  const out = values.out;
  if (values.format === 'hf') {
    const result = exportHfDirectory(out, model, { dtype });
    console.log(`Exported ${source} as ${result.architecture} (${dtype}) to ${out}: ${result.files.join(', ')}`);
    return 0;
  }
  const bytes = countParams(model.config) * 4;
  if (bytes > ONNX_MAX_WEIGHT_BYTES)
    fail(
      `SOURCE ${source} has ${(bytes / 2 ** 30).toFixed(1)} GiB of float32 weights; an ONNX model holds at most 2 GiB`,
    );
  mkdirSync(out, { recursive: true });
  const size = writePolicyOnnx(join(out, 'model.onnx'), model.config, model.params);
  for (const [name, json] of Object.entries(model.tokenizerFiles))
    writeFileSync(join(out, name), JSON.stringify(json, null, 2) + '\n');
  console.log(
    `Exported ${source} as a standalone ONNX model to ${join(out, 'model.onnx')} (${(size / 2 ** 20).toFixed(1)} MiB)`,
  );
  return 0;
}

/** The run's final checkpoint (or RUN/STAGE's) as a Hugging Face folder under runs/<run>/export/hf/. */
async function exportRunToS3(source: string): Promise<number> {
  const runId = source.split('/')[0];
  if (source.startsWith('s3://') || existsSync(source) || !/^[A-Za-z0-9][A-Za-z0-9._-]*(\/[A-Za-z0-9]+)?$/.test(source))
    fail(
      `without --format and --out, export takes a run id (or RUN/STAGE), not ${JSON.stringify(source)}; ${EXPORT_USAGE}`,
    );
  const model = await loadSource(source);
  if (!model.sha256) fail(`SOURCE ${source} is not an r1flow checkpoint`);
  const connection = loadConnection();
  const client = createS3Client(connection.s3);
  const cacheDir = mkdtempSync(join(tmpdir(), 'r1flow-export-'));
  try {
    const store = new ArtifactStore(client, connection.s3.bucket);
    const result = await exportRunModel({ store, cacheDir }, runId, model, { sha256: model.sha256 });
    console.log(
      `Exported ${source} (checkpoint ${model.sha256.slice(0, 12)}) to ${result.uri}: ${result.files.join(', ')}`,
    );
    return 0;
  } finally {
    client.destroy();
    rmSync(cacheDir, { recursive: true, force: true });
  }
}
