/** GSM8K-style answers: worked solution, then "#### 42" with the final answer. */

export const GSM8K_MARKER = '####';

/** The final answer after the last "####", or null when there is no marker or nothing after it. */
export function extractGsm8kAnswer(text: string): string | null {
  const at = text.lastIndexOf(GSM8K_MARKER);
  if (at < 0) return null;
  const answer = text.slice(at + GSM8K_MARKER.length).trim();
  return answer === '' ? null : answer;
}

/** The worked solution before the marker, without the <<48/2=24>> calculator annotations. */
export function gsm8kReasoning(text: string): string | null {
  const at = text.lastIndexOf(GSM8K_MARKER);
  if (at < 0) return null;
  const reasoning = text
    .slice(0, at)
    .replace(/<<[^<>]*>>/g, '')
    .trim();
  return reasoning === '' ? null : reasoning;
}
