/**
 * LaTeX normalisation of an extracted answer, following Math-Verify's (latex2sympy2_extended's
 * `normalize_latex` with basic clean-up, units, malformed operators and nits on), so that both
 * sides of a comparison are read the same way: `\dfrac`/`\tfrac`/`\cfrac` are `\frac`, `\frac12`
 * is `\frac{1}{2}`, `\sqrt3` is `\sqrt{3}`, `\left`/`\right`, `\!`, `\displaystyle`, `$` and
 * quotes go, `and`/`or` become commas, "percent" becomes `\%`, a trailing unit word or `\text{…}`
 * goes.
 */

const LEFT =
  /\\m?left(\\\{|\{|\\\||\||\[|\(|\\rbracl|\\lgroup|\\lbrace|\\lbrack|\\vert|\\lvert|\\lceil|\\lfloor|\\langle|\\llcorner|\\ulcorner|\.)/g;
const RIGHT =
  /\\m?right(\\\}|\}|\\\||\||\]|\)|\\rbrack|\\rgroup|\\rbrace|\\vert|\\rvert|\\rceil|\\rfloor|\\rangle|\\lrcorner|\\urcorner|\.)/g;

/** Unit words Math-Verify strips from the end of an answer (its list, trimmed of the odd ones). */
const UNITS = [
  'integer',
  'point',
  'feet',
  'sue',
  'digit',
  'pound',
  'meal',
  'edge',
  'student',
  'children ticket',
  'multiple',
  'east',
  'degree',
  'mph',
  'kmph',
  'ft',
  'm square',
  'm east',
  'sq m',
  'deg',
  'mile',
  'monkey',
  'prime',
  'ratio',
  'profit of rs',
  'rd',
  'o',
  'gm',
  'lb',
  'tile',
  'per',
  'dm',
  'lt',
  'gain',
  'ab',
  'way',
  'west',
  't',
  'h',
  'no change',
  'men',
  'soldier',
  'pie',
  'bc',
  'excess',
  'st',
  'inches',
  'noon',
  'cent',
  'by',
  'gal',
  'kmh',
  'c',
  'acre',
  'rise',
  'th',
  'sq',
  'mark',
  'l',
  'toy',
  'coin',
  'sq . m',
  'gallon',
  '° f',
  'profit',
  'minw',
  'yr',
  'women',
  'am',
  'pm',
  'hr',
  'cu cm',
  'square',
  'are',
  'rupee',
  'rounds',
  'cubic',
  'cc',
  'mtr',
  's',
  'ohm',
  'number',
  'day',
  'hour',
  'minute',
  'min',
  'second',
  'man',
  'woman',
  'sec',
  'cube',
  'mt',
  'sq inch',
  'mp',
  'hectare',
  'more',
  'unit',
  'cu . m',
  'cm 2',
  'rs .',
  'rs',
  'kg',
  'g',
  'month',
  'km',
  'm',
  'cm',
  'mm',
  'apple',
  'liter',
  'loss',
  'yard',
  'pure',
  'year',
  'increase',
  'decrease',
  'd',
  'less',
  'Surface',
  'litre',
  'pi sq m',
  's .',
  'metre',
  'meter',
  'inch',
  'dollar',
  'cent',
];
const UNITS_AT_END = new RegExp(
  `(\\d|\\}|\\s)\\s*(?:${UNITS.map((u) => u.replace(/[.]/g, '\\.')).join('|')})(?:s|es)?\\s*$`,
);
const TEXT_AT_END = /(\\(?:text|mbox)\{[^{}]*\})(\^\d|\{\^\d\})?$/;

