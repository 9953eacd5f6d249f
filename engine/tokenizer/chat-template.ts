import { Template } from '@huggingface/jinja';
import type { ChatMessage, ChatTemplateOptions } from './tokenizer';

/** The names transformers passes to every template from the tokenizer's special tokens. */
export const TEMPLATE_SPECIAL_TOKENS = [
  'bos_token',
  'eos_token',
  'unk_token',
  'sep_token',
  'pad_token',
  'cls_token',
  'mask_token',
] as const;

/** A message's reasoning travels under several names; templates read one of them. */
const REASONING_FIELDS = ['reasoning_content', 'thinking', 'reasoning'] as const;

/**
 * A chat template rendered with @huggingface/jinja the way transformers' `apply_chat_template`
 * renders it: the messages (keys whose value is null dropped, reasoning aliased), `tools`,
 * `documents`, `add_generation_prompt`, the tokenizer's special tokens (`bos_token`, …) and any
 * further variables, which win over the special tokens as in transformers.
 */
export class ChatTemplate {
  /** Templates by name: `chat_template` is one template or a list of `{ name, template }` (transformers' form). */
  private readonly templates = new Map<string, Template>();

  /**
   * @param where names the template's file for messages, e.g. `model/tokenizer_config.json`
   * @param specialTokens the tokenizer's special tokens by name (`bos_token` → `<s>`); unset ones left out
   */
  constructor(
    field: unknown,
    private readonly where: string,
    private readonly specialTokens: Readonly<Record<string, string>>,
  ) {
    for (const [name, source] of namedTemplates(field, where)) {
      try {
        this.templates.set(name, new Template(source));
      } catch (error) {
        throw new Error(
          `${where} field "chat_template"${name === 'default' ? '' : ` (${name})`} does not parse: ${(error as Error).message}`,
          { cause: error },
        );
      }
    }
  }

  render(messages: readonly ChatMessage[], options: ChatTemplateOptions = {}): string {
    const template = this.pick(options.tools !== undefined);
    const variables: Record<string, unknown> = {
      ...this.specialTokens,
      ...(options.variables ?? {}),
      messages: messages.map(normaliseMessage),
      // transformers passes None when there are none; `tools is none` must hold in the template
      tools: options.tools ?? null,
      documents: options.documents ?? null,
      add_generation_prompt: options.addGenerationPrompt ?? false,
    };
    try {
      return template.render(variables);
    } catch (error) {
      throw new Error(`Chat template of ${this.where} failed: ${(error as Error).message}`, { cause: error });
    }
  }

  /** transformers' choice: `tool_use` when tools are given and such a template exists, else `default`. */
  private pick(withTools: boolean): Template {
    const chosen = (withTools && this.templates.get('tool_use')) || this.templates.get('default');
    if (!chosen) {
      throw new Error(
        `${this.where} field "chat_template" has several templates (${[...this.templates.keys()].join(', ')}) and none is named "default".`,
      );
    }
    return chosen;
  }
}

function namedTemplates(field: unknown, where: string): [string, string][] {
  if (typeof field === 'string') return [['default', field]];
  if (Array.isArray(field)) {
    return field.map((entry, i) => {
      if (!entry || typeof entry.name !== 'string' || typeof entry.template !== 'string')
        throw new Error(`${where} field "chat_template[${i}]" must be an object with string "name" and "template".`);
      return [entry.name, entry.template];
    });
  }
  throw new Error(`${where} field "chat_template" must be a string or a list of named templates.`);
}

function normaliseMessage(message: ChatMessage): Record<string, unknown> {
  const plain: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(message)) if (value !== undefined && value !== null) plain[key] = value;
  const reasoning = REASONING_FIELDS.map((field) => plain[field]).find((value) => value !== undefined);
  if (reasoning === undefined) return plain;
  return { thinking: reasoning, ...plain, reasoning_content: reasoning };
}
