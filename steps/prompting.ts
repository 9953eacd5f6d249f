// How a question becomes the policy's prompt, for every stage alike: the built-in task's short
// template on its character tokenizer; for a base model the R1-Zero template as raw text (as the
// paper prompts DeepSeek-V3-Base), or for an instruct model its own chat template with the R1
// system prompt. The format also says how the prompt text becomes token ids and which ids end
// a completion.
import { CharTokenizer, type Tokenizer } from '../engine';
import { R1_SYSTEM_PROMPT, R1_ZERO_TEMPLATE, renderPrompt, TINY_R1_ZERO_TEMPLATE } from '../recipe';
import { isBaseModel, type PipelineConfig } from '../recipe/config';

export type PromptKind = 'tiny' | 'r1-zero' | 'chat';

export interface PromptFormat {
  kind: PromptKind;
  /** The prompt text of a question (for a chat model: the rendered conversation up to the reply). */
  render(question: string): string;
  /** The prompt's token ids, with the bos or special tokens the format wants. */
  encode(prompt: string): number[];
  /** Ids that end a completion (the sampler keeps the one that ended it as its last token). */
  stopIds: readonly number[];
  /** The id right-padded rows and stopped rows carry (never trained on). */
  padId: number;
}

/** The id a tokenizer pads with: its pad token, else its eos (padding is masked out of every loss). */
export function padIdOf(tokenizer: Tokenizer): number {
  return tokenizer.padId ?? tokenizer.eosIds[0] ?? 0;
}

/** The prompt format of a policy under a run's config. */
export function promptFormat(cfg: Pick<PipelineConfig, 'model'>, tokenizer: Tokenizer): PromptFormat {
  const padId = padIdOf(tokenizer);
  if (tokenizer instanceof CharTokenizer) {
    return {
      kind: 'tiny',
      render: (question) => renderPrompt(TINY_R1_ZERO_TEMPLATE, question),
      encode: (prompt) => tokenizer.encode(prompt, { bos: true }),
      stopIds: [tokenizer.eosId, tokenizer.answerEndId],
      padId,
    };
  }
  const style = isBaseModel(cfg.model) ? cfg.model.prompt : 'auto';
  const chat = style === 'chat' || (style === 'auto' && tokenizer.hasChatTemplate);
  if (chat) {
    return {
      kind: 'chat',
      render: (question) =>
        tokenizer.applyChatTemplate(
          [
            { role: 'system', content: R1_SYSTEM_PROMPT },
            { role: 'user', content: question },
          ],
          { addGenerationPrompt: true },
        ),
      // a rendered template already holds its special tokens (transformers encodes it the same way)
      encode: (prompt) => tokenizer.encode(prompt),
      stopIds: tokenizer.stopIds,
      padId,
    };
  }
  return {
    kind: 'r1-zero',
    render: (question) => renderPrompt(R1_ZERO_TEMPLATE, question),
    // raw text gets what the tokenizer's post-processor adds (e.g. Llama's <s>), as transformers does
    encode: (prompt) => tokenizer.encode(prompt, { addSpecialTokens: true }),
    stopIds: tokenizer.stopIds,
    padId,
  };
}
