// Downloading a model that lives in S3 as a Hugging Face folder (a prefix with config.json) or a
// .gguf object, into a local folder the engine's importers read. Files go to disk, not memory.
import { basename, join } from 'node:path';
import type { ArtifactStore } from './artifact-store';
import { joinKey } from './keys';

/** Files of a Hugging Face model prefix worth downloading (weights, configs, tokenizer, template). */
const HF_FILE = /\.(json|safetensors|jinja)$/;

/** The file names directly under a prefix (not in sub-folders). */
export async function namesUnder(store: ArtifactStore, key: string): Promise<Set<string>> {
  const names = new Set<string>();
  for await (const object of store.list(`${key}/`)) {
    const rest = object.key.slice(key.length + 1);
    if (!rest.includes('/')) names.add(rest);
  }
  return names;
}

/**
 * Downloads `key` (a .gguf object, or a prefix holding config.json) into `dir` and returns the
 * local path to load; undefined when the key is neither.
 */
export async function downloadHfModel(
  store: ArtifactStore,
  key: string,
  dir: string,
  names?: Set<string>,
): Promise<string | undefined> {
  if (key.toLowerCase().endsWith('.gguf')) {
    const file = join(dir, basename(key));
    await store.getToFile(key, file);
    return file;
  }
  const files = names ?? (await namesUnder(store, key));
  if (!files.has('config.json')) return undefined;
  for (const name of [...files].filter((n) => HF_FILE.test(n)).sort())
    await store.getToFile(joinKey(key, name), join(dir, name));
  return dir;
}
