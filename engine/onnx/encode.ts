// Serialise a GraphBuilder into ONNX ModelProto bytes (field numbers from onnx.proto).

import { ONNX_DTYPE_CODE, type DType } from './dtype';
import type { AttrValue, GraphBuilder, Value } from './graph-builder';
import { ProtoWriter } from './proto-writer';
import { threadStableNodes } from './thread-stable-products';

export const OPSET_VERSION = 20;
/** The IR version each opset we emit pairs with (ONNX's versioning table). */
const IR_VERSION_OF: Record<number, number> = { 20: 9, 21: 10, 22: 10, 23: 11 };

const ATTR_FLOAT = 1,
  ATTR_INT = 2,
  ATTR_STRING = 3,
  ATTR_TENSOR = 4,
  ATTR_GRAPH = 5,
  ATTR_FLOATS = 6,
  ATTR_INTS = 7,
  ATTR_STRINGS = 8;

function writeTensor(
  w: ProtoWriter,
  t: { dtype: DType; dims: readonly number[]; data: Uint8Array; name?: string },
): void {
  if (t.dims.length) w.packedVarints(1, t.dims);
  w.varint(2, ONNX_DTYPE_CODE[t.dtype]);
  if (t.name) w.string(8, t.name);
  w.bytes(9, t.data);
}

function writeValueInfo(w: ProtoWriter, v: Value): void {
  w.string(1, v.name);
  w.message(2, (type) =>
    type.message(1, (tensor) => {
      tensor.varint(1, ONNX_DTYPE_CODE[v.dtype]);
      tensor.message(2, (shape) => {
        for (const d of v.shape) {
          shape.message(1, (dim) => (typeof d === 'number' ? dim.varint(1, d) : dim.string(2, d)));
        }
      });
    }),
  );
}

function writeAttribute(w: ProtoWriter, name: string, a: AttrValue): void {
  w.string(1, name);
  if (typeof a === 'number') {
    if (Number.isInteger(a)) w.varint(3, a).varint(20, ATTR_INT);
    else w.float(2, a).varint(20, ATTR_FLOAT);
  } else if (typeof a === 'string') {
    w.string(4, a).varint(20, ATTR_STRING);
  } else if (Array.isArray(a)) {
    if (a.length > 0 && typeof a[0] === 'string') {
      for (const s of a as string[]) w.string(9, s);
      w.varint(20, ATTR_STRINGS);
    } else {
      const nums = a as number[];
      if (nums.every((x) => Number.isInteger(x))) w.packedVarints(8, nums).varint(20, ATTR_INTS);
      else w.packedFloats(7, nums).varint(20, ATTR_FLOATS);
    }
  } else if ('float' in a) {
    w.float(2, a.float).varint(20, ATTR_FLOAT);
  } else if ('floats' in a) {
    w.packedFloats(7, a.floats).varint(20, ATTR_FLOATS);
  } else if ('tensor' in a) {
    w.message(5, (t) => writeTensor(t, a.tensor)).varint(20, ATTR_TENSOR);
  } else if ('graph' in a) {
    w.message(6, (g) => writeGraph(g, a.graph)).varint(20, ATTR_GRAPH);
  }
}

function writeGraph(w: ProtoWriter, g: GraphBuilder): void {
  // Products are written in a form whose results do not depend on the thread count.
  for (const n of threadStableNodes(g)) {
    w.message(1, (nw) => {
      for (const i of n.inputs) nw.string(1, i ? i.name : '');
      for (const o of n.outputs) nw.string(2, o.name);
      nw.string(3, n.name);
      nw.string(4, n.opType);
      for (const [k, v] of Object.entries(n.attrs)) nw.message(5, (aw) => writeAttribute(aw, k, v));
      if (n.domain) nw.string(7, n.domain);
    });
  }
  w.string(2, g.name);
  for (const init of g.initializers) {
    w.message(5, (t) =>
      writeTensor(t, { dtype: init.value.dtype, dims: init.dims, data: init.data, name: init.value.name }),
    );
  }
  for (const v of g.inputs) w.message(11, (vw) => writeValueInfo(vw, v));
  for (const v of g.outputs) w.message(12, (vw) => writeValueInfo(vw, v));
}

export interface EncodeOptions {
  /** Extra opset imports, e.g. { 'com.microsoft': 1 } for contrib ops. */
  extraOpsets?: Record<string, number>;
  /**
   * Default-domain opset, 20 unless a graph uses newer ops (23 brings RMSNormalization,
   * RotaryEmbedding and Attention).
   */
  opset?: 20 | 21 | 22 | 23;
  producerName?: string;
  docString?: string;
}

/** ONNX ModelProto bytes for a top-level graph. */
export function encodeModel(g: GraphBuilder, opts: EncodeOptions = {}): Uint8Array {
  const w = new ProtoWriter();
  const opset = opts.opset ?? OPSET_VERSION;
  w.varint(1, IR_VERSION_OF[opset]);
  w.string(2, opts.producerName ?? 'r1flow');
  w.string(3, '0.1.0');
  if (opts.docString) w.string(6, opts.docString);
  w.message(7, (gw) => writeGraph(gw, g));
  w.message(8, (o) => o.string(1, '').varint(2, opset));
  for (const [domain, version] of Object.entries(opts.extraOpsets ?? {})) {
    w.message(8, (o) => o.string(1, domain).varint(2, version));
  }
  return w.finish();
}
