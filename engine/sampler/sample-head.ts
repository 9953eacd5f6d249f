import type { GraphBuilder, Value } from '../onnx/graph-builder';

export interface SampleHeadInputs {
  /** Next-token logits, float32 [B, V]. */
  logits: Value;
  /** One uniform in [0, 1) per row, float32 [B]. */
  uniform: Value;
  /** Scalar float32; 0 (or below) means greedy. */
  temperature: Value;
  /** Scalar float32 in (0, 1]; 1 keeps the whole distribution. */
  topP: Value;
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
 * Emits the sampling rule as ONNX ops. The step path and the Loop path both run exactly these
 * nodes, so for the same logits and uniforms they pick the same tokens bit for bit.
 *
 * Rule (inverse CDF over the nucleus): sort the temperature-scaled distribution descending,
 * keep the shortest prefix whose mass reaches top_p (the first token always), and take the
 * first kept token whose running mass exceeds u · (kept mass). Temperature ≤ 0 takes the argmax.
 * Ties in the sort go to the lower token id (TopK's documented order).
 */
export function emitSampleHead(g: GraphBuilder, inputs: SampleHeadInputs): SampleHeadOutputs {
  const { logits, uniform, temperature, topP, vocabSize } = inputs;
  const batch = logits.shape[0];
  return g.scope('sample', () => {
    const policyLogp = g.logSoftmax(logits, -1);

    // Dividing by a tiny positive floor keeps temperature 0 finite; the greedy pick below ignores it anyway.
    const safeTemperature = g.max(temperature, g.scalar(1e-6, 'float32'));
    const scaled = g.div(logits, safeTemperature);
    const [sortedLogits, sortedIds] = g.node(
      'TopK',
      [scaled, g.constant([vocabSize], 'int64')],
      { axis: -1, largest: 1, sorted: 1 },
      [
        { dtype: 'float32', shape: [batch, vocabSize] },
        { dtype: 'int64', shape: [batch, vocabSize] },
      ],
      { name: 'sort' },
    );
    const probs = g.softmax(sortedLogits, -1);
    const axis1 = g.scalar(1, 'int64');
    // Mass strictly before each token: a token is in the nucleus while that is below top_p.
    const [massBefore] = g.node(
      'CumSum',
      [probs, axis1],
      { exclusive: 1 },
      [{ dtype: 'float32', shape: [batch, vocabSize] }],
      { name: 'mass_before' },
    );
    const inNucleus = g.less(massBefore, topP);
    const kept = g.where(inNucleus, probs, g.scalar(0, 'float32'));
    const [keptCdf] = g.node('CumSum', [kept, axis1], {}, [{ dtype: 'float32', shape: [batch, vocabSize] }], {
      name: 'kept_cdf',
    });
    const keptMass = g.slice(keptCdf, [vocabSize - 1], [vocabSize], [1]); // [B, 1]
    const threshold = g.mul(g.unsqueeze(uniform, [1]), keptMass);
    // Index of the first cdf entry above the threshold = how many entries are at or below it.
    const atOrBelow = g.cast(g.lessOrEqual(keptCdf, threshold), 'int64');
    const position = g.reduceSum(atOrBelow, [1], true); // [B, 1]
    // Rounding in u·mass can push the count past the nucleus; clamp to its last token.
    const nucleusSize = g.reduceSum(g.cast(inNucleus, 'int64'), [1], true);
    const clamped = g.min(position, g.sub(nucleusSize, g.constant([1], 'int64', [1, 1])));
    const greedy = g.lessOrEqual(temperature, g.scalar(0, 'float32'));
    const chosen = g.where(greedy, g.constant([0], 'int64', [1, 1]), clamped);
    const token2d = g.gatherElements(sortedIds, chosen, 1); // [B, 1]
    const logprob2d = g.gatherElements(policyLogp, token2d, 1);
    return { token: g.squeeze(token2d, [1]), logprob: g.squeeze(logprob2d, [1]) };
  });
}
