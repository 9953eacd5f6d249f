export { SAFETENSORS_DTYPE_BYTES, dtypeByteWidth, isSafetensorsDType, type SafetensorsDType } from './dtypes';
export { float32ToFloat16Bits, float16BitsToFloat32, float32ToBfloat16Bits, bfloat16BitsToFloat32 } from './float16';
export {
  elementCount,
  expectedByteLength,
  tensorFromArray,
  toFloat32Array,
  toTypedArray,
  type NumericArray,
  type SafetensorsTensor,
} from './tensor';
export { encodeSafetensors, writeSafetensorsFile, type SafetensorsEntries, type SafetensorsMetadata } from './encode';
export {
  DEFAULT_MAX_HEADER_BYTES,
  decodeSafetensors,
  readExactly,
  readSafetensorsFile,
  readSafetensorsHeader,
  type SafetensorsContents,
  type SafetensorsEntry,
  type SafetensorsReadOptions,
} from './decode';
