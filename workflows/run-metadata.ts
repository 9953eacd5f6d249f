// What the Temporal UI shows about a run before it has done anything: the one-line static summary
// and the static details (the resolved config as a short table) that the CLI, a schedule and the
// pipeline itself (for its stage workflows) set when they start a workflow. Pure functions of the
// config, so the same text comes out of every starter and workflow code can use them.
import type { StageWorkflowInput } from '../contracts/stages';
import type { PipelineConfig } from '../recipe/config/schema';
import { GRPO_STAGES, STAGE_NAMES, type GrpoStageName, type StageName } from '../recipe/config/stage-names';
import { rolloutShardsOf, stalenessOf } from '../recipe/config/older-configs';
import type { CheckpointRef } from '../storage/manifest';

/** What every starter of a run passes to Temporal, so the run is readable in the UI. */
export interface StartMetadata {
  staticSummary: string;
  staticDetails: string;
}

function isGrpo(stage: StageName): stage is GrpoStageName {
  return (GRPO_STAGES as readonly StageName[]).includes(stage);
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** `Llama 2×96 (4 heads)`: the built-in model at a glance; a base model by its name or uri. */
export function modelOf(config: PipelineConfig): string {
  const m = config.model;
  // (the schema's isBaseModel would load zod into every workflow: see config-resolver)
  if (!('dModel' in m)) return `base model ${m.name ?? m.uri} (context ${m.contextLength})`;
  const family = m.architecture === 'llama' ? 'Llama' : 'GPT';
  return `${family} ${m.nLayers}×${m.dModel} (${plural(m.nHeads, 'head')}, context ${m.contextLength})`;
}

/** Where a run starts from, when it is not pretraining from scratch. */
function lineageOf(config: PipelineConfig): string[] {
  const parts: string[] = [];
  if (config.lineage) parts.push(`lineage ${config.lineage}`);
  if (config.resumeFrom)
    parts.push(`from run ${config.resumeFrom}${config.rerunFrom ? ` (rerun from ${config.rerunFrom})` : ''}`);
  if (config.baseCheckpoint) parts.push(`base ${config.baseCheckpoint}`);
  return parts;
}

/** `micro · GPT 1×32 (2 heads, context 96) · seed 1 · lineage nightly`: one line for the run's header. */
export function pipelineSummary(config: PipelineConfig): string {
  return [config.preset ?? 'custom config', modelOf(config), `seed ${config.seed}`, ...lineageOf(config)].join(' · ');
}

/** What a stage does under the config, in a few words (`3 GRPO steps × 2 prompts × 4 samples`). */
export function stagePlanText(stage: StageName, config: PipelineConfig): string {
  const s = config.stages[stage];
  if (!s.enabled) return 'skipped';
  if (stage === 'pretrain') {
    const p = config.stages.pretrain;
    return `${plural(p.steps, 'step')} × ${p.batchSize} documents (reused from the cache when one matches)`;
  }
  if (isGrpo(stage)) {
    const g = config.stages[stage].grpo;
    const shards = rolloutShardsOf(g) > 1 ? `, rollouts in ${rolloutShardsOf(g)} shards` : '';
    const lag = stalenessOf(g) > 0 ? ', sampled while the previous update runs (one step off-policy)' : '';
    return `${plural(g.steps, 'GRPO step')} × ${plural(g.promptsPerStep, 'prompt')} × ${plural(g.groupSize, 'sample')}${shards}${lag}`;
  }
  const sft = config.stages[stage as 'coldStartSft' | 'rejectionSft'];
  return `${sft.prompts} prompts × ${sft.samplesPerPrompt} samples, filtered; SFT ${plural(sft.sft.epochs, 'epoch')} in batches of ${sft.sft.batchSize}`;
}

function dataOf(config: PipelineConfig): string {
  const source = config.data.reasoning;
  if (source) return `${source.uri} (bad lines: ${source.onBadLine})`;
  const t = config.task;
  return `built-in arithmetic: ${t.digits}-digit ${t.operations.join('/')}, ${t.languages.join('/')}`;
}

function table(rows: Array<[string, string]>): string[] {
  // a `|` inside a value would end its cell
  const cell = (text: string) => text.replace(/\|/g, '\\|');
  return ['| setting | value |', '| --- | --- |', ...rows.map(([k, v]) => `| ${cell(k)} | ${cell(v)} |`)];
}

/** The resolved config as a short markdown table: what this run will do. */
export function pipelineDetails(config: PipelineConfig): string {
  const e = config.eval;
  const rows: Array<[string, string]> = [
    ['preset', config.preset ?? 'none (every field as given)'],
    ['seed', String(config.seed)],
    ['device', config.device],
    ['model', modelOf(config)],
    ['reasoning data', dataOf(config)],
    ...lineageOf(config).map((text): [string, string] => ['starts from', text]),
    ...STAGE_NAMES.map((stage): [string, string] => [stage, stagePlanText(stage, config)]),
    [
      'evaluation',
      `${e.problems} problems × ${e.samples} samples (pass@${e.passK}), ${e.generalPrompts} general prompts`,
    ],
    [
      'workflow',
      `${plural(config.workflow.activityRetries, 'attempt')} per activity; GRPO continues as new every ${plural(config.workflow.continueAsNewAfter, 'step')}`,
    ],
  ];
  return [
    '### Config',
    '',
    ...table(rows),
    '',
    'The live stage table and the report link are in the *current details*.',
  ].join('\n');
}

/** The static summary and details a run is started with, by the CLI, `r1flow demo` or a schedule. */
export function pipelineStartMetadata(config: PipelineConfig): StartMetadata {
  return { staticSummary: pipelineSummary(config), staticDetails: pipelineDetails(config) };
}

/** The steps a stage workflow covers, as the UI should name them (`steps 1–3 of 3`). */
export function stepRangeText(stage: StageName, config: PipelineConfig, from = 0, to?: number): string {
  if (stage === 'pretrain') return `steps 1–${config.stages.pretrain.steps}`;
  if (isGrpo(stage)) {
    const total = config.stages[stage].grpo.steps;
    return `steps ${from + 1}–${Math.min(to ?? total, total)} of ${total}`;
  }
  const sft = config.stages[stage as 'coldStartSft' | 'rejectionSft'].sft;
  const cap = sft.maxSteps > 0 ? `, at most ${plural(sft.maxSteps, 'step')}` : '';
  return `${plural(sft.epochs, 'epoch')} over its filtered data${cap}`;
}

function checkpointText(ref: CheckpointRef | undefined): string | undefined {
  return ref ? `${ref.uri} (step ${ref.step}, sha256 ${ref.sha256.slice(0, 12)}…)` : undefined;
}

/** The static summary and details of a stage's child workflow: its stage, step range and inputs. */
export function stageStartMetadata(input: StageWorkflowInput): StartMetadata {
  const { stage, config, runId } = input;
  const reused = stage === 'pretrain' && input.init !== undefined;
  const range = reused ? 'base model reused, evaluation only' : stepRangeText(stage, config);
  const rows: Array<[string, string]> = [
    ['run', runId],
    ['stage', stage],
    ['plan', stagePlanText(stage, config)],
  ];
  for (const [name, ref] of [
    ['starts from', input.init],
    ['samples from', input.source],
    ['KL reference', input.reference],
  ] as const) {
    const text = checkpointText(ref);
    if (text) rows.push([name, text]);
  }
  return {
    staticSummary: `${stage} of run ${runId} · ${range}`,
    staticDetails: [`### \`${stage}\` of run \`${runId}\``, '', ...table(rows)].join('\n'),
  };
}
