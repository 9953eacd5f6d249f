import type { GraphBuilder, Value } from '../onnx/graph-builder';

export interface SampleHeadInputs {
  /** Next-token logits, float32 [B, V]. */
  logits: Value;
  /** One uniform in [0, 1) per row, float32 [B]. */
  uniform: Value;
  /** Scalar float32; 0 (or below) means greedy. */
  temperature: Value;
  /** Scalar float32 in (0, 1]: the nucleus mass; read by the sorted walks only (null for 'whole'). */
  topP: Value | null;
  /** Static vocabulary size (the V of logits). */
  vocabSize: number;
}

export interface SampleHeadOutputs {
  /** Chosen token per row, int64 [B]. */
  token: Value;
  /** log π(token) of the policy itself (temperature 1, no top-p), float32 [B]. */
  logprob: Value;
}

/**
 * How a sampling graph walks the distribution: in token-id order over the whole of it (top_p = 1,
 * no sort), or sorted over the nucleus (top_p < 1). The sampler compiles one graph per walk it is
 * asked for, so the common top_p = 1 never pays for a sort of the vocabulary, which dominated a
 * decode step at a real model's vocabulary size; an If choosing at run time cost more per step
 * than it saved at small vocabularies.
 */
export type SampleWalk = 'whole' | 'nucleus' | TopKWalk;

/**
 * top_k first, then top_p over the k kept (renormalized), as transformers orders its warpers: a
 * TopK of k instead of a sort of the whole vocabulary. k is static, so each k is a graph of its own.
 */
export type TopKWalk = `top-${number}`;

/**
 * The walk top_p and top_k ask for; top_k 0 (or undefined, or at least the vocabulary) keeps
 * every token, as in transformers.
 */
export function sampleWalkFor(topP: number | undefined, topK: number | undefined, vocabSize: number): SampleWalk {
  if (topK !== undefined && topK > 0 && topK < vocabSize) return `top-${topK}`;
  return (topP ?? 1) >= 1 ? 'whole' : 'nucleus';
}

/** Whether a walk's graphs take a top_p input (every sorted walk does; 'whole' has none). */
export const walkReadsTopP = (walk: SampleWalk): boolean => walk !== 'whole';

/** How many of the sorted tokens a sorted walk keeps before top_p: k, or the whole vocabulary. */
function keptBySort(walk: Exclude<SampleWalk, 'whole'>, vocabSize: number): number {
  return walk === 'nucleus' ? vocabSize : Number(walk.slice('top-'.length));
}

/**
 * Emits the sampling rule as ONNX ops. The step path and the Loop path both run exactly these
 * nodes, so for the same logits and uniforms they pick the same tokens bit for bit.
 *
 * Rule, by inverse CDF: temperature ≤ 0 takes the argmax (ties to the lower id). Otherwise the
 * temperature-scaled distribution is walked in token-id order ('whole'), or in descending order
 * over the nucleus, the shortest prefix whose mass reaches top_p, the first token always
 * ('nucleus'); the pick is the first token whose running mass exceeds u · (walked mass). Ties in
 * the descending sort go to the lower token id (TopK's documented order).
 */
export function emitSampleHead(g: GraphBuilder, inputs: SampleHeadInputs, walk: SampleWalk): SampleHeadOutputs {
  const { logits, temperature } = inputs;
  const batch = logits.shape[0];
  return g.scope('sample', () => {
    const greedy = g.lessOrEqual(temperature, g.scalar(0, 'float32'));
    const token2d =
      walk === 'whole' ? emitWholeDistribution(g, inputs, batch, greedy) : emitNucleus(g, inputs, batch, greedy, walk);
    const policyLogp = g.logSoftmax(logits, -1);
    const logprob2d = g.gatherElements(policyLogp, token2d, 1);
    return { token: g.squeeze(token2d, [1]), logprob: g.squeeze(logprob2d, [1]) };
  });
}

/** int64 [B, 1]: the highest logit's id, the lowest id among equals (ArgMax's first occurrence). */
function emitArgmax(g: GraphBuilder, logits: Value, batch: Value['shape'][number]): Value {
  const [id] = g.node('ArgMax', [logits], { axis: 1, keepdims: 1, select_last_index: 0 }, [
    { dtype: 'int64', shape: [batch, 1] },
  ]);
  return id;
}

