export {
  CHECKPOINT_FILES,
  bundleHash,
  checkpointHash,
  encodeCheckpoint,
  sha256Hex,
  type CheckpointBundle,
  type CheckpointFileEntry,
  type CheckpointManifest,
  type HostTensor,
  type TensorMap,
} from './bundle';
export { loadCheckpoint, readCheckpointManifest, saveCheckpoint } from './directory';
export { canonicalJson } from './canonical-json';
export {
  gptCheckpointHash,
  loadGptCheckpoint,
  loadModelCheckpoint,
  modelCheckpointHash,
  saveGptCheckpoint,
  saveModelCheckpoint,
  type GptCheckpoint,
  type ModelCheckpoint,
} from './model-checkpoint';
