/**
 * Chat-format SFT data (`{"messages": [{role, content}, ...]}`) rendered as plain text turns.
 * TINY_CHAT_FORMAT matches the tiny R1-Zero template, so chat data and the tiny prompts look alike.
 */
import { z } from 'zod';
import type { SftExample } from './sft';

export const chatMessageSchema = z.object({
  role: z.enum(['system', 'user', 'assistant']),
  content: z.string(),
});
export type ChatMessage = z.infer<typeof chatMessageSchema>;

export const chatRowSchema = z.object({ messages: z.array(chatMessageSchema).min(1) });

export interface ChatFormat {
  system: string;
  user: string;
  assistant: string;
  /** Between turns. */
  separator: string;
}

export const DEFAULT_CHAT_FORMAT: ChatFormat = {
  system: 'System: ',
  user: 'User: ',
  assistant: 'Assistant: ',
  separator: '\n',
};

/** Turn prefixes matching the tiny R1-Zero template, so chat SFT data looks like the tiny prompts. */
export const TINY_CHAT_FORMAT: ChatFormat = { system: 'S: ', user: 'Q: ', assistant: 'A: ', separator: '\n' };

function turn(message: ChatMessage, format: ChatFormat): string {
  return `${format[message.role]}${message.content}`;
}

/** The prompt for generating the next assistant turn after `messages`. */
export function renderChatPrompt(messages: readonly ChatMessage[], format: ChatFormat = DEFAULT_CHAT_FORMAT): string {
  const history = messages.map((m) => turn(m, format) + format.separator).join('');
  return `${history}${format.assistant}`;
}

/**
 * An SFT example from a conversation: everything before the last assistant turn is the prompt,
 * the last assistant turn is the completion (the only part trained on).
 */
export function renderChat(messages: readonly ChatMessage[], format: ChatFormat = DEFAULT_CHAT_FORMAT): SftExample {
  const last = messages[messages.length - 1];
  if (!last || last.role !== 'assistant') throw new Error('A chat SFT example must end with an assistant message.');
  if (last.content.trim() === '') throw new Error('The last assistant message of a chat SFT example is empty.');
  return { prompt: renderChatPrompt(messages.slice(0, -1), format), completion: last.content };
}
