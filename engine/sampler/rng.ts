import { createHash } from 'node:crypto';

/**
 * A per-sample seed: any number, bigint or string. It is hashed into the generator state, so
 * nearby seeds (1, 2, 3…) still give unrelated streams.
 */
export type SampleSeed = number | bigint | string;

/** Where a sample sits in a run; every field changes the seed. */
export interface SampleSeedParts {
  runSeed: number | string;
  stage: string;
  step: number;
  promptIndex: number;
  sampleIndex: number;
}

/**
 * The seed of one sample, derived from its place in the run (not from its place in a batch),
 * so the same sample draws the same random numbers however rollouts are batched or retried.
 * Returned as 32 hex characters (128 bits).
 */
export function deriveSampleSeed(parts: SampleSeedParts): string {
  const material = JSON.stringify([
    'r1flow-sample-seed-v1',
    String(parts.runSeed),
    parts.stage,
    parts.step,
    parts.promptIndex,
    parts.sampleIndex,
  ]);
  return createHash('sha256').update(material).digest('hex').slice(0, 32);
}

function seedState(seed: SampleSeed): Uint32Array {
  if (typeof seed === 'number' && !Number.isFinite(seed)) throw new Error(`Sample seed must be finite, got ${seed}.`);
  const digest = createHash('sha256')
    .update(`${typeof seed}:${String(seed)}`)
    .digest();
  const state = new Uint32Array(4);
  for (let i = 0; i < 4; i++) state[i] = digest.readUInt32LE(i * 4);
  if ((state[0] | state[1] | state[2] | state[3]) === 0) state[0] = 1; // the all-zero state is a fixed point
  return state;
}

/**
 * xoshiro128** — small, fast, well-tested 32-bit generator. Uniforms carry 24 random bits, so each
 * one is exactly representable in float32: the value fed to the ONNX graph is the value drawn here.
 */
export class SampleRng {
  private readonly s: Uint32Array;

  constructor(seed: SampleSeed) {
    this.s = seedState(seed);
  }

  /** A generator from raw state words (for checking against the reference generator). */
  static fromState(state: readonly [number, number, number, number]): SampleRng {
    const rng = new SampleRng(0);
    rng.s.set(state);
    return rng;
  }

  nextUint32(): number {
    const s = this.s;
    const result = Math.imul(rotl(Math.imul(s[1], 5), 7), 9) >>> 0;
    const t = s[1] << 9;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11);
    return result;
  }

  /** Uniform in [0, 1) on a 2^-24 grid. */
  nextUniform(): number {
    return (this.nextUint32() >>> 8) * 2 ** -24;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/**
 * The random numbers a batch of samples consumes: one uniform per sample per generated token,
 * laid out [maxNewTokens, batch] (row t holds token t's draws). Column b depends only on seeds[b].
 */
export function uniformsForBatch(seeds: readonly SampleSeed[], maxNewTokens: number): Float32Array {
  const batch = seeds.length;
  const out = new Float32Array(maxNewTokens * batch);
  seeds.forEach((seed, b) => {
    const rng = new SampleRng(seed);
    for (let t = 0; t < maxNewTokens; t++) out[t * batch + b] = rng.nextUniform();
  });
  return out;
}
