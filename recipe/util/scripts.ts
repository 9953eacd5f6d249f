/**
 * Language by Unicode script. A language is identified with the script it is written in; that is
 * enough to tell an English chain of thought from a Russian one, which is what the language
 * consistency reward needs, and it needs no word lists.
 */

export type Script =
  'Latin' | 'Cyrillic' | 'Greek' | 'Han' | 'Arabic' | 'Hebrew' | 'Devanagari' | 'Hangul' | 'Hiragana' | 'Katakana';

const SCRIPT_PATTERNS: ReadonlyArray<readonly [Script, RegExp]> = [
  ['Latin', /\p{Script=Latin}/u],
  ['Cyrillic', /\p{Script=Cyrillic}/u],
  ['Greek', /\p{Script=Greek}/u],
  ['Han', /\p{Script=Han}/u],
  ['Arabic', /\p{Script=Arabic}/u],
  ['Hebrew', /\p{Script=Hebrew}/u],
  ['Devanagari', /\p{Script=Devanagari}/u],
  ['Hangul', /\p{Script=Hangul}/u],
  ['Hiragana', /\p{Script=Hiragana}/u],
  ['Katakana', /\p{Script=Katakana}/u],
];

/** Language codes the recipe knows, with the script each is written in. */
export const LANGUAGE_SCRIPTS: Readonly<Record<string, Script>> = {
  en: 'Latin',
  fr: 'Latin',
  de: 'Latin',
  es: 'Latin',
  it: 'Latin',
  pt: 'Latin',
  nl: 'Latin',
  pl: 'Latin',
  tr: 'Latin',
  ru: 'Cyrillic',
  uk: 'Cyrillic',
  bg: 'Cyrillic',
  sr: 'Cyrillic',
  el: 'Greek',
  zh: 'Han',
  ar: 'Arabic',
  he: 'Hebrew',
  hi: 'Devanagari',
  ko: 'Hangul',
};

/** The script of a language code (case-insensitive, region ignored: "en-US" → Latin), or null. */
export function scriptOfLanguage(language: string): Script | null {
  const base = language.toLowerCase().split(/[-_]/)[0];
  return LANGUAGE_SCRIPTS[base] ?? null;
}

/** The script of one character, or null for digits, punctuation, marks and unknown scripts. */
export function scriptOfChar(char: string): Script | null {
  for (const [script, pattern] of SCRIPT_PATTERNS) if (pattern.test(char)) return script;
  return null;
}

/** Scripts whose text has no spaces between words: each character counts as a word. */
const CHARACTER_WORD_SCRIPTS = new Set<Script>(['Han', 'Hiragana', 'Katakana']);

/** A word's script; letters of scripts this module does not list are 'Other'. */
export type WordScript = Script | 'Other';

/**
 * The words of a text with their scripts. A word is a maximal run of letters of one script
 * (combining marks stay with their letter); a change of script inside a run starts a new word,
 * so "carryперенос" is two words. Digits and punctuation are not words.
 */
export function scriptWords(text: string): Array<{ word: string; script: WordScript }> {
  const words: Array<{ word: string; script: WordScript }> = [];
  let current = '';
  let currentScript: WordScript | null = null;
  const flush = () => {
    if (current && currentScript) words.push({ word: current, script: currentScript });
    current = '';
    currentScript = null;
  };
  for (const char of text) {
    if (current && /\p{M}/u.test(char)) {
      current += char;
      continue;
    }
    if (!/\p{L}/u.test(char)) {
      flush();
      continue;
    }
    const script: WordScript = scriptOfChar(char) ?? 'Other';
    if (script !== currentScript || (script !== 'Other' && CHARACTER_WORD_SCRIPTS.has(script))) flush();
    current += char;
    currentScript = script;
  }
  flush();
  return words;
}

/** Share of the words of `text` written in `script`, in [0, 1]; null when the text has no words. */
export function scriptShare(text: string, script: Script): number | null {
  const words = scriptWords(text);
  if (words.length === 0) return null;
  let inScript = 0;
  for (const word of words) if (word.script === script) inScript++;
  return inScript / words.length;
}

/** The script most words of a text are written in (ties: the first seen), or null if none is known. */
export function dominantScript(text: string): Script | null {
  const counts = new Map<Script, number>();
  for (const { script } of scriptWords(text)) if (script !== 'Other') counts.set(script, (counts.get(script) ?? 0) + 1);
  let best: Script | null = null;
  let bestCount = 0;
  for (const [script, count] of counts) {
    if (count > bestCount) {
      best = script;
      bestCount = count;
    }
  }
  return best;
}
