/** Light LaTeX clean-up for answers: enough for the forms answers actually take, not a parser. */
import { scanBoxes } from './math/boxed';

/** Contents of every `\boxed{…}` / `\fbox{…}` (braces balanced), in order. */
export function boxedContents(text: string): string[] {
  return scanBoxes(text).map((box) => box.content);
}

/** Replaces `\cmd{x}` by ` x ` for commands that only decorate text (braces must not nest). */
function unwrap(text: string, commands: readonly string[]): string {
  const pattern = new RegExp(`\\\\(?:${commands.join('|')})\\s*\\{([^{}]*)\\}`, 'g');
  let previous: string;
  do {
    previous = text;
    text = text.replace(pattern, ' $1 ');
  } while (text !== previous);
  return text;
}

const FRAC_ARG = String.raw`\{\s*([^{}]*?)\s*\}|(\d)`;

/** Plain-text form of a LaTeX-ish answer: fractions as a/b, decorations and delimiters removed. */
export function simplifyLatex(input: string): string {
  let text = input;
  text = text.replace(/\\\$/g, ' $ ');
  text = text.replace(/\\%/g, '%');
  text = text.replace(/\{,\}/g, ',');
  text = text.replace(/\\(?:left|right|displaystyle|!|,|;|:|\s)/g, ' ');
  text = text.replace(/\\[()[\]]/g, ' ');
  text = text.replace(/\\[dt]frac/g, '\\frac');
  text = unwrap(text, ['text', 'textbf', 'textit', 'textrm', 'mathrm', 'mathbf', 'mbox', 'operatorname']);
  const frac = new RegExp(String.raw`\\frac\s*(?:${FRAC_ARG})\s*(?:${FRAC_ARG})`, 'g');
  text = text.replace(
    frac,
    (_all, n1?: string, d1?: string, n2?: string, d2?: string) => `(${n1 ?? d1})/(${n2 ?? d2})`,
  );
  text = text.replace(/\^\s*\{?\s*\\circ\s*\}?/g, ' ');
  text = text.replace(/[{}]/g, ' ');
  return text;
}
