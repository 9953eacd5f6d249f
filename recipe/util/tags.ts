/**
 * The think/answer tags and how a completion is cut into its parts. Tags are single tokens in
 * the tokenizer, so they appear literally in text; everything here works on the decoded text.
 */

export const THINK_OPEN = '<think>';
export const THINK_CLOSE = '</think>';
export const ANSWER_OPEN = '<answer>';
export const ANSWER_CLOSE = '</answer>';
export const TAGS = [THINK_OPEN, THINK_CLOSE, ANSWER_OPEN, ANSWER_CLOSE] as const;
export type Tag = (typeof TAGS)[number];

const TAG_PATTERN = /<\/?(?:think|answer)>/g;

interface TagHit {
  tag: Tag;
  start: number;
  end: number;
}

function findTags(text: string): TagHit[] {
  const hits: TagHit[] = [];
  for (const match of text.matchAll(TAG_PATTERN)) {
    hits.push({ tag: match[0] as Tag, start: match.index, end: match.index + match[0].length });
  }
  return hits;
}

/** Length as the character tokenizer counts it: each tag is one token, every other code point one. */
export function tagAwareLength(text: string): number {
  let length = 0;
  let last = 0;
  for (const hit of findTags(text)) {
    length += [...text.slice(last, hit.start)].length + 1;
    last = hit.end;
  }
  return length + [...text.slice(last)].length;
}

export type AnswerProblem = 'missing' | 'duplicated' | 'unclosed' | 'nested-tags' | 'inside-think' | 'empty';

/**
 * The content of the one answer block, or why there is none. Exactly one `<answer>` and one
 * `</answer>`, in that order, no other tag between them, and not inside an open think block;
 * anything else means the completion has no single answer to grade.
 */
export function extractAnswerBlock(text: string): { answer: string } | { problem: AnswerProblem } {
  const hits = findTags(text);
  const opens = hits.filter((h) => h.tag === ANSWER_OPEN);
  const closes = hits.filter((h) => h.tag === ANSWER_CLOSE);
  if (opens.length === 0 && closes.length === 0) return { problem: 'missing' };
  if (opens.length > 1 || closes.length > 1) return { problem: 'duplicated' };
  if (opens.length !== 1 || closes.length !== 1 || closes[0].start < opens[0].end) return { problem: 'unclosed' };
  const open = opens[0];
  const close = closes[0];
  if (hits.some((h) => h.start >= open.end && h.end <= close.start)) return { problem: 'nested-tags' };
  let thinkDepth = 0;
  for (const h of hits) {
    if (h.start >= open.start) break;
    if (h.tag === THINK_OPEN) thinkDepth++;
    if (h.tag === THINK_CLOSE) thinkDepth = Math.max(0, thinkDepth - 1);
  }
  if (thinkDepth > 0) return { problem: 'inside-think' };
  const answer = text.slice(open.end, close.start).trim();
  if (answer === '') return { problem: 'empty' };
  return { answer };
}

/**
 * The chain of thought: the contents of every complete think block, joined with a space, or null
 * when there is none. Used for language consistency, which should see all of the reasoning.
 */
export function extractThinking(text: string): string | null {
  const hits = findTags(text);
  const parts: string[] = [];
  for (let i = 0; i < hits.length; i++) {
    if (hits[i].tag !== THINK_OPEN) continue;
    const close = hits.slice(i + 1).find((h) => h.tag === THINK_CLOSE);
    if (!close) break;
    parts.push(text.slice(hits[i].end, close.start));
    i = hits.indexOf(close);
  }
  return parts.length === 0 ? null : parts.join(' ');
}

export type FormatProblem =
  | 'text-before-think'
  | 'wrong-tag-sequence'
  | 'empty-think'
  | 'empty-answer'
  | 'text-between-blocks'
  | 'text-after-answer';

/**
 * The R1 format: optional whitespace, one think block, optional whitespace, one answer block,
 * optional whitespace, and nothing else. Both blocks must have non-blank content, and no tag may
 * appear inside either block (a repeated tag inside think is a format error).
 */
export function checkFormat(
  text: string,
): { ok: true; think: string; answer: string } | { ok: false; problem: FormatProblem } {
  const hits = findTags(text);
  const sequence = hits.map((h) => h.tag).join('');
  if (sequence !== TAGS.join('')) return { ok: false, problem: 'wrong-tag-sequence' };
  const [thinkOpen, thinkClose, answerOpen, answerClose] = hits;
  if (text.slice(0, thinkOpen.start).trim() !== '') return { ok: false, problem: 'text-before-think' };
  const think = text.slice(thinkOpen.end, thinkClose.start);
  if (think.trim() === '') return { ok: false, problem: 'empty-think' };
  if (text.slice(thinkClose.end, answerOpen.start).trim() !== '') return { ok: false, problem: 'text-between-blocks' };
  const answer = text.slice(answerOpen.end, answerClose.start);
  if (answer.trim() === '') return { ok: false, problem: 'empty-answer' };
  if (text.slice(answerClose.end).trim() !== '') return { ok: false, problem: 'text-after-answer' };
  return { ok: true, think, answer };
}

/** Text with the tags removed, for the free-form view of a completion. */
export function stripTags(text: string): string {
  return text.replace(TAG_PATTERN, ' ');
}
