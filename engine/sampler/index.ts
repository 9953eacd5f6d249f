export type { CachedDecoder, CachedForwardArgs, CachedForwardResult, LayerCache } from './decoder';
export { gptDecoder, llamaDecoder, modelDecoder, type DecoderOptions } from './model-decoder';
export { leftPadPrompts, type PaddedPrompts } from './prompts';
export { SampleRng, deriveSampleSeed, uniformsForBatch, type SampleSeed, type SampleSeedParts } from './rng';
export { emitSampleHead, type SampleHeadInputs, type SampleHeadOutputs } from './sample-head';
export { buildPrefillGraph, buildSegmentGraph, buildStepGraph } from './rollout-graphs';
export {
  RolloutSampler,
  type Completion,
  type ParamSource,
  type RolloutPath,
  type SampleRequest,
  type SamplerOptions,
  type SamplingOptions,
} from './sampler';
