// Whether a base model fits the run it is named in: a misfit is a config error naming the field
// to change, found before any stage spends time on the model.
import { ConfigError } from '../recipe/config/errors';
import type { BaseModelConfig, PipelineConfig } from '../recipe/config/schema';
import type { Policy } from './policy';
import { sampleProblems, type DatasetPools } from './problems';
import { promptFormat } from './prompting';

const where = (model: BaseModelConfig) => (model.name !== undefined ? 'model.name' : 'model.uri');

/** The longest maxNewTokens any stage or the evaluation samples with, and the field that sets it. */
function longestCompletion(cfg: PipelineConfig): { tokens: number; field: string } {
  const s = cfg.stages;
  const fields: [string, number][] = [
    ['eval.maxNewTokens', cfg.eval.maxNewTokens],
    ['stages.r1Zero.grpo.sampling.maxNewTokens', s.r1Zero.grpo.sampling.maxNewTokens],
    ['stages.coldStartSft.sampling.maxNewTokens', s.coldStartSft.sampling.maxNewTokens],
    ['stages.reasoningRl.grpo.sampling.maxNewTokens', s.reasoningRl.grpo.sampling.maxNewTokens],
    ['stages.rejectionSft.sampling.maxNewTokens', s.rejectionSft.sampling.maxNewTokens],
    ['stages.finalRl.grpo.sampling.maxNewTokens', s.finalRl.grpo.sampling.maxNewTokens],
  ];
  const [field, tokens] = fields.reduce((a, b) => (b[1] > a[1] ? b : a));
  return { tokens, field };
}

/**
 * A model that does not fit the run is a config error naming the field: a tokenizer without an
 * eos (completions could never stop), or a context that does not hold the longest prompt (of
 * the held-out set and a first training step) plus the longest completion.
 */
export function checkFits(cfg: PipelineConfig, model: BaseModelConfig, policy: Policy, pools: DatasetPools): void {
  const name = model.name ?? model.uri!;
  if (policy.tokenizer.eosIds.length === 0)
    throw new ConfigError([
      `${where(model)}: the tokenizer of ${name} has no eos token (tokenizer_config.json eos_token or generation_config.json eos_token_id), so completions could not stop`,
    ]);
  const format = promptFormat(cfg, policy.tokenizer);
  if (format.kind === 'chat' && !policy.tokenizer.hasChatTemplate)
    throw new ConfigError([`model.prompt: chat needs a chat template, and the tokenizer of ${name} has none`]);
  const prompts = [
    ...sampleProblems(cfg, 'eval', 'eval', 0, format, pools),
    ...sampleProblems(cfg, 'train', 'r1Zero', 0, format, pools),
  ];
  const longestPrompt = Math.max(...prompts.map((p) => format.encode(p.prompt).length));
  const completion = longestCompletion(cfg);
  if (longestPrompt + completion.tokens > model.contextLength)
    throw new ConfigError([
      `model.contextLength: ${model.contextLength} tokens do not hold the longest prompt (${longestPrompt} tokens of ${name}) plus ${completion.field} (${completion.tokens})`,
    ]);
}
