/** Exact rationals of bigints: the numbers fast path compares answers without rounding error. */

export interface Rational {
  num: bigint;
  den: bigint;
}

function gcd(a: bigint, b: bigint): bigint {
  a = a < 0n ? -a : a;
  b = b < 0n ? -b : b;
  while (b) [a, b] = [b, a % b];
  return a;
}

export function reduce(num: bigint, den: bigint): Rational {
  if (den < 0n) [num, den] = [-num, -den];
  const g = gcd(num, den) || 1n;
  return { num: num / g, den: den / g };
}

export function rationalEqual(a: Rational, b: Rational): boolean {
  return a.num === b.num && a.den === b.den;
}

export function divide(a: Rational, b: Rational): Rational | null {
  if (b.num === 0n) return null;
  return reduce(a.num * b.den, a.den * b.num);
}

/** "-12.50" → -25/2; the caller has checked the form (optional sign, digits, optional fraction). */
export function parseDecimal(text: string): Rational {
  let s = text.replace(/[, ]/g, '');
  let sign = 1n;
  if (s.startsWith('-')) sign = -1n;
  if (s.startsWith('-') || s.startsWith('+')) s = s.slice(1);
  const [whole, fraction = ''] = s.split('.');
  const digits = BigInt((whole || '0') + fraction);
  return reduce(sign * digits, 10n ** BigInt(fraction.length));
}

/** Rounds to `places` decimals, half away from zero, as a scaled integer. */
export function roundScaled(value: Rational, places: number): bigint {
  const scale = 10n ** BigInt(places);
  const scaled = value.num * scale;
  const negative = scaled < 0n;
  const magnitude = negative ? -scaled : scaled;
  const rounded = (2n * magnitude + value.den) / (2n * value.den);
  return negative ? -rounded : rounded;
}

export function toNumber(value: Rational): number {
  return Number(value.num) / Number(value.den);
}
