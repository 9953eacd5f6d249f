import { GraphBuilder, type Value } from '../onnx/graph-builder';
import { encodeModel } from '../onnx/encode';
import type { CachedDecoder, LayerCache } from './decoder';
import { emitSampleHead, walkReadsTopP, type SampleWalk } from './sample-head';

/**
 * The graphs of a rollout: the prefill and one decode step (driven token by token from
 * TypeScript), and the start (prefill and a first segment of steps as one ONNX Loop) and a later
 * segment. They are assembled from the same emitters, so the Loop runs exactly the nodes the step
 * graph runs, and both paths pick the same tokens.
 *
 * Conventions (shared with the TypeScript driver in sampler.ts):
 * - prompts are left-padded: prompt_ids/prompt_mask int64 [B, P]; every row ends with a real token;
 * - prompt positions count real tokens (0 for the first real one); generated token t of row b sits
 *   at position length_b + t;
 * - uniform float32 [maxNew, B]: row t is consumed by the t-th generated token (a segment gets the
 *   rows of the tokens it generates, its own rows' columns only);
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
    return { ...sampled, logits, present: forward.present };
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

/** One cache input pair per layer, named by `names(layer)` as [key, value]. */
function cacheInputs(
  g: GraphBuilder,
  decoder: CachedDecoder,
  names: (layer: number) => [string, string],
  length: string,
): LayerCache[] {
  return Array.from({ length: decoder.layers }, (_, i) => {
    const [key, value] = names(i);
    return {
      key: g.input(key, 'float32', cacheShape(decoder, length)),
      value: g.input(value, 'float32', cacheShape(decoder, length)),
    };
  });
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
  const past = cacheInputs(g, decoder, (i) => [PAST_KEY(i), PAST_VALUE(i)], 'past_len');
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

interface StoppingInputs {
  stopIds: Value;
  padId: Value;
  stopAfter: Value;
}

function stoppingInputs(g: GraphBuilder): StoppingInputs {
  return {
    stopIds: g.input('stop_ids', 'int64', ['stops']),
    padId: g.input('pad_id', 'int64', []),
    // in [1, batch]
    stopAfter: g.input('stop_after', 'int64', []),
  };
}

interface SegmentStart {
  /** Each row's last token, int64 [B]; the first step feeds it. */
  fedToken: Value;
  /** Its position, int64 [B]; the token fed at iteration i sits at fedPosition + i. */
  fedPosition: Value;
  pastMask: Value;
  past: readonly LayerCache[];
  /** Rows that have already stopped, bool [B]. */
  done: Value;
}

interface SegmentEnd {
  /** int64 [n, B]; rows past their stop token hold pad_id. */
  tokens: Value;
  /** float32 [n, B]; 0 past the stop token. */
  logprobs: Value;
  /** Which rows go on to the next segment, int64 [K]: the unstopped ones, none once no token is left. */
  kept: Value;
  /** Last token, key mask and cache of the kept rows, to start the next segment from. */
  lastToken: Value;
  keyMask: Value;
  present: LayerCache[];
}

/**
 * Decode steps as one ONNX Loop, one per row of `uniforms` at most, that ends as soon as
 * `stopAfter` rows have stopped (every row, at the latest; before the first step when that many
 * already have). Only the rows that go on leave it
 * with their cache, so that the stopped rows stop costing compute in the next segment, and the
 * last segment hands no cache back at all.
 */
function emitSegment(
  g: GraphBuilder,
  decoder: CachedDecoder,
  params: ReadonlyMap<string, Value>,
  start: SegmentStart,
  uniforms: Value,
  sampling: SamplingInputs,
  stopping: StoppingInputs,
): SegmentEnd {
  const int = (x: number) => g.scalar(x, 'int64');
  const stoppedCount = (gb: GraphBuilder, done: Value) => gb.reduceSum(gb.cast(done, 'int64'), [0]);
  const tripCount = g.gather(g.shapeOf(uniforms), int(0), 0);

  const body = g.subgraph('rollout_body');
  const iteration = body.input('iteration', 'int64', []);
  body.input('condition_in', 'bool', []);
  const fed = body.input('fed_token_in', 'int64', ['batch']);
  const doneBefore = body.input('done_in', 'bool', ['batch']);
  const maskIn = body.input('mask_in', 'int64', ['batch', 'cache_len']);
  const cacheIn = cacheInputs(body, decoder, (i) => [`loop_key_in_${i}`, `loop_value_in_${i}`], 'cache_len');
  const position = body.add(start.fedPosition, iteration);
  const uniform = body.gather(uniforms, iteration, 0);
  const step = emitStep(
    body,
    decoder,
    params,
    { token: fed, position, pastMask: maskIn, past: cacheIn, uniform },
    sampling,
  );
  const emitted = body.where(doneBefore, stopping.padId, step.token);
  const emittedLogprob = body.where(doneBefore, body.scalar(0, 'float32'), step.logprob);
  const doneAfter = body.or(doneBefore, emitIsStop(body, emitted, stopping.stopIds));
  body.output(body.less(stoppedCount(body, doneAfter), stopping.stopAfter), 'condition_out');
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
    ...start.past.flatMap(() => [
      { dtype: 'float32' as const, shape: cacheShape(decoder, 'final_len') },
      { dtype: 'float32' as const, shape: cacheShape(decoder, 'final_len') },
    ]),
  ];
  const [lastToken, done, keyMask, ...rest] = g.node(
    'Loop',
    [
      tripCount,
      g.less(stoppedCount(g, start.done), stopping.stopAfter),
      start.fedToken,
      start.done,
      start.pastMask,
      ...start.past.flatMap((layer) => [layer.key, layer.value]),
    ],
    { body: { graph: body } },
    [...carriedSpecs, { dtype: 'int64', shape: ['steps', 'batch'] }, { dtype: 'float32', shape: ['steps', 'batch'] }],
    { name: 'decode_loop' },
  );
  const tokens = rest[rest.length - 2];
  const tokensLeft = g.less(g.gather(g.shapeOf(tokens), int(0), 0), tripCount);
  const [nonzero] = g.node('NonZero', [g.and(g.not(done), tokensLeft)], {}, [{ dtype: 'int64', shape: [1, 'kept'] }]);
  const kept = g.squeeze(nonzero, [0]);
  return {
    tokens,
    logprobs: rest[rest.length - 1],
    kept,
    lastToken: g.gather(lastToken, kept, 0),
    keyMask: g.gather(keyMask, kept, 0),
    present: start.past.map((_, i) => ({
      key: g.gather(rest[2 * i], kept, 0),
      value: g.gather(rest[2 * i + 1], kept, 0),
    })),
  };
}

