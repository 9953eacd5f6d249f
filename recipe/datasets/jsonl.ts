/**
 * Datasets from JSONL text. The caller does the I/O (local file, S3 object, test string) and
 * hands over the text or its lines; this module maps fields, validates each row with zod and
 * reports bad lines by number. With onBadLine 'fail' the first bad line is an error; with 'skip'
 * bad lines are counted and listed in the report.
 */
import { z } from 'zod';
import type { Problem } from '../task/types';
import { hashString } from '../util/rng';
import { dominantScript, LANGUAGE_SCRIPTS } from '../util/scripts';
import { scanBoxes } from '../rewards/math/boxed';
import { countdownQuestion } from '../task/countdown';
import { extractGsm8kAnswer, GSM8K_MARKER, gsm8kReasoning } from './gsm8k';

export interface FieldMapping {
  /** Field(s) holding the question; the first one present is used. */
  question: readonly string[];
  answer: readonly string[];
  /** Field holding the language code; optional in the row. */
  language: readonly string[];
  /** Field holding a stable id; the question text is hashed when absent. */
  id: readonly string[];
  /** Countdown rows: the numbers (a list of integers) and the target. */
  numbers: readonly string[];
  target: readonly string[];
  /** Chat rows: the conversation (`[{role, content}, …]`), used when there is no question field. */
  messages: readonly string[];
  /** Chat rows: true when the right reply is a refusal (the prompt is unsafe). */
  refuse: readonly string[];
}

export const DEFAULT_FIELDS: FieldMapping = {
  question: ['question', 'prompt', 'problem'],
  answer: ['answer', 'final_answer', 'solution'],
  language: ['language', 'lang'],
  id: ['id'],
  numbers: ['numbers', 'nums'],
  target: ['target'],
  messages: ['messages', 'conversation'],
  refuse: ['refuse', 'unsafe'],
};

/**
 * How a row gives its gold answer: 'gsm8k' requires "… #### answer"; 'math' takes the last
 * `\boxed{…}` of the solution (MATH's form; a bare answer field is taken as is); 'countdown'
 * reads numbers and a target instead of an answer; 'plain' takes the field as is; 'auto' uses
 * "####" or a box when the answer has one, and Countdown when the row has numbers and a target.
 */
export type AnswerFormat = 'auto' | 'gsm8k' | 'math' | 'countdown' | 'plain';

/** 'reasoning' rows are problems with a gold answer; 'chat' rows are general prompts with their reply. */
export type RowKind = 'reasoning' | 'chat';
export type BadLineMode = 'fail' | 'skip';

export interface JsonlDatasetOptions {
  /** Name used in error messages (a path or URI). */
  source: string;
  /** Per field, one name or several to try in order; unset fields use DEFAULT_FIELDS. */
  fields: Partial<Record<keyof FieldMapping, string | readonly string[]>>;
  /** 'gsm8k' requires "#### answer"; 'auto' uses it when present; 'plain' takes the field as is. */
  answerFormat: AnswerFormat;
  /** Language when the row has none: a code, or 'detect' from the question's script. */
  defaultLanguage: string;
  onBadLine: BadLineMode;
  /** What the rows are: problems (category 'reasoning') or general chat prompts ('harmless' or 'unsafe'). */
  rows: RowKind;
  /** At most this many bad lines are listed in the report (all are counted). */
  maxListedErrors: number;
}

export const DEFAULT_JSONL_OPTIONS: JsonlDatasetOptions = {
  source: 'dataset',
  fields: {},
  answerFormat: 'auto',
  defaultLanguage: 'detect',
  onBadLine: 'fail',
  rows: 'reasoning',
  maxListedErrors: 100,
};

export interface BadLine {
  line: number;
  reason: string;
}

export interface DatasetReport {
  source: string;
  /** Lines read, blank ones included. */
  lines: number;
  blank: number;
  kept: number;
  skipped: number;
  errors: BadLine[];
}

/** Zod schemas for the values of mapped fields. */
export const questionSchema = z.string().trim().min(1, 'must not be empty');
export const answerSchema = z.union([z.string(), z.number().finite()]).transform((v) => String(v).trim());
export const languageSchema = z
  .string()
  .trim()
  .regex(/^[A-Za-z]{2,3}([-_][A-Za-z0-9]+)*$/, 'must be a language code such as "en" or "ru"');
export const rowSchema = z.record(z.string(), z.unknown());

function fieldNames(value: string | readonly string[] | undefined, fallback: readonly string[]): readonly string[] {
  if (value === undefined) return fallback;
  return typeof value === 'string' ? [value] : value;
}

/** A language code for a script, for rows without a language (first code of that script). */
function languageOfText(text: string): string {
  const script = dominantScript(text);
  if (!script) return 'und';
  return Object.keys(LANGUAGE_SCRIPTS).find((code) => LANGUAGE_SCRIPTS[code] === script) ?? 'und';
}

class RowError extends Error {}

