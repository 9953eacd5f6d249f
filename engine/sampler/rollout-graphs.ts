import { GraphBuilder, type Value } from '../onnx/graph-builder';
import { encodeModel } from '../onnx/encode';
import type { CachedDecoder, LayerCache } from './decoder';
import { emitSampleHead, walkReadsTopP, type SampleWalk } from './sample-head';

/**
 * The three graphs of a rollout. They are assembled from the same emitters, so the Loop graph
 * runs exactly the nodes the prefill and step graphs run, and both paths pick the same tokens.
 *
 * Conventions (shared with the TypeScript driver in sampler.ts):
 * - prompts are left-padded: prompt_ids/prompt_mask int64 [B, P]; every row ends with a real token;
 * - prompt positions count real tokens (0 for the first real one); generated token t of row b sits
 *   at position length_b + t;
 * - uniform float32 [maxNew, B]: row t is consumed by the t-th generated token;
 * - once a row has emitted a stop token it emits pad_id (log-prob 0) and is ignored.
 */

export const PAST_KEY = (layer: number) => `past_key_${layer}`;
export const PAST_VALUE = (layer: number) => `past_value_${layer}`;

/** A compiled rollout graph and the output names holding each layer's cache. */
export interface RolloutGraph {
  bytes: Uint8Array;
  present: Array<{ key: string; value: string }>;
}

/**
 * Marks the cache as graph outputs under the names the model gave it: renaming through Identity
 * would copy the whole cache on every step.
 */
function outputCache(g: GraphBuilder, present: readonly LayerCache[]): RolloutGraph['present'] {
  return present.map((layer) => ({ key: g.output(layer.key).name, value: g.output(layer.value).name }));
}

interface ParamInputs {
  params: Map<string, Value>;
}

function paramInputs(g: GraphBuilder, decoder: CachedDecoder): ParamInputs {
  const params = new Map<string, Value>();
  for (const spec of decoder.paramSpecs) params.set(spec.name, g.input(spec.name, 'float32', spec.shape));
  return { params };
}

interface SamplingInputs {
  walk: SampleWalk;
  temperature: Value;
  /** Only the sorted walks have a top_p input. */
  topP: Value | null;
}

function samplingInputs(g: GraphBuilder, walk: SampleWalk): SamplingInputs {
  return {
    walk,
    temperature: g.input('temperature', 'float32', []),
    topP: walkReadsTopP(walk) ? g.input('top_p', 'float32', []) : null,
  };
}

/** bool [B]: is each token one of the stop ids. */
function emitIsStop(g: GraphBuilder, token: Value, stopIds: Value): Value {
  const hits = g.cast(g.equal(g.unsqueeze(token, [1]), g.unsqueeze(stopIds, [0])), 'int64');
  return g.greater(g.reduceSum(hits, [1]), g.scalar(0, 'int64'));
}

interface PrefillOutputs {
  token: Value;
  logprob: Value;
  logits: Value;
  lengths: Value;
  present: LayerCache[];
}

function emitPrefill(
  g: GraphBuilder,
  decoder: CachedDecoder,
  params: Map<string, Value>,
  promptIds: Value,
  promptMask: Value,
  uniform0: Value,
  sampling: SamplingInputs,
): PrefillOutputs {
  return g.scope('prefill', () => {
    const axis1 = g.scalar(1, 'int64');
    const [counted] = g.node('CumSum', [promptMask, axis1], {}, [{ dtype: 'int64', shape: promptMask.shape }], {
      name: 'count_real',
    });
    const positions = g.max(g.sub(counted, g.scalar(1, 'int64')), g.scalar(0, 'int64'));
    const lengths = g.reduceSum(promptMask, [1]);
    const forward = decoder.emitForward(g, params, {
      tokens: promptIds,
      positions,
      keyMask: promptMask,
      past: null,
      lastPositionOnly: true,
    });
    const logits = g.squeeze(forward.logits, [1]); // [B, 1, V] → [B, V]
    const sampled = emitSampleHead(
      g,
      {
        logits,
        uniform: uniform0,
        temperature: sampling.temperature,
        topP: sampling.topP,
        vocabSize: decoder.vocabSize,
      },
      sampling.walk,
    );
    return { ...sampled, logits, lengths, present: forward.present };
  });
}

interface StepOutputs {
  token: Value;
  logprob: Value;
  logits: Value;
  keyMask: Value;
  present: LayerCache[];
}

