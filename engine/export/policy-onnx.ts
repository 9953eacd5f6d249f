import fs from 'node:fs';
import { GraphBuilder } from '../onnx/graph-builder';
import { encodeModel } from '../onnx/encode';
import { type ModelConfig, type Params, checkParams, declareWeightInitializers, modelForward } from '../model';
import { canonicalJson } from '../checkpoint/canonical-json';

/**
 * The policy as a self-contained ONNX model: weights stored as initializers, one input
 * `input_ids` (int64 [batch, seq]) and one output `logits` (float32 [batch, seq, vocab]).
 * Any onnxruntime (Python, C++, web) can run it without this engine. The model config is kept
 * in the model's doc string as JSON.
 *
 * Protobuf caps a model at 2 GiB, far above the sizes this engine trains.
 */
export function exportPolicyOnnx(cfg: ModelConfig, params: Params): Uint8Array {
  checkParams(cfg, params);
  const g = new GraphBuilder('r1flow_policy');
  const weights = declareWeightInitializers(g, cfg, params);
  const inputIds = g.input('input_ids', 'int64', ['batch', 'seq']);
  const { logits } = modelForward(g, cfg, weights, inputIds);
  g.output(logits, 'logits');
  return encodeModel(g, { docString: canonicalJson({ r1flow: 'policy', config: cfg }) });
}

/** Writes the standalone model to `path` (via a temporary name, so readers never see half a file). */
export function writePolicyOnnx(path: string, cfg: ModelConfig, params: Params): number {
  const bytes = exportPolicyOnnx(cfg, params);
  const temporary = `${path}.partial-${process.pid}`;
  fs.writeFileSync(temporary, bytes);
  fs.renameSync(temporary, path);
  return bytes.byteLength;
}
