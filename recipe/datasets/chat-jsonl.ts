/**
 * Chat-format SFT data from JSONL: one `{"messages": [{role, content}, ...]}` per line, ending
 * with the assistant turn to train on. Same bad-line handling as the problem datasets.
 */
import { chatRowSchema, DEFAULT_CHAT_FORMAT, renderChat, type ChatFormat } from '../templates/chat';
import type { SftExample } from '../templates/sft';
import type { BadLineMode, DatasetReport } from './jsonl';

export interface ChatJsonlOptions {
  source: string;
  onBadLine: BadLineMode;
  format: ChatFormat;
  maxListedErrors: number;
}

export function parseChatJsonl(
  text: string,
  partial: Partial<ChatJsonlOptions> = {},
): { examples: SftExample[]; report: DatasetReport } {
  const options: ChatJsonlOptions = {
    source: 'chat dataset',
    onBadLine: 'fail',
    format: DEFAULT_CHAT_FORMAT,
    maxListedErrors: 100,
    ...partial,
  };
  const report: DatasetReport = { source: options.source, lines: 0, blank: 0, kept: 0, skipped: 0, errors: [] };
  const examples: SftExample[] = [];
  const lines = text.split('\n');
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  for (const raw of lines) {
    const lineNumber = ++report.lines;
    const line = raw.replace(/\r$/, '');
    if (line.trim() === '') {
      report.blank++;
      continue;
    }
    let reason: string | null = null;
    try {
      const parsed = chatRowSchema.safeParse(JSON.parse(line));
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        reason = `field "${issue.path.join('.') || 'messages'}" ${issue.message}`;
      } else {
        examples.push(renderChat(parsed.data.messages, options.format));
        report.kept++;
      }
    } catch (error) {
      reason =
        error instanceof SyntaxError ? `invalid JSON (${error.message})` : (error as Error).message.replace(/\.$/, '');
    }
    if (reason === null) continue;
    if (options.onBadLine === 'fail') throw new Error(`${options.source} line ${lineNumber}: ${reason}.`);
    report.skipped++;
    if (report.errors.length < options.maxListedErrors) report.errors.push({ line: lineNumber, reason });
  }
  return { examples, report };
}
