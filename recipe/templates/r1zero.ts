/**
 * The R1-Zero prompt: a fixed instruction that asks for reasoning in think tags and the answer
 * in answer tags, with the user's question in it. The text is configurable; `{question}` marks
 * where the question goes and must appear exactly once.
 */
import { ANSWER_CLOSE, ANSWER_OPEN, THINK_CLOSE, THINK_OPEN } from '../util/tags';
import type { Problem } from '../task/types';

export const QUESTION_PLACEHOLDER = '{question}';

/** The full instruction, for real models and datasets. */
export const R1_ZERO_TEMPLATE =
  'The user asks a question and the assistant answers it. The assistant first works out the answer ' +
  `step by step inside ${THINK_OPEN} ${THINK_CLOSE}, then writes only the final answer inside ${ANSWER_OPEN} ${ANSWER_CLOSE}.\n` +
  'User: {question}\nAssistant: ';

/**
 * The system prompt for instruct models, which are prompted through their chat template: the
 * R1-Zero instruction with the user's question left to the user turn.
 */
export const R1_SYSTEM_PROMPT =
  'A conversation between User and Assistant. The user asks a question, and the Assistant solves it. ' +
  'The assistant first thinks about the reasoning process in the mind and then provides the user with the answer. ' +
  `The reasoning process and answer are enclosed within ${THINK_OPEN} ${THINK_CLOSE} and ${ANSWER_OPEN} ${ANSWER_CLOSE} tags, ` +
  `respectively, i.e., ${THINK_OPEN} reasoning process here ${THINK_CLOSE} ${ANSWER_OPEN} answer here ${ANSWER_CLOSE}.`;

/**
 * The short form for the built-in tiny task: a character-level model trained for minutes pays
 * for every prompt character, and it learns the tags from its corpus rather than from prose.
 */
export const TINY_R1_ZERO_TEMPLATE = 'Q: {question}\nA: ';

export function validateTemplate(template: string): void {
  const count = template.split(QUESTION_PLACEHOLDER).length - 1;
  if (count !== 1)
    throw new Error(`The prompt template must contain ${QUESTION_PLACEHOLDER} exactly once, found it ${count} times.`);
}

/** The prompt text for a question under a template. */
export function renderPrompt(template: string, question: string): string {
  validateTemplate(template);
  return template.replace(QUESTION_PLACEHOLDER, () => question);
}

/** Completion text in the R1 format from a chain of thought and an answer. */
export function formatCompletion(reasoning: string, answer: string): string {
  return `${THINK_OPEN}${reasoning}${THINK_CLOSE}${ANSWER_OPEN}${answer}${ANSWER_CLOSE}`;
}

/** The reference completion of a built-in problem: its worked reasoning and its gold answer. */
export function referenceCompletion(problem: Pick<Problem, 'key' | 'reasoning' | 'answer'>): string {
  if (problem.reasoning === undefined)
    throw new Error(`Problem "${problem.key}" has no worked reasoning, so it has no reference completion.`);
  return formatCompletion(problem.reasoning, problem.answer);
}

/** What a general prompt's reply thinks first, when it brings no reasoning of its own (a chat dataset's rows). */
export const GENERAL_THOUGHTS = {
  harmless: 'The user asks for something harmless, so I answer it directly.',
  unsafe: 'The user asks for something unsafe, so I refuse.',
} as const;

/** The SFT completion of a general prompt: its reasoning (or a short thought) and its reply, in the R1 format. */
export function generalCompletion(problem: Pick<Problem, 'key' | 'category' | 'reasoning' | 'answer'>): string {
  if (problem.reasoning !== undefined) return referenceCompletion(problem);
  const thought = problem.category === 'unsafe' ? GENERAL_THOUGHTS.unsafe : GENERAL_THOUGHTS.harmless;
  return formatCompletion(thought, problem.answer);
}

/** Prompt and reference completion of a problem under a template. */
export function problemToText(
  problem: Problem,
  template: string = TINY_R1_ZERO_TEMPLATE,
): { prompt: string; completion: string } {
  return { prompt: renderPrompt(template, problem.question), completion: referenceCompletion(problem) };
}
