import { ProtoWriter } from '../onnx/proto-writer';

/**
 * The smallest useful ONNX model (y = x + x, float32 [1]), used only to find out whether an
 * execution provider really loads on this machine. Encoded directly so that probing a
 * device does not depend on the graph builder.
 */
export function probeModelBytes(): Uint8Array {
  const valueInfo = (name: string) => (v: ProtoWriter) => {
    v.string(1, name); // ValueInfoProto.name
    v.message(2, (type) =>
      type.message(1, (tensor) => {
        tensor.varint(1, 1); // elem_type FLOAT
        tensor.message(2, (shape) => shape.message(1, (dim) => dim.varint(1, 1)));
      }),
    );
  };
  const model = new ProtoWriter();
  model.varint(1, 9); // ir_version
  model.string(2, 'r1flow'); // producer_name
  model.message(7, (graph) => {
    graph.message(1, (node) => {
      node.string(1, 'x').string(1, 'x').string(2, 'y').string(3, 'probe_add').string(4, 'Add');
    });
    graph.string(2, 'device_probe');
    graph.message(11, valueInfo('x'));
    graph.message(12, valueInfo('y'));
  });
  model.message(8, (opset) => opset.string(1, '').varint(2, 17));
  return model.finish();
}
