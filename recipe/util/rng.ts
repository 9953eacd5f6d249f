/**
 * Seeded randomness for the recipe. Everything here is 32-bit integer arithmetic via Math.imul,
 * so the same seed gives the same numbers on every platform and Node version.
 */

/** A uniform generator in [0, 1) with helpers; state advances on every call. */
export interface Rng {
  /** Uniform float in [0, 1). */
  next(): number;
  /** Uniform integer in [min, max], both inclusive. */
  int(min: number, max: number): number;
  /** True with probability p. */
  chance(p: number): boolean;
  /** One element, uniformly. */
  pick<T>(items: readonly T[]): T;
}

/** mulberry32: tiny, fast, passes the statistical checks that matter for data generation. */
export function createRng(seed: number): Rng {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int(min, max) {
      if (!Number.isInteger(min) || !Number.isInteger(max) || max < min) {
        throw new Error(`rng.int needs integers min <= max, got ${min} and ${max}.`);
      }
      return min + Math.floor(next() * (max - min + 1));
    },
    chance(p) {
      return next() < p;
    },
    pick(items) {
      if (items.length === 0) throw new Error('rng.pick was given an empty list.');
      return items[Math.floor(next() * items.length)];
    },
  };
}

/**
 * 32-bit hash of a string: FNV-1a over UTF-16 code units, then the murmur3 finaliser so that
 * nearby keys ("add:10:11", "add:10:12") land far apart.
 */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Hash of a string mapped to [0, 1). */
export function hashUnit(text: string): number {
  return hashString(text) / 4294967296;
}

/**
 * A seed derived from several parts, e.g. (run seed, stage, step, prompt, sample), so that each
 * random stream is reproducible on its own regardless of what ran before it.
 */
export function deriveSeed(...parts: ReadonlyArray<string | number>): number {
  return hashString(parts.map(String).join('\u241f'));
}
