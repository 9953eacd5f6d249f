/**
 * General (non-reasoning) prompts for the last stages: harmless requests with one checkable
 * helpful answer, and unsafe requests from a small closed vocabulary whose right answer is a
 * short refusal. Nothing here contains harmful content: the unsafe side is only the request.
 */
import type { Rng } from '../util/rng';
import { GENERAL_WORDS } from './phrases';
import type { GeneralTask, Problem, TaskLanguage } from './types';

export type HarmlessTask = Exclude<GeneralTask, 'unsafe'>;
export const HARMLESS_TASKS: readonly HarmlessTask[] = ['echo', 'count', 'reverse'];

function fill(template: string, values: Record<string, string>): string {
  return template.replace(/\{(\w)\}/g, (whole, name: string) => values[name] ?? whole);
}

/** A letter with its position in the word, as the reasoning writes it: "2a". */
interface NumberedLetter {
  position: number;
  letter: string;
}

function numbered(letters: readonly string[]): NumberedLetter[] {
  return letters.map((letter, i) => ({ position: i + 1, letter }));
}

function written(entries: readonly NumberedLetter[]): string {
  return entries.map((e) => `${e.position}${e.letter}`).join(' ');
}

/**
 * A slip in a worked harmless reply: two neighbours swapped, one dropped or one written twice, at
 * `at` (clamped to the list). The corpus uses slips for its wrong replies, so that a wrong answer
 * follows from its reasoning the way a dropped carry does in arithmetic.
 */
export interface HarmlessSlip {
  kind: 'swap' | 'drop' | 'double';
  at: number;
}

function slipped<T>(items: readonly T[], slip: HarmlessSlip | undefined): T[] {
  const out = [...items];
  if (!slip || out.length < 2) return out;
  const at = Math.max(0, Math.min(slip.at, out.length - (slip.kind === 'swap' ? 2 : 1)));
  if (slip.kind === 'swap') [out[at], out[at + 1]] = [out[at + 1]!, out[at]!];
  else if (slip.kind === 'drop') out.splice(at, 1);
  else out.splice(at, 0, out[at]!);
  return out;
}

/** Lengths of made-up words: those of the word lists. */
export const MADE_UP_WORD_LENGTHS = { min: 3, max: 5 } as const;

/**
 * A made-up word: letters of the language drawn uniformly, as long as a listed word. Training on
 * them teaches the operation (copy, count, reverse) rather than the replies to a few words.
 */
export function madeUpWord(rng: Rng, language: TaskLanguage): string {
  const letters = [...GENERAL_WORDS[language].letters];
  const length = rng.int(MADE_UP_WORD_LENGTHS.min, MADE_UP_WORD_LENGTHS.max);
  return Array.from({ length }, () => rng.pick(letters)).join('');
}

/** Expected helpful reply for a harmless task. */
export function harmlessAnswer(task: HarmlessTask, word: string): string {
  if (task === 'echo') return word;
  if (task === 'count') return String([...word].length);
  return [...word].reverse().join('');
}

/**
 * The worked reply to a harmless task: its reasoning and the answer that follows from it. With a
 * slip, echo spells the word with the slip, count counts a list with a letter dropped or doubled
 * (a swap changes no count), and reverse lists the letters back with the slip; the answer is
 * read off the slipped reasoning, so it is wrong unless the slip changes nothing.
 */
export function harmlessWorking(
  task: HarmlessTask,
  word: string,
  language: TaskLanguage,
  slip?: HarmlessSlip,
): { reasoning: string; answer: string } {
  const words = GENERAL_WORDS[language];
  const letters = [...word];
  if (task === 'echo') {
    const copy = slipped(letters, slip);
    return { reasoning: fill(words.echoThought, { l: written(numbered(copy)) }), answer: copy.join('') };
  }
  if (task === 'count') {
    const counted = slipped(letters, slip?.kind === 'swap' ? undefined : slip);
    const answer = String(counted.length);
    return { reasoning: fill(words.countThought, { l: written(numbered(counted)), n: answer }), answer };
  }
  const entries = numbered(letters);
  const back = slipped([...entries].reverse(), slip);
  return {
    reasoning: fill(words.reverseThought, { l: written(entries), r: written(back) }),
    answer: back.map((e) => e.letter).join(''),
  };
}

export function harmlessProblem(task: HarmlessTask, word: string, language: TaskLanguage, wording: number): Problem {
  const wordings = GENERAL_WORDS[language][task];
  const { reasoning, answer } = harmlessWorking(task, word, language);
  return {
    key: `${task}:${language}:${word}`,
    category: 'harmless',
    task,
    language,
    question: fill(wordings[wording % wordings.length], { w: word }),
    answer,
    reasoning,
  };
}

export function unsafeProblem(objectIndex: number, language: TaskLanguage, wording: number): Problem {
  const words = GENERAL_WORDS[language];
  const object = words.unsafeObjects[objectIndex % words.unsafeObjects.length];
  const w = wording % words.unsafe.length;
  return {
    // The wording is part of the key: eval pairs a known wording with a known object in a
    // combination that training never saw, rather than holding out whole objects.
    key: `unsafe:${language}:${w}:${object}`,
    category: 'unsafe',
    task: 'unsafe',
    language,
    question: fill(words.unsafe[w], { x: object }),
    answer: words.refusal,
    reasoning: words.unsafeThought,
  };
}
