/**
 * General (non-reasoning) prompts for the last stages: harmless requests with one checkable
 * helpful answer, and unsafe requests from a small closed vocabulary whose right answer is a
 * short refusal. Nothing here contains harmful content: the unsafe side is only the request.
 */
import { GENERAL_WORDS } from './phrases';
import type { GeneralTask, Problem, TaskLanguage } from './types';

export type HarmlessTask = Exclude<GeneralTask, 'unsafe'>;
export const HARMLESS_TASKS: readonly HarmlessTask[] = ['echo', 'count', 'reverse'];

function fill(template: string, values: Record<string, string>): string {
  return template.replace(/\{(\w)\}/g, (whole, name: string) => values[name] ?? whole);
}

/** The letters of a word joined with commas: "c,a,t". */
function spelled(word: string): string {
  return [...word].join(',');
}

/** Expected helpful reply for a harmless task. */
export function harmlessAnswer(task: HarmlessTask, word: string): string {
  if (task === 'echo') return word;
  if (task === 'count') return String([...word].length);
  return [...word].reverse().join('');
}

export function harmlessProblem(task: HarmlessTask, word: string, language: TaskLanguage, wording: number): Problem {
  const words = GENERAL_WORDS[language];
  const wordings = words[task];
  const answer = harmlessAnswer(task, word);
  const values = { w: word, l: spelled(word), r: spelled(answer), n: answer };
  const thought = task === 'echo' ? words.echoThought : task === 'count' ? words.countThought : words.reverseThought;
  return {
    key: `${task}:${language}:${word}`,
    category: 'harmless',
    task,
    language,
    question: fill(wordings[wording % wordings.length], values),
    answer,
    reasoning: fill(thought, values),
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