const REMOVE = /\\mathrm\{th\}|\\!\s*|\\text\s*\{\s*\}|\\\$|\$|(?<!\\)["']|\\displaystyle|\\limits/g;

const REPLACEMENTS: Array<[RegExp, string]> = [
  [/\\math(?:rm|it|bf|sf|tt)\b/g, '\\text'],
  [/\\(?:textnormal|textbf|textit|textrm|textsf|texttt|mbox|operatorname)\b/g, '\\text'],
  [/\\(?:d|t|c)frac/g, '\\frac'],
  [/\s\.(?=\d)/g, ' 0.'],
  [/\{\.(?=\d)/g, '{0.'],
  [/\s*\{\s*,\s*\}/g, ','],
  [/,?\s*\\text\{\s*(?:and|or)\s*\}/g, ','],
  [/(?<![a-zA-Z\\])(?:,?\s*(?:and|or))(?![a-zA-Z])/g, ','],
  [/(?<!\\)\\\s/g, ' '],
  [/\\[,;:>]/g, ' '],
  [/\\q?quad\b/g, ' '],
  [/infinity/g, '\\infty'],
  [/,?\s*\\c?dots\b|,?\s*\\ldots\b/g, ' '],
  [/\s*\bpercentage\b/g, '\\%'],
  [/\\text\{\s*percent(?:age)?\s*\}/g, '\\%'],
  [/\s*\bpercent\b/g, '\\%'],
  [/\s*\bpct\b/g, '\\%'],
  [/(?<![\\a-zA-Z])inf(?!inity|[a-zA-Z])/g, '\\infty'],
  [/(?<![\\a-zA-Z])sqrt/g, '\\sqrt'],
];

/** \frac12 → \frac{1}{2}, \frac1{2} → \frac{1}{2}, \frac{1}2 → \frac{1}{2}. */
function fixFracs(text: string): string {
  return text
    .replace(/\\frac\s*(\d)\s*(\d)/g, '\\frac{$1}{$2}')
    .replace(/\\frac\s*(\d)\s*\{/g, '\\frac{$1}{')
    .replace(/\\frac\s*\{([^{}]*)\}\s*(\d)/g, '\\frac{$1}{$2}')
    .replace(/\\frac\s*([a-zA-Z])\s*([a-zA-Z\d])/g, '\\frac{$1}{$2}');
}

/** \sqrt3 → \sqrt{3}, \sqrt x → \sqrt{x}, sqrt(2) → \sqrt{2}. */
function fixSqrt(text: string): string {
  return text.replace(/\\sqrt\s*\(([^()]*)\)/g, '\\sqrt{$1}').replace(/\\sqrt\s*([^\s{[\\])/g, '\\sqrt{$1}');
}

export function normaliseLatex(input: string): string {
  let text = input;
  text = text
    .replace(/\\mathrm\{T\}/g, 'T')
    .replace(/\\mathrm\{d\}/g, 'd')
    .replace(/\{\\rm d\}/g, 'd');
  text = text
    .replace(/\\left\[\\begin\{matrix\}/g, '\\begin{bmatrix}')
    .replace(/\\end\{matrix\}\\right\]/g, '\\end{bmatrix}');
  text = text
    .replace(LEFT, (_m, d: string) => (d === '.' ? '' : d))
    .replace(RIGHT, (_m, d: string) => (d === '.' ? '' : d));
  text = text.replace(REMOVE, '');
  for (const [pattern, replacement] of REPLACEMENTS) text = text.replace(pattern, replacement);
  text = text.replace(/[\n\t]/g, ' ');
  if (!text.includes('matrix')) text = text.replace(/\\\\(?=[a-zA-Z])/g, '\\');
  // units: a trailing \text{…} (possibly squared), then trailing unit words, twice
  const noText = text.replace(TEXT_AT_END, '').trim();
  if (noText !== '' && noText !== text) text = noText;
  for (let i = 0; i < 2; i++) {
    const noUnit = text.replace(UNITS_AT_END, '$1');
    if (noUnit.trim() !== '' && noUnit !== text) text = noUnit;
  }
  text = text.trim();
  if (text.startsWith('.')) text = `0${text}`;
  text = text.replace(/\^\s*\(([^()]*)\)/g, '^{$1}');
  text = fixSqrt(text);
  text = fixFracs(text);
  return text.trim();
}
