/** Problems as every stage sees them: the built-in tasks and dataset rows share this shape. */

/** What kind of answer is right: a graded result, a helpful reply, or a refusal. */
export type ProblemCategory = 'reasoning' | 'harmless' | 'unsafe';

export type ArithmeticOp = 'add' | 'subtract' | 'multiply';
export type GeneralTask = 'echo' | 'count' | 'reverse' | 'unsafe';
export type ProblemTask = ArithmeticOp | GeneralTask | 'countdown' | 'dataset';

/** Languages of the built-in task: English (Latin script) and Russian (Cyrillic script). */
export type TaskLanguage = 'en' | 'ru';
export const TASK_LANGUAGES: readonly TaskLanguage[] = ['en', 'ru'];

export interface Problem {
  /**
   * The canonical problem, independent of wording and language ("add:47:38"). Splits are decided
   * on it, so the same numbers phrased another way can never cross from eval into training.
   */
  key: string;
  category: ProblemCategory;
  task: ProblemTask;
  /** Language code of the question; the chain of thought is expected in the same script. */
  language: string;
  /** The user's request, without any template. */
  question: string;
  /**
   * The gold answer: an integer (or any number) for reasoning problems, the expected reply for
   * harmless requests, the reference refusal for unsafe ones.
   */
  answer: string;
  /** A worked chain of thought in the question's language, when the task can produce one. */
  reasoning?: string;
  /**
   * A Countdown problem (TinyZero's task): reach `target` with each of `numbers` once and
   * + − × ÷. The accuracy reward grades such a problem by evaluating the expression in the answer
   * instead of comparing with `answer` (which holds the target, for display).
   */
  countdown?: CountdownSpec;
}

export interface CountdownSpec {
  numbers: number[];
  target: number;
}

export type Split = 'train' | 'eval';
