import type fs from 'node:fs';
import { DEQUANTIZABLE_TYPES, dequantize, isDequantizable, type DequantizableType } from './dequantize';
import type { GgufTensorInfo } from './gguf-file';

/**
 * Reads one tensor's data from an open GGUF file and dequantises it to float32 (in ggml's element
 * order: dims[0] fastest). Only this tensor's bytes are read; a type that cannot be dequantised is
 * an error naming the tensor and the type.
 */
export async function loadGgufTensor(
  handle: fs.promises.FileHandle,
  file: string,
  tensor: GgufTensorInfo,
): Promise<Float32Array> {
  const type = loadableType(file, tensor);
  return dequantize(type, await readTensorBytes(handle, file, tensor), tensor.elementCount);
}

/** The tensor's type, when it is one `dequantize` handles; otherwise an error naming tensor and type. */
export function loadableType(file: string, tensor: GgufTensorInfo): DequantizableType {
  const type = tensor.type.name;
  if (!isDequantizable(type)) {
    throw new Error(
      `GGUF file ${file}: tensor "${tensor.name}" has type ${type}, which cannot be loaded (supported: ${DEQUANTIZABLE_TYPES.join(', ')}).`,
    );
  }
  return type;
}

/** Reads exactly one tensor's bytes from the file. */
export async function readTensorBytes(
  handle: fs.promises.FileHandle,
  file: string,
  tensor: GgufTensorInfo,
): Promise<Uint8Array> {
  const bytes = new Uint8Array(tensor.byteLength);
  let done = 0;
  while (done < bytes.length) {
    const { bytesRead } = await handle.read(bytes, done, bytes.length - done, tensor.offset + done);
    if (bytesRead === 0)
      throw new Error(`GGUF file ${file}: tensor "${tensor.name}" ends early, at byte ${tensor.offset + done}.`);
    done += bytesRead;
  }
  return bytes;
}