/** The outputs a segment hands to the driver, under the names sampler.ts reads. */
function outputSegment(g: GraphBuilder, end: SegmentEnd): RolloutGraph['present'] {
  g.output(end.tokens, 'tokens');
  g.output(end.logprobs, 'logprobs');
  g.output(end.kept, 'kept');
  g.output(end.lastToken, 'last_token');
  g.output(end.keyMask, 'key_mask');
  return end.present.map((layer, i) => ({
    key: g.output(layer.key, `present_key_${i}`).name,
    value: g.output(layer.value, `present_value_${i}`).name,
  }));
}

/**
 * The first segment of a rollout: prefill, then decode steps as one ONNX Loop until `stop_after`
 * rows have stopped (see emitSegment). uniforms float32 [maxNew, B]; tokens and log-probs
 * [n, B] start with the prefill's token. When no row stops early, this is the whole rollout in
 * one run. Needs maxNew ≥ 2 (the driver handles 1 with the prefill graph).
 */
export function buildStartGraph(decoder: CachedDecoder, walk: SampleWalk): RolloutGraph {
  const g = new GraphBuilder('rollout_start');
  const { params } = paramInputs(g, decoder);
  const promptIds = g.input('prompt_ids', 'int64', ['batch', 'prompt_len']);
  const promptMask = g.input('prompt_mask', 'int64', ['batch', 'prompt_len']);
  const uniforms = g.input('uniforms', 'float32', ['max_new', 'batch']);
  const sampling = samplingInputs(g, walk);
  const stopping = stoppingInputs(g);

  const first = emitPrefill(
    g,
    decoder,
    params,
    promptIds,
    promptMask,
    g.gather(uniforms, g.scalar(0, 'int64'), 0),
    sampling,
  );
  const later = g.slice(uniforms, [1], [Number.MAX_SAFE_INTEGER], [0], ['max_new_minus_1', 'batch']);
  const start: SegmentStart = {
    fedToken: first.token,
    fedPosition: g.reduceSum(promptMask, [1]),
    pastMask: promptMask,
    past: first.present,
    done: emitIsStop(g, first.token, stopping.stopIds),
  };
  const end = emitSegment(g, decoder, params, start, later, sampling, stopping);
  const present = outputSegment(g, {
    ...end,
    tokens: g.concat([g.unsqueeze(first.token, [0]), end.tokens], 0),
    logprobs: g.concat([g.unsqueeze(first.logprob, [0]), end.logprobs], 0),
  });
  return {
    bytes: encodeModel(g, { opset: decoder.opset, docString: 'r1flow rollout: prefill and first segment' }),
    present,
  };
}

/**
 * A later segment: decode steps on top of the cache the previous segment handed back, every row
 * unstopped at the start. uniforms float32 [tokens left, B].
 */
export function buildSegmentGraph(decoder: CachedDecoder, walk: SampleWalk): RolloutGraph {
  const g = new GraphBuilder('rollout_segment');
  const { params } = paramInputs(g, decoder);
  const fedToken = g.input('fed_token', 'int64', ['batch']);
  const start: SegmentStart = {
    fedToken,
    fedPosition: g.input('fed_position', 'int64', ['batch']),
    pastMask: g.input('past_mask', 'int64', ['batch', 'past_len']),
    past: cacheInputs(g, decoder, (i) => [PAST_KEY(i), PAST_VALUE(i)], 'past_len'),
    done: g.constantOfShape(g.shapeOf(fedToken), 0, 'bool', ['batch']),
  };
  const uniforms = g.input('uniforms', 'float32', ['tokens_left', 'batch']);
  const sampling = samplingInputs(g, walk);
  const end = emitSegment(g, decoder, params, start, uniforms, sampling, stoppingInputs(g));
  const present = outputSegment(g, end);
  return { bytes: encodeModel(g, { opset: decoder.opset, docString: 'r1flow rollout: a later segment' }), present };
}
