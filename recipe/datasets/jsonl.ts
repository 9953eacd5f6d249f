/**
 * Datasets from JSONL text. The caller does the I/O (local file, S3 object, test string) and
 * hands over the text or its lines; this module maps fields, validates each row with zod and
 * reports bad lines by number. With onBadLine 'fail' the first bad line is an error; with 'skip'
 * bad lines are counted and listed in the report.
 */
import { z } from 'zod';
import type { Problem, ProblemCategory } from '../task/types';
import { hashString } from '../util/rng';
import { dominantScript, LANGUAGE_SCRIPTS } from '../util/scripts';
import { extractGsm8kAnswer, gsm8kReasoning } from './gsm8k';

export interface FieldMapping {
  /** Field(s) holding the question; the first one present is used. */
  question: readonly string[];
  answer: readonly string[];
  /** Field holding the language code; optional in the row. */
  language: readonly string[];
  /** Field holding a stable id; the question text is hashed when absent. */
  id: readonly string[];
}

export const DEFAULT_FIELDS: FieldMapping = {
  question: ['question', 'prompt', 'problem'],
  answer: ['answer', 'final_answer', 'solution'],
  language: ['language', 'lang'],
  id: ['id'],
};

export type AnswerFormat = 'auto' | 'gsm8k' | 'plain';
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
  category: ProblemCategory;
  /** At most this many bad lines are listed in the report (all are counted). */
  maxListedErrors: number;
}

export const DEFAULT_JSONL_OPTIONS: JsonlDatasetOptions = {
  source: 'dataset',
  fields: {},
  answerFormat: 'auto',
  defaultLanguage: 'detect',
  onBadLine: 'fail',
  category: 'reasoning',
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
    const questionField = this.pick(data, this.fields.question);
    if (!questionField) throw new RowError(`field "${this.fields.question.join('" or "')}" is missing`);
    const question = questionSchema.safeParse(questionField.value);
    if (!question.success) throw new RowError(describeIssue(questionField.name, question.error));
    const answerField = this.pick(data, this.fields.answer);
    if (!answerField) throw new RowError(`field "${this.fields.answer.join('" or "')}" is missing`);
    const answerText = answerSchema.safeParse(answerField.value);
    if (!answerText.success) throw new RowError(describeIssue(answerField.name, answerText.error));
    let answer = answerText.data;
    let reasoning: string | undefined;
    const format = this.options.answerFormat;
    if (format === 'gsm8k' || (format === 'auto' && answer.includes('####'))) {
      const final = extractGsm8kAnswer(answer);
      if (final === null) throw new RowError(`field "${answerField.name}" has no final answer after "####"`);
      reasoning = gsm8kReasoning(answer) ?? undefined;
      answer = final;
    }
    if (answer === '') throw new RowError(`field "${answerField.name}" must not be empty`);
    let language: string;
    const languageField = this.pick(data, this.fields.language);
    if (languageField) {
      const parsed = languageSchema.safeParse(languageField.value);
      if (!parsed.success) throw new RowError(describeIssue(languageField.name, parsed.error));
      language = parsed.data;
    } else {
      language =
        this.options.defaultLanguage === 'detect' ? languageOfText(question.data) : this.options.defaultLanguage;
    }
    const idField = this.pick(data, this.fields.id);
    const id =
      idField && (typeof idField.value === 'string' || typeof idField.value === 'number')
        ? String(idField.value)
        : hashString(question.data).toString(16);
    const problem: Problem = {
      key: `dataset:${id}`,
      category: this.options.category,
      task: 'dataset',
      language,
      question: question.data,
      answer,
    };
    if (reasoning !== undefined) problem.reasoning = reasoning;
    return problem;
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
