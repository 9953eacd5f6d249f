// The small Llama-family fixture (test/fixtures/hf/llama) copied to a scratch folder with a longer
// max_position_embeddings: its 128 positions hold no R1 prompt, and a base model's context is
// capped by what its config.json says.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../../infra/paths';

export const LLAMA_FIXTURE = join(projectRoot, 'test', 'fixtures', 'hf', 'llama');

/** The files of the model (the fixture folder also holds the reference outputs of its tests). */
const MODEL_FILES = [
  'config.json',
  'generation_config.json',
  'model.safetensors',
  'tokenizer.json',
  'tokenizer_config.json',
  'chat_template.jinja',
];

export function llamaFixtureCopy(maxPositions = 1024): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'r1flow-llama-fixture-'));
  for (const name of MODEL_FILES) cpSync(join(LLAMA_FIXTURE, name), join(dir, name));
  const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as Record<string, unknown>;
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ ...config, max_position_embeddings: maxPositions }));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