/** Feeds one token per row on top of the cache and samples the next one. */
function emitStep(
  g: GraphBuilder,
  decoder: CachedDecoder,
  params: ReadonlyMap<string, Value>,
  fed: { token: Value; position: Value; pastMask: Value; past: readonly LayerCache[]; uniform: Value },
  sampling: SamplingInputs,
): StepOutputs {
  return g.scope('step', () => {
    const batch = fed.token.shape[0];
    const onesShape = g.concat([g.shapeOf(fed.token), g.constant([1], 'int64')], 0);
    const newColumn = g.constantOfShape(onesShape, 1, 'int64', [batch, 1]);
    const keyMask = g.concat([fed.pastMask, newColumn], 1);
    const forward = decoder.emitForward(g, params, {
      tokens: g.unsqueeze(fed.token, [1]),
      positions: g.unsqueeze(fed.position, [1]),
      keyMask,
      past: fed.past,
    });
    const logits = g.squeeze(forward.logits, [1]); // [B, 1, V] → [B, V]
    const sampled = emitSampleHead(
      g,
      {
        logits,
        uniform: fed.uniform,
        temperature: sampling.temperature,
        topP: sampling.topP,
        vocabSize: decoder.vocabSize,
      },
      sampling.walk,
    );
    return { ...sampled, logits, keyMask, present: forward.present };
  });
}

function cacheShape(decoder: CachedDecoder, length: string): [string, number, string, number] {
  return ['batch', decoder.heads, length, decoder.headDim];
}

/** Prefill graph: prompts → first sampled token, its log-prob, last logits and the cache. */
export function buildPrefillGraph(decoder: CachedDecoder, walk: SampleWalk): RolloutGraph {
  const g = new GraphBuilder('rollout_prefill');
  const { params } = paramInputs(g, decoder);
  const promptIds = g.input('prompt_ids', 'int64', ['batch', 'prompt_len']);
  const promptMask = g.input('prompt_mask', 'int64', ['batch', 'prompt_len']);
  const uniform = g.input('uniform', 'float32', ['batch']);
  const sampling = samplingInputs(g, walk);
  const out = emitPrefill(g, decoder, params, promptIds, promptMask, uniform, sampling);
  g.output(out.token, 'token');
  g.output(out.logprob, 'logprob');
  g.output(out.logits, 'logits');
  const present = outputCache(g, out.present);
  return { bytes: encodeModel(g, { opset: decoder.opset, docString: 'r1flow rollout prefill' }), present };
}

/** Step graph: one fed token per row + cache → next sampled token, log-prob, logits, grown cache. */
export function buildStepGraph(decoder: CachedDecoder, walk: SampleWalk): RolloutGraph {
  const g = new GraphBuilder('rollout_step');
  const { params } = paramInputs(g, decoder);
  const token = g.input('fed_token', 'int64', ['batch']);
  const position = g.input('fed_position', 'int64', ['batch']);
  const pastMask = g.input('past_mask', 'int64', ['batch', 'past_len']);
  const past: LayerCache[] = [];
  for (let i = 0; i < decoder.layers; i++) {
    past.push({
      key: g.input(PAST_KEY(i), 'float32', cacheShape(decoder, 'past_len')),
      value: g.input(PAST_VALUE(i), 'float32', cacheShape(decoder, 'past_len')),
    });
  }
  const uniform = g.input('uniform', 'float32', ['batch']);
  const sampling = samplingInputs(g, walk);
  const out = emitStep(g, decoder, params, { token, position, pastMask, past, uniform }, sampling);
  g.output(out.token, 'token');
  g.output(out.logprob, 'logprob');
  g.output(out.logits, 'logits');
  g.output(out.keyMask, 'key_mask');
  const present = outputCache(g, out.present);
  return { bytes: encodeModel(g, { opset: decoder.opset, docString: 'r1flow rollout decode step' }), present };
}

/**
 * The whole rollout in one run: prefill, then an ONNX Loop of steps that stops early once every
 * row has emitted a stop token. Outputs tokens and log-probs [n, B] with n ≤ maxNew (rows past
 * their stop token hold pad_id and 0). Needs maxNew ≥ 2 (the driver handles 1 with the prefill graph).
 */