function describeIssue(field: string, error: z.ZodError): string {
  const issue = error.issues[0];
  if (issue.code === 'invalid_type' || issue.code === 'invalid_union')
    return `field "${field}" must be ${field === 'answer' ? 'a string or a number' : 'a string'}`;
  return `field "${field}" ${issue.message}`;
}

/** Parses rows one line at a time; shared by the string, sync and async entry points. */
export class JsonlProblemParser {
  readonly options: JsonlDatasetOptions;
  readonly problems: Problem[] = [];
  private readonly fields: FieldMapping;
  private readonly report: DatasetReport;

  constructor(partial: Partial<JsonlDatasetOptions> = {}) {
    this.options = { ...DEFAULT_JSONL_OPTIONS, ...partial };
    const given = this.options.fields;
    this.fields = {
      question: fieldNames(given.question, DEFAULT_FIELDS.question),
      answer: fieldNames(given.answer, DEFAULT_FIELDS.answer),
      language: fieldNames(given.language, DEFAULT_FIELDS.language),
      id: fieldNames(given.id, DEFAULT_FIELDS.id),
      numbers: fieldNames(given.numbers, DEFAULT_FIELDS.numbers),
      target: fieldNames(given.target, DEFAULT_FIELDS.target),
      messages: fieldNames(given.messages, DEFAULT_FIELDS.messages),
      refuse: fieldNames(given.refuse, DEFAULT_FIELDS.refuse),
    };
    this.report = { source: this.options.source, lines: 0, blank: 0, kept: 0, skipped: 0, errors: [] };
  }

  /** Feeds the next line (without its newline). Throws in 'fail' mode on a bad line. */
  addLine(raw: string): void {
    const lineNumber = ++this.report.lines;
    const line = raw.replace(/\r$/, '').replace(/^\uFEFF/, '');
    if (line.trim() === '') {
      this.report.blank++;
      return;
    }
    try {
      this.problems.push(this.parseRow(line));
      this.report.kept++;
    } catch (error) {
      if (!(error instanceof RowError)) throw error;
      if (this.options.onBadLine === 'fail')
        throw new Error(`${this.options.source} line ${lineNumber}: ${error.message}.`, { cause: error });
      this.report.skipped++;
      if (this.report.errors.length < this.options.maxListedErrors)
        this.report.errors.push({ line: lineNumber, reason: error.message });
    }
  }

  finish(): { problems: Problem[]; report: DatasetReport } {
    return { problems: this.problems, report: { ...this.report, errors: [...this.report.errors] } };
  }

  private pick(row: Record<string, unknown>, names: readonly string[]): { name: string; value: unknown } | null {
    for (const name of names) if (row[name] !== undefined && row[name] !== null) return { name, value: row[name] };
    return null;
  }

  private parseRow(line: string): Problem {
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch (error) {
      throw new RowError(`invalid JSON (${(error as Error).message})`);
    }
    const row = rowSchema.safeParse(json);
    if (!row.success || Array.isArray(json)) throw new RowError('each line must be a JSON object');
    const data = row.data;
    const parsed = this.options.rows === 'chat' ? this.chatRow(data) : this.reasoningRow(data);
    let language: string;
    const languageField = this.pick(data, this.fields.language);
    if (languageField) {
      const code = languageSchema.safeParse(languageField.value);
      if (!code.success) throw new RowError(describeIssue(languageField.name, code.error));
      language = code.data;
    } else {
      language =
        this.options.defaultLanguage === 'detect' ? languageOfText(parsed.question) : this.options.defaultLanguage;
    }
    const idField = this.pick(data, this.fields.id);
    const id =
      idField && (typeof idField.value === 'string' || typeof idField.value === 'number')
        ? String(idField.value)
        : hashString(parsed.question).toString(16);
    const problem: Problem = { key: `dataset:${id}`, task: 'dataset', language, ...parsed };
    if (problem.countdown) problem.task = 'countdown';
    return problem;
  }

  /** The question of a row: its question field, or the last user turn of its conversation. */
  private question(data: Record<string, unknown>): string {
    const questionField = this.pick(data, this.fields.question);
    if (!questionField) throw new RowError(`field "${this.fields.question.join('" or "')}" is missing`);
    const question = questionSchema.safeParse(questionField.value);
    if (!question.success) throw new RowError(describeIssue(questionField.name, question.error));
    return question.data;
  }