/** The temperature-scaled logits; the tiny positive floor keeps temperature 0 finite. */
function scaledLogits(g: GraphBuilder, { logits, temperature }: SampleHeadInputs): Value {
  return g.div(logits, g.max(temperature, g.scalar(1e-6, 'float32')));
}

/** Index of the first cdf entry above u · mass = how many entries are at or below it, [B, 1]. */
function firstAbove(g: GraphBuilder, cdf: Value, uniform: Value, mass: Value): Value {
  const threshold = g.mul(g.unsqueeze(uniform, [1]), mass);
  return g.reduceSum(g.cast(g.lessOrEqual(cdf, threshold), 'int64'), [1], true);
}

/**
 * top_p ≥ 1 (and greedy, by the argmax): inverse CDF in token-id order, no sort. A token of probability 0 never has its cdf
 * step above the threshold, so it is never picked; when rounding puts u · mass at the whole mass
 * (u within 2^-24 of 1) no entry is above it and the argmax is taken.
 */
function emitWholeDistribution(
  g: GraphBuilder,
  inputs: SampleHeadInputs,
  batch: Value['shape'][number],
  greedy: Value,
): Value {
  const V = inputs.vocabSize;
  const probs = g.softmax(scaledLogits(g, inputs), -1);
  const [cdf] = g.node('CumSum', [probs, g.scalar(1, 'int64')], {}, [{ dtype: 'float32', shape: [batch, V] }], {
    name: 'whole_cdf',
  });
  const mass = g.slice(cdf, [V - 1], [V], [1]); // [B, 1]
  const position = firstAbove(g, cdf, inputs.uniform, mass);
  const inside = g.less(position, g.constant([V], 'int64', [1, 1]));
  // one ArgMax serves both the greedy pick and the rounding fallback
  const argmax = emitArgmax(g, inputs.logits, batch);
  return g.where(g.or(greedy, g.not(inside)), argmax, position);
}

/**
 * top_p < 1 or a top_k: sort descending (only the k largest for a top_k), keep the nucleus of
 * those, inverse CDF over it (the first sorted id when greedy).
 */
function emitNucleus(
  g: GraphBuilder,
  inputs: SampleHeadInputs,
  batch: Value['shape'][number],
  greedy: Value,
  walk: Exclude<SampleWalk, 'whole'>,
): Value {
  const V = keptBySort(walk, inputs.vocabSize);
  const [sortedLogits, sortedIds] = g.node(
    'TopK',
    [scaledLogits(g, inputs), g.constant([V], 'int64')],
    { axis: -1, largest: 1, sorted: 1 },
    [
      { dtype: 'float32', shape: [batch, V] },
      { dtype: 'int64', shape: [batch, V] },
    ],
    { name: 'sort' },
  );
  const probs = g.softmax(sortedLogits, -1);
  const axis1 = g.scalar(1, 'int64');
  // Mass strictly before each token: a token is in the nucleus while that is below top_p.
  const [massBefore] = g.node('CumSum', [probs, axis1], { exclusive: 1 }, [{ dtype: 'float32', shape: [batch, V] }], {
    name: 'mass_before',
  });
  if (!inputs.topP) throw new Error(`emitSampleHead: the ${walk} walk needs a top_p input.`);
  const inNucleus = g.less(massBefore, inputs.topP);
  const kept = g.where(inNucleus, probs, g.scalar(0, 'float32'));
  const [keptCdf] = g.node('CumSum', [kept, axis1], {}, [{ dtype: 'float32', shape: [batch, V] }], {
    name: 'kept_cdf',
  });
  const keptMass = g.slice(keptCdf, [V - 1], [V], [1]); // [B, 1]
  const position = firstAbove(g, keptCdf, inputs.uniform, keptMass);
  // Rounding in u·mass can push the count past the nucleus; clamp to its last token.
  const nucleusSize = g.reduceSum(g.cast(inNucleus, 'int64'), [1], true);
  const clamped = g.min(position, g.sub(nucleusSize, g.constant([1], 'int64', [1, 1])));
  const chosen = g.where(greedy, g.constant([0], 'int64', [1, 1]), clamped);
  return g.gatherElements(sortedIds, chosen, 1); // [B, 1]
}
