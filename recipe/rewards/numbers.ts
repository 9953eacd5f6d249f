/**
 * Numeric answer equivalence, exact: every value is a reduced fraction of bigints, so 0.1+0.2
 * questions and 16-digit integers compare without floating-point error. Forms understood:
 * signs (incl. U+2212), thousands separators ("7,425,000", "1 000", "1 000 000" with thin or
 * non-breaking spaces), decimals, a/b and \frac{a}{b}, percentages, \text{} and units or words
 * around one number, $…$ and \(…\). An answer with two numbers in it ("85 or 86") or with
 * arithmetic left in it ("5+3") is not a number. A comma with other than three digits after it
 * ("1,5") is ambiguous and not read at all.
 */
import { simplifyLatex } from './latex';
import { parseDecimal, rationalEqual, reduce, type Rational } from './math/rational';

export type { Rational } from './math/rational';

const DECIMAL = String.raw`[-+]?(?:\d{1,3}(?:,\d{3})+|\d{1,3}(?: \d{3})+|\d+)(?:\.\d+)?|[-+]?\.\d+`;
const FRACTION = String.raw`([-+]?)\s*\(?\s*(${DECIMAL})\s*\)?\s*/\s*\(?\s*(${DECIMAL})\s*\)?`;
const NUMBER_PATTERN = new RegExp(`(?:${FRACTION})|(${DECIMAL})`, 'g');
/** What may surround the one number: words (units, "x =", "the answer is"), currency, light punctuation. */
const ALLOWED_AROUND = /^[\p{L}\p{M}\s.,:;!?=$€£¥'"()]*$/u;

function normaliseSpacesAndSigns(text: string): string {
  return text
    .replace(/[\u00a0\u2009\u202f\u2007]/g, ' ')
    .replace(/[\u2212\u2012\u2013]/g, '-')
    .replace(/\$/g, ' $ ');
}

/**
 * The values an answer may mean, or null when it is not one number. A percentage has two
 * readings ("50%" is 50 and 0.5); anything else has one.
 */
export function parseNumber(answer: string): Rational[] | null {
  let text = normaliseSpacesAndSigns(simplifyLatex(answer));
  // "- 5" → "-5", and "$ " never sits between a sign and its digits.
  text = text.replace(/(^|[^\d\s])\s*([-+])\s+(?=[\d.])/g, '$1 $2');
  text = text.replace(/ +/g, ' ').trim();
  const matches = [...text.matchAll(NUMBER_PATTERN)];
  if (matches.length !== 1) return null;
  const match = matches[0];
  const before = text.slice(0, match.index);
  let after = text.slice(match.index + match[0].length);
  const percent = /^\s*%/.test(after);
  if (percent) after = after.replace(/^\s*%/, '');
  // A sign glued to the previous token ("3-5") means arithmetic, not a negative answer.
  if (/[\d]\s*$/.test(before) || /[-+*/^<>]/.test(before + after)) return null;
  if (!ALLOWED_AROUND.test(before) || !ALLOWED_AROUND.test(after)) return null;
  let value: Rational;
  if (match[2] !== undefined) {
    const numerator = parseDecimal(match[2]);
    const denominator = parseDecimal(match[3]);
    if (denominator.num === 0n) return null;
    const sign = match[1] === '-' ? -1n : 1n;
    value = reduce(sign * numerator.num * denominator.den, numerator.den * denominator.num);
  } else {
    value = parseDecimal(match[4]);
  }
  return percent ? [value, reduce(value.num, value.den * 100n)] : [value];
}

/**
 * Whether a predicted answer means the same number as the gold one: true/false, or null when
 * the gold answer is not a number this module can read (the sample cannot be scored).
 */
export function numbersEquivalent(predicted: string, gold: string): boolean | null {
  const goldValues = parseNumber(gold);
  if (!goldValues) return null;
  const predictedValues = parseNumber(predicted);
  if (!predictedValues) return false;
  return predictedValues.some((p) => goldValues.some((g) => rationalEqual(p, g)));
}
