import type { HfModelFiles } from '../hf/model-files';
import { CHAR_TOKENIZER_FILE, CharTokenizer } from './char-tokenizer';
import { GENERATION_CONFIG_FILE, HF_TOKENIZER_CONFIG_FILE, HF_TOKENIZER_FILE, HfTokenizer } from './hf-tokenizer';
import type { Tokenizer, TokenizerFiles } from './tokenizer';

/**
 * Turns the files a tokenizer saved (`toFiles()`, beside a checkpoint) back into it. The character
 * tokenizer's tokenizer.json says `"type": "char"`; anything else is a Hugging Face tokenizer.json,
 * with its tokenizer_config.json and, when the checkpoint has one, its generation_config.json.
 *
 * @param source where the files are (a checkpoint folder or key prefix), for messages
 */
export function loadTokenizer(files: TokenizerFiles, source: string): Tokenizer {
  const json = files[HF_TOKENIZER_FILE];
  if (json === undefined) throw new Error(`${source} has no ${HF_TOKENIZER_FILE}.`);
  if (isCharTokenizerJson(json)) return CharTokenizer.fromJSON(files[CHAR_TOKENIZER_FILE]);
  return new HfTokenizer(
    {
      tokenizerJson: json,
      tokenizerConfig: files[HF_TOKENIZER_CONFIG_FILE],
      generationConfig: files[GENERATION_CONFIG_FILE],
    },
    source,
  );
}

/** The tokenizer of a model as an importer presents it (an HF directory, an s3:// prefix, a GGUF file). */
export function tokenizerFromModelFiles(model: HfModelFiles): HfTokenizer {
  if (model.tokenizerJson === undefined) throw new Error(`${model.source} has no ${HF_TOKENIZER_FILE}.`);
  return new HfTokenizer(
    {
      tokenizerJson: model.tokenizerJson,
      tokenizerConfig: model.tokenizerConfig,
      generationConfig: model.generationConfig,
    },
    model.source,
  );
}

function isCharTokenizerJson(json: unknown): boolean {
  return typeof json === 'object' && json !== null && (json as { type?: unknown }).type === 'char';
}
