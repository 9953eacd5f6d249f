// r1flow generate SOURCE --prompt TEXT [--chat] [--max-new-tokens N] [--temperature T] [--top-p P]
//   [--top-k K] [--seed S] [--json]: a completion from any model SOURCE names (see model-source.ts), sampled by
// the engine's rollout sampler (the whole completion in one ONNX Loop run). Temperature 0 is
// greedy. --json prints {"promptIds":[…],"tokenIds":[…],"text":"…"} with the new tokens only.
import { parseArgs } from 'node:util';
import { EngineRuntime } from '../engine/runtime';
import { loadTokenizer, type Tokenizer } from '../engine/tokenizer';
import { CONTEXT_LENGTH_OPTION, loadSource, sourceOptions } from './model-source';
import { fail } from './output';

export const GENERATE_USAGE =
  'usage: r1flow generate SOURCE --prompt TEXT [--chat] [--max-new-tokens N] [--temperature T] [--top-p P] [--top-k K] [--seed S] [--json] [--context-length N]';

function numberOption(value: string | undefined, name: string, fallback: number, integer = false): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || (integer && !Number.isInteger(n)))
    fail(`--${name} must be ${integer ? 'an integer' : 'a number'}, got ${JSON.stringify(value)}`);
  return n;
}

/** Prompt ids: the chat template's rendering of one user turn, or the text as the tokenizer encodes it. */
export function promptIds(tokenizer: Tokenizer, prompt: string, chat: boolean): number[] {
  if (chat) {
    if (!tokenizer.hasChatTemplate) fail('--chat needs a tokenizer with a chat template; this one has none');
    const text = tokenizer.applyChatTemplate([{ role: 'user', content: prompt }], { addGenerationPrompt: true });
    return tokenizer.encode(text);
  }
  // The character tokenizer starts every prompt with <bos>; HF tokenizers add what their
  // post-processor adds (e.g. Llama's <s>), as transformers does by default.
  return tokenizer.kind === 'char'
    ? tokenizer.encode(prompt, { bos: true })
    : tokenizer.encode(prompt, { addSpecialTokens: true });
}

export async function generateCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: {
      prompt: { type: 'string' },
      chat: { type: 'boolean', default: false },
      'max-new-tokens': { type: 'string' },
      temperature: { type: 'string' },
      'top-p': { type: 'string' },
      'top-k': { type: 'string' },
      seed: { type: 'string' },
      json: { type: 'boolean', default: false },
      ...CONTEXT_LENGTH_OPTION,
    },
    strict: true,
    allowPositionals: true,
  });
  const source = positionals[0];
  if (!source || positionals.length > 1 || values.prompt === undefined) fail(GENERATE_USAGE);
  const maxNewTokens = numberOption(values['max-new-tokens'], 'max-new-tokens', 64, true);
  const temperature = numberOption(values.temperature, 'temperature', 1);
  const topP = numberOption(values['top-p'], 'top-p', 1);
  const topK = numberOption(values['top-k'], 'top-k', 0, true);
  if (topK < 0) fail(`--top-k must be 0 (off) or a positive integer, got ${topK}`);
  const seed = numberOption(values.seed, 'seed', 0, true);

  const model = await loadSource(source, sourceOptions(values));
  const tokenizer = loadTokenizer(model.tokenizerFiles, source);
  if (tokenizer.vocabSize > model.config.vocabSize)
    fail(`SOURCE ${source}: its tokenizer has ${tokenizer.vocabSize} ids but the model only ${model.config.vocabSize}`);
  const ids = promptIds(tokenizer, values.prompt, values.chat);
  const engine = new EngineRuntime('cpu');
  try {
    const stopTokens = [...tokenizer.stopIds];
    const padToken = tokenizer.padId ?? stopTokens[0] ?? 0;
    const [completion] = await engine
      .sampler(model.config, model.params)
      .sample(
        { prompts: [ids], seeds: [seed] },
        { maxNewTokens, temperature, topP, topK, stopTokens, padToken },
        'loop',
      );
    const text = tokenizer.decode(completion.tokens, { skipSpecialTokens: true });
    if (values.json) console.log(JSON.stringify({ promptIds: ids, tokenIds: completion.tokens, text }));
    else console.log(text);
  } finally {
    await engine.release();
  }
  return 0;
}
