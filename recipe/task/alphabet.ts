/**
 * Every character the built-in task family can emit (prompts, templates, reasoning, answers,
 * corpus), for building the character tokenizer. The think/answer tags are not in it: they are
 * special tokens of their own.
 */
import { R1_ZERO_TEMPLATE, TINY_R1_ZERO_TEMPLATE } from '../templates/r1zero';
import { stripTags } from '../util/tags';
import { ARITHMETIC_WORDS, GENERAL_WORDS } from './phrases';

const DIGITS = '0123456789';
/** Symbols used by the worked solutions, questions and replies. */
const SYMBOLS = " \n.,;:!?'+-*=";
const LATIN = 'abcdefghijklmnopqrstuvwxyz';
const CYRILLIC = 'абвгдеёжзийклмнопрстуфхцчшщъыьэюя';

function collectStrings(value: unknown, out: string[]): void {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const item of value) collectStrings(item, out);
  else if (value && typeof value === 'object') for (const item of Object.values(value)) collectStrings(item, out);
}

/**
 * The sorted, distinct characters of the task family, plus those of `extraTexts` (for example a
 * configured prompt template) so that a custom wording cannot meet an unknown character later.
 */
export function taskAlphabet(extraTexts: Iterable<string> = []): string[] {
  const texts: string[] = [DIGITS, SYMBOLS, LATIN, LATIN.toUpperCase(), CYRILLIC, CYRILLIC.toUpperCase()];
  collectStrings(ARITHMETIC_WORDS, texts);
  collectStrings(GENERAL_WORDS, texts);
  texts.push(stripTags(R1_ZERO_TEMPLATE), stripTags(TINY_R1_ZERO_TEMPLATE));
  const characters = new Set<string>();
  for (const text of texts) for (const character of text.replace(/\{\w+\}/g, '')) characters.add(character);
  for (const text of extraTexts)
    for (const character of stripTags(text).replace(/\{question\}/g, '')) characters.add(character);
  return [...characters].sort();
}