  private reasoningRow(data: Record<string, unknown>): Omit<Problem, 'key' | 'task' | 'language'> {
    const format = this.options.answerFormat;
    const numbersField = this.pick(data, this.fields.numbers);
    const targetField = this.pick(data, this.fields.target);
    if (format === 'countdown' || (format === 'auto' && numbersField && targetField)) {
      const countdown = this.countdown(numbersField, targetField);
      // Countdown sets (TinyZero's) carry only the numbers and the target: the question is the built-in task's
      const question = this.pick(data, this.fields.question)
        ? this.question(data)
        : countdownQuestion(countdown.numbers, countdown.target);
      return { category: 'reasoning', question, answer: String(countdown.target), countdown };
    }
    const question = this.question(data);
    const answerField = this.pick(data, this.fields.answer);
    if (!answerField) throw new RowError(`field "${this.fields.answer.join('" or "')}" is missing`);
    const answerText = answerSchema.safeParse(answerField.value);
    if (!answerText.success) throw new RowError(describeIssue(answerField.name, answerText.error));
    let answer = answerText.data;
    let reasoning: string | undefined;
    if (format === 'gsm8k' || (format === 'auto' && answer.includes(GSM8K_MARKER))) {
      const final = extractGsm8kAnswer(answer);
      if (final === null) throw new RowError(`field "${answerField.name}" has no final answer after "####"`);
      reasoning = gsm8kReasoning(answer) ?? undefined;
      answer = final;
    } else if (format === 'math' || (format === 'auto' && /\\(?:boxed|fbox)\s*\{/.test(answer))) {
      const boxes = scanBoxes(answer);
      if (boxes.length > 0) {
        reasoning = answer;
        answer = boxes[boxes.length - 1].content.trim();
      } else if (format === 'math' && /\\(?:boxed|fbox)/.test(answer))
        throw new RowError(`field "${answerField.name}" has a \\boxed{} whose braces do not balance`);
    }
    if (answer === '') throw new RowError(`field "${answerField.name}" must not be empty`);
    return { category: 'reasoning', question, answer, ...(reasoning !== undefined ? { reasoning } : {}) };
  }

  private countdown(
    numbersField: { name: string; value: unknown } | null,
    targetField: { name: string; value: unknown } | null,
  ): { numbers: number[]; target: number } {
    if (!numbersField) throw new RowError(`field "${this.fields.numbers.join('" or "')}" is missing`);
    if (!targetField) throw new RowError(`field "${this.fields.target.join('" or "')}" is missing`);
    const numbers = z.array(z.number().int().positive()).min(2).safeParse(numbersField.value);
    if (!numbers.success)
      throw new RowError(`field "${numbersField.name}" must be a list of at least two positive whole numbers`);
    const target = z.number().int().safeParse(targetField.value);
    if (!target.success) throw new RowError(`field "${targetField.name}" must be a whole number`);
    return { numbers: numbers.data, target: target.data };
  }

  /**
   * A general chat row: `{"prompt": …, "reply": …}` (the answer fields) or `{"messages": [{role,
   * content}, …]}` ending in an assistant turn; `"refuse": true` marks a prompt whose right reply
   * is a refusal.
   */
  private chatRow(data: Record<string, unknown>): Omit<Problem, 'key' | 'task' | 'language'> {
    const refuseField = this.pick(data, this.fields.refuse);
    if (refuseField && typeof refuseField.value !== 'boolean')
      throw new RowError(`field "${refuseField.name}" must be true or false`);
    const category = refuseField?.value === true ? 'unsafe' : 'harmless';
    const messagesField = this.pick(data, this.fields.messages);
    if (messagesField && !this.pick(data, this.fields.question)) {
      const messages = z.array(z.object({ role: z.string(), content: z.string() })).safeParse(messagesField.value);
      if (!messages.success)
        throw new RowError(`field "${messagesField.name}" must be a list of {"role", "content"} messages`);
      const list = messages.data;
      const last = list.at(-1);
      const user = list.at(-2);
      if (!last || last.role !== 'assistant' || !user || user.role !== 'user')
        throw new RowError(`field "${messagesField.name}" must end with a user turn and the assistant's reply`);
      if (user.content.trim() === '' || last.content.trim() === '')
        throw new RowError(`field "${messagesField.name}" has an empty user turn or reply`);
      return { category, question: user.content.trim(), answer: last.content.trim() };
    }
    const question = this.question(data);
    const answerField = this.pick(data, ['reply', 'response', ...this.fields.answer]);
    if (!answerField) throw new RowError(`field "reply" (or "${this.fields.answer.join('" or "')}") is missing`);
    const answer = questionSchema.safeParse(answerField.value);
    if (!answer.success) throw new RowError(describeIssue(answerField.name, answer.error));
    return { category, question, answer: answer.data };
  }
}

/** Parses a whole JSONL text. */
export function parseJsonlProblems(
  text: string,
  options: Partial<JsonlDatasetOptions> = {},
): { problems: Problem[]; report: DatasetReport } {
  const parser = new JsonlProblemParser(options);
  const lines = text.split('\n');
  // A final newline does not start another line.
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  for (const line of lines) parser.addLine(line);
  return parser.finish();
}

/** Parses JSONL from any line source (readline, an S3 body split into lines, an array). */
export async function parseJsonlProblemLines(
  lines: Iterable<string> | AsyncIterable<string>,
  options: Partial<JsonlDatasetOptions> = {},
): Promise<{ problems: Problem[]; report: DatasetReport }> {
  const parser = new JsonlProblemParser(options);
  for await (const line of lines) parser.addLine(line);
  return parser.finish();
}
