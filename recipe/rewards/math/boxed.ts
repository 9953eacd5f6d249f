/** `\boxed{…}` / `\fbox{…}` contents with balanced braces, read from the right as Math-Verify does. */

export interface BoxedAnswer {
  /** Contents of the boxes that form the final answer, left to right. */
  contents: string[];
  /** Distinct boxes in the whole text (hedging shows up here). */
  distinct: number;
}

export interface Box {
  start: number;
  content: string;
}

/** Every `\boxed{…}` / `\fbox{…}` whose braces balance, in order: where it starts and its contents as written. */
export function scanBoxes(text: string): Box[] {
  const boxes: Box[] = [];
  for (const match of text.matchAll(/\\(?:boxed|fbox)\s*\{/g)) {
    let depth = 1;
    let i = match.index + match[0].length;
    const start = i;
    for (; i < text.length && depth > 0; i++) {
      if (text[i] === '{') depth++;
      else if (text[i] === '}') depth--;
    }
    if (depth === 0) boxes.push({ start: match.index, content: text.slice(start, i - 1) });
  }
  return boxes;
}

function allBoxes(text: string): Box[] {
  const boxes = scanBoxes(text).map((b) => ({ start: b.start, content: b.content.trim() }));
  // boxes nested in boxes: keep the outer one
  return boxes.filter((b) => !boxes.some((o) => o !== b && o.start < b.start && o.content.includes(b.content)));
}

/**
 * The last box, with the boxes just before it that Math-Verify joins into one answer: those
 * fewer than 10 characters away, or with different content, fewer than 70 characters away and a
 * separator (`and`, `or`, `,`, `;`) between them. Null when there is no box.
 */
export function finalBoxed(text: string): BoxedAnswer | null {
  const boxes = allBoxes(text);
  if (boxes.length === 0) return null;
  const chosen: Box[] = [boxes[boxes.length - 1]];
  for (let i = boxes.length - 2; i >= 0; i--) {
    const next = chosen[0];
    const box = boxes[i];
    const end = text.indexOf(box.content, box.start) + box.content.length + 1;
    const between = text.slice(end, next.start);
    const near = between.length < 10;
    const separated = box.content !== next.content && between.length < 70 && /\b(?:and|or)\b|,|;/.test(between);
    if (!near && !separated) break;
    if (box.content !== next.content) chosen.unshift(box);
  }
  return { contents: chosen.map((b) => b.content), distinct: new Set(boxes.map((b) => b.content)).size };
}
