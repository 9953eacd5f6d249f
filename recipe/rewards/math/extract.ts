/**
 * Finding the final answer in a text, in Math-Verify's order of preference: "the final answer
 * is …", then `\boxed{}` (the last one; the boxes beside it that form one answer with it), then
 * the last LaTeX span (`$…$`, `$$…$$`, `\(…\)`, `\[…\]`), then the text itself.
 */
import { finalBoxed } from './boxed';

export type ExtractionSource = 'final-answer' | 'boxed' | 'math' | 'bare';

export interface ExtractedAnswer {
  /** The answer's LaTeX (or plain text), not yet normalised; several parts form a set. */
  parts: string[];
  /** A percent sign right after a LaTeX span (`$28$\%`). */
  percent: boolean;
  source: ExtractionSource;
  /** How many distinct boxes the text holds, whether or not they form the answer. */
  distinctBoxes: number;
}

const FINAL_ANSWER = /final answer(?:.{0,100}?)\s+is:?\s*/gis;
const PERCENT_AFTER = /^\s*(?:\\?%|percent(?:age)?\b|pct\b)/i;

interface Span {
  latex: string;
  start: number;
  end: number;
}

/** Every LaTeX span, in order. */
function mathSpans(text: string): Span[] {
  const spans: Span[] = [];
  const pattern =
    /(?<!\\)\$\$((?:[^$]|\$(?!\$))+?)(?<!\\)\$\$|(?<!\\)\\\[((?:[^\\]|\\(?!\]))+?)\\\]|(?<![\\\d])\$((?:\\\$|[^\n$])+?)(?<!\\)\$|(?<!\\)\\\(((?:[^\\\n]|\\(?!\)))+?)\\\)/g;
  for (const m of text.matchAll(pattern)) {
    const latex = m[1] ?? m[2] ?? m[3] ?? m[4] ?? '';
    spans.push({ latex, start: m.index, end: m.index + m[0].length });
  }
  return spans;
}

/** The last LaTeX span and the spans joined to it by `,`, `and`, `or` (one answer of several parts). */
function lastMathAnswer(text: string): { parts: string[]; percent: boolean } | null {
  const spans = mathSpans(text);
  if (spans.length === 0) return null;
  const chosen = [spans[spans.length - 1]];
  for (let i = spans.length - 2; i >= 0 && chosen.length < 6; i--) {
    const between = text.slice(spans[i].end, chosen[0].start);
    if (!/^\s*(?:,?\s*and|,?\s*or|,)\s*$/.test(between)) break;
    chosen.unshift(spans[i]);
  }
  const last = chosen[chosen.length - 1];
  return { parts: chosen.map((s) => s.latex), percent: PERCENT_AFTER.test(text.slice(last.end)) };
}

function fromText(text: string, distinctBoxes: number): ExtractedAnswer | null {
  const boxed = finalBoxed(text);
  if (boxed) return { parts: boxed.contents, percent: false, source: 'boxed', distinctBoxes };
  const math = lastMathAnswer(text);
  if (math) return { ...math, source: 'math', distinctBoxes };
  const bare = text.trim();
  if (bare === '') return null;
  return { parts: [bare], percent: false, source: 'bare', distinctBoxes };
}

export function extractAnswer(text: string): ExtractedAnswer | null {
  const distinctBoxes = finalBoxed(text)?.distinct ?? 0;
  const finals = [...text.matchAll(FINAL_ANSWER)];
  if (finals.length > 0) {
    const last = finals[finals.length - 1];
    const rest = text
      .slice(last.index + last[0].length)
      .replace(/\.?\s*I hope[\s\S]*$/i, '')
      .trim();
    const found = fromText(rest, distinctBoxes);
    if (found) return { ...found, source: found.source === 'bare' ? 'final-answer' : found.source };
  }
  return fromText(text, distinctBoxes);
}