export function buildLoopGraph(decoder: CachedDecoder, walk: SampleWalk): Uint8Array {
  const g = new GraphBuilder('rollout_loop');
  const { params } = paramInputs(g, decoder);
  const promptIds = g.input('prompt_ids', 'int64', ['batch', 'prompt_len']);
  const promptMask = g.input('prompt_mask', 'int64', ['batch', 'prompt_len']);
  const uniforms = g.input('uniforms', 'float32', ['max_new', 'batch']);
  const sampling = samplingInputs(g, walk);
  const stopIds = g.input('stop_ids', 'int64', ['stops']);
  const padId = g.input('pad_id', 'int64', []);

  const uniform0 = g.gather(uniforms, g.scalar(0, 'int64'), 0);
  const first = emitPrefill(g, decoder, params, promptIds, promptMask, uniform0, sampling);
  const done0 = emitIsStop(g, first.token, stopIds);
  const anyActive = (gb: GraphBuilder, done: Value) =>
    gb.greater(gb.reduceSum(gb.cast(gb.not(done), 'int64'), [0]), gb.scalar(0, 'int64'));
  const maxNew = g.gather(g.shapeOf(uniforms), g.scalar(0, 'int64'), 0);
  const tripCount = g.sub(maxNew, g.scalar(1, 'int64'));

  const body = g.subgraph('rollout_body');
  const iteration = body.input('iteration', 'int64', []);
  body.input('condition_in', 'bool', []);
  const fedToken = body.input('fed_token', 'int64', ['batch']);
  const doneBefore = body.input('done_in', 'bool', ['batch']);
  const pastMask = body.input('mask_in', 'int64', ['batch', 'cache_len']);
  const past: LayerCache[] = [];
  for (let i = 0; i < decoder.layers; i++) {
    past.push({
      key: body.input(`loop_key_in_${i}`, 'float32', cacheShape(decoder, 'cache_len')),
      value: body.input(`loop_value_in_${i}`, 'float32', cacheShape(decoder, 'cache_len')),
    });
  }
  const position = body.add(first.lengths, iteration);
  const uniform = body.gather(uniforms, body.add(iteration, body.scalar(1, 'int64')), 0);
  const step = emitStep(body, decoder, params, { token: fedToken, position, pastMask, past, uniform }, sampling);
  const emitted = body.where(doneBefore, padId, step.token);
  const emittedLogprob = body.where(doneBefore, body.scalar(0, 'float32'), step.logprob);
  const doneAfter = body.or(doneBefore, emitIsStop(body, emitted, stopIds));
  body.output(anyActive(body, doneAfter), 'condition_out');
  body.output(emitted, 'fed_token_out');
  body.output(doneAfter, 'done_out');
  // Carried values leave the body under their own names: a renaming Identity would copy the
  // whole cache on every iteration.
  body.output(step.keyMask);
  step.present.forEach((layer) => {
    body.output(layer.key);
    body.output(layer.value);
  });
  body.output(emitted, 'scan_token');
  body.output(emittedLogprob, 'scan_logprob');

  const carriedSpecs = [
    { dtype: 'int64' as const, shape: ['batch'] },
    { dtype: 'bool' as const, shape: ['batch'] },
    { dtype: 'int64' as const, shape: ['batch', 'final_len'] },
    ...past.flatMap(() => [
      { dtype: 'float32' as const, shape: cacheShape(decoder, 'final_len') },
      { dtype: 'float32' as const, shape: cacheShape(decoder, 'final_len') },
    ]),
  ];
  const loopOutputs = g.node(
    'Loop',
    [
      tripCount,
      anyActive(g, done0),
      first.token,
      done0,
      promptMask,
      ...first.present.flatMap((layer) => [layer.key, layer.value]),
    ],
    { body: { graph: body } },
    [...carriedSpecs, { dtype: 'int64', shape: ['steps', 'batch'] }, { dtype: 'float32', shape: ['steps', 'batch'] }],
    { name: 'decode_loop' },
  );
  const scanTokens = loopOutputs[loopOutputs.length - 2];
  const scanLogprobs = loopOutputs[loopOutputs.length - 1];
  g.output(g.concat([g.unsqueeze(first.token, [0]), scanTokens], 0), 'tokens');
  g.output(g.concat([g.unsqueeze(first.logprob, [0]), scanLogprobs], 0), 'logprobs');
  return encodeModel(g, { opset: decoder.opset, docString: 'r1flow rollout as one Loop' });
}
