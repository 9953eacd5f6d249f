// r1flow export SOURCE --format hf|onnx --out DIR [--dtype f32|bf16]: any model SOURCE names as a
// Hugging Face folder (transformers loads it) or as a standalone ONNX model (model.onnx, with the
// tokenizer files beside it).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { exportHfDirectory, writePolicyOnnx, type ExportDtype } from '../engine/export';
import { countParams } from '../engine/model';
import { CONTEXT_LENGTH_OPTION, loadSource, sourceOptions } from './model-source';
import { fail } from './output';

export const EXPORT_USAGE =
  'usage: r1flow export SOURCE --format hf|onnx --out DIR [--dtype f32|bf16] [--context-length N]';

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
