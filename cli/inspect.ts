// r1flow inspect SOURCE [--json]: what a model SOURCE names is: architecture, parameter count,
// stored dtypes, tokenizer and context length.
import { parseArgs } from 'node:util';
import { countParams, isLlamaConfig } from '../engine/model';
import { loadTokenizer } from '../engine/tokenizer';
import { CONTEXT_LENGTH_OPTION, loadSource, sourceOptions } from './model-source';
import { fail } from './output';

export interface ModelSummary {
  source: string;
  format: string;
  architecture: string;
  parameters: number;
  dtypes: Record<string, number>;
  contextLength: number;
  layers: number;
  hiddenSize: number;
  heads: number;
  kvHeads: number;
  vocabSize: number;
  tiedEmbeddings: boolean;
  tokenizer: { kind: string; vocabSize: number; bos: number | null; eos: number[]; chatTemplate: boolean };
  sha256?: string;
}

export async function inspectCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: { json: { type: 'boolean', default: false }, ...CONTEXT_LENGTH_OPTION },
    strict: true,
    allowPositionals: true,
  });
  const source = positionals[0];
  if (!source || positionals.length > 1) fail('usage: r1flow inspect SOURCE [--json] [--context-length N]');
  const model = await loadSource(source, sourceOptions(values));
  const tokenizer = loadTokenizer(model.tokenizerFiles, source);
  const cfg = model.config;
  const dtypes: Record<string, number> = {};
  for (const dtype of Object.values(model.dtypes)) dtypes[dtype] = (dtypes[dtype] ?? 0) + 1;
  const summary: ModelSummary = {
    source,
    format: model.format,
    architecture: isLlamaConfig(cfg) ? cfg.architecture : 'r1flow GPT (exports as GPT2LMHeadModel)',
    parameters: countParams(cfg),
    dtypes,
    contextLength: cfg.contextLength,
    layers: cfg.nLayers,
    hiddenSize: cfg.dModel,
    heads: cfg.nHeads,
    kvHeads: isLlamaConfig(cfg) ? cfg.nKvHeads : cfg.nHeads,
    vocabSize: cfg.vocabSize,
    tiedEmbeddings: cfg.tiedEmbeddings,
    tokenizer: {
      kind: tokenizer.kind,
      vocabSize: tokenizer.vocabSize,
      bos: tokenizer.bosId ?? null,
      eos: [...tokenizer.eosIds],
      chatTemplate: tokenizer.hasChatTemplate,
    },
    ...(model.sha256 ? { sha256: model.sha256 } : {}),
  };
  if (values.json) {
    console.log(JSON.stringify(summary, null, 2));
    return 0;
  }
  const dtypeText = Object.entries(dtypes)
    .map(([d, n]) => `${d} (${n} tensors)`)
    .join(', ');
  console.log(`${source} (${model.format})`);
  console.log(`  architecture    ${summary.architecture}`);
  console.log(`  parameters      ${summary.parameters.toLocaleString('en-US')}`);
  console.log(`  dtypes          ${dtypeText}, computed in float32`);
  console.log(`  context length  ${summary.contextLength}`);
  console.log(
    `  shape           ${summary.layers} layers, hidden ${summary.hiddenSize}, ${summary.heads} heads / ${summary.kvHeads} kv heads, vocab ${summary.vocabSize}${summary.tiedEmbeddings ? ', tied head' : ''}`,
  );
  console.log(
    `  tokenizer       ${tokenizer.kind}, ${tokenizer.vocabSize} ids, bos ${summary.tokenizer.bos ?? 'none'}, eos ${summary.tokenizer.eos.join(', ') || 'none'}, ${tokenizer.hasChatTemplate ? 'chat template' : 'no chat template'}`,
  );
  if (model.sha256) console.log(`  sha256          ${model.sha256}`);
  return 0;
}
