// A Hugging Face model folder on disk as HfModelFiles: config.json, the weights
// (model.safetensors or shards listed in model.safetensors.index.json), generation_config.json
// and the tokenizer files, each checked with a one-sentence error naming the file.

import fs from 'node:fs';
import path from 'node:path';
import type { HfModelFiles } from './model-files';
import { openSafetensorsSource } from './safetensors-source';

export const HF_FILES = {
  config: 'config.json',
  weights: 'model.safetensors',
  index: 'model.safetensors.index.json',
  generationConfig: 'generation_config.json',
  tokenizer: 'tokenizer.json',
  tokenizerConfig: 'tokenizer_config.json',
  chatTemplate: 'chat_template.jinja',
} as const;

function readJsonObject(file: string): Record<string, unknown> {
  let json: unknown;
  try {
    json = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`${file} is not valid JSON (${(error as Error).message}).`, { cause: error });
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    throw new Error(`${file} must hold a JSON object.`);
  return json as Record<string, unknown>;
}

function optionalJson(file: string): Record<string, unknown> | undefined {
  return fs.existsSync(file) ? readJsonObject(file) : undefined;
}

/** The safetensors files of a model folder: the single file, or every shard the index names. */
export function weightFiles(dir: string): string[] {
  const indexFile = path.join(dir, HF_FILES.index);
  if (fs.existsSync(indexFile)) {
    const index = readJsonObject(indexFile);
    const map = index.weight_map;
    if (typeof map !== 'object' || map === null || Array.isArray(map))
      throw new Error(`${indexFile} has no "weight_map" object.`);
    const shards = [...new Set(Object.values(map as Record<string, unknown>))];
    for (const shard of shards) {
      if (typeof shard !== 'string' || shard.includes('/') || shard.includes('\\'))
        throw new Error(`${indexFile} names shard ${JSON.stringify(shard)}, which is not a file name.`);
      if (!fs.existsSync(path.join(dir, shard)))
        throw new Error(`${indexFile} names shard ${shard}, which is missing from ${dir}.`);
    }
    return shards.sort().map((shard) => path.join(dir, shard as string));
  }
  const single = path.join(dir, HF_FILES.weights);
  if (!fs.existsSync(single))
    throw new Error(`${dir} has neither ${HF_FILES.weights} nor ${HF_FILES.index}; no weights to load.`);
  return [single];
}

/**
 * Opens a Hugging Face model folder. Only headers are read here; the tensors are read one at a
 * time through `tensors.load`. With an index, every tensor it lists must be in the shard it names.
 */
export function openHfDirectory(dir: string): HfModelFiles {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) throw new Error(`${dir} is not a folder.`);
  const configFile = path.join(dir, HF_FILES.config);
  if (!fs.existsSync(configFile))
    throw new Error(`${dir} has no ${HF_FILES.config}; it is not a Hugging Face model folder.`);
  const config = readJsonObject(configFile);
  const files = weightFiles(dir);
  const tensors = openSafetensorsSource(files);
  const indexFile = path.join(dir, HF_FILES.index);
  if (fs.existsSync(indexFile)) {
    const listed = new Set(tensors.list().map((t) => t.name));
    for (const [name, shard] of Object.entries(readJsonObject(indexFile).weight_map as Record<string, string>)) {
      if (!listed.has(name))
        throw new Error(`${indexFile} lists tensor "${name}" in ${shard}, which does not hold it.`);
    }
  }
  const tokenizerConfig = optionalJson(path.join(dir, HF_FILES.tokenizerConfig));
  const templateFile = path.join(dir, HF_FILES.chatTemplate);
  // transformers 5 saves the chat template beside tokenizer_config.json; older versions inside it.
  const withTemplate =
    fs.existsSync(templateFile) && tokenizerConfig?.chat_template === undefined
      ? { ...(tokenizerConfig ?? {}), chat_template: fs.readFileSync(templateFile, 'utf8') }
      : tokenizerConfig;
  const generationConfig = optionalJson(path.join(dir, HF_FILES.generationConfig));
  const tokenizerJson = optionalJson(path.join(dir, HF_FILES.tokenizer));
  return {
    source: dir,
    config,
    ...(generationConfig ? { generationConfig } : {}),
    ...(tokenizerJson ? { tokenizerJson } : {}),
    ...(withTemplate ? { tokenizerConfig: withTemplate } : {}),
    tensors,
  };
}
