// Activities of the gpu queue: the work that wants the accelerator — pretraining, rollouts,
// policy updates, SFT, SFT data generation and evaluation. Each is a thin shell over steps/:
// load the policy (cached by sha256), run, write results to deterministic keys, return refs.
import type {
  CheckpointRef,
  EvalMetrics,
  EvaluateInput,
  PretrainInput,
  RolloutsInput,
  RolloutsResult,
  SftDataInput,
  SftDataResult,
  SftInput,
  UpdateInput,
} from './types';
import { GRPO_STAGES, type GrpoStageName, type PipelineConfig, type StageName } from '../recipe/config/schema';
import { joinKey } from '../storage/keys';
import { RunStore } from '../storage/run-store';
import {
  grpoProblems,
  pretrainCorpus,
  pretrainCorpusKey,
  buildColdStartSet,
  buildRejectionSet,
  evaluate,
  freshOptimizer,
  grpoUpdate,
  initPolicy,
  pretrainSteps,
  pretrainTotalSteps,
  rollout,
  sftSteps,
  sftTotalSteps,
  type Policy,
  type ScoredBatch,
  type SftDataset,
  type TrainStepMetrics,
} from '../steps';
import { stepLabel, loadPolicyForTraining, loadPolicyRef, uploadPolicy } from './checkpoint-io';
import { getJson, putJson, relativeKey } from './data-io';
import type { ActivityDeps } from './deps';
import { BadDataError } from './errors';
import { resumeDetails, startHeartbeat } from './heartbeat';
import { reportStep } from './progress';
import { flattenMetrics } from './metrics';
import { reasoningPool } from './problem-source';

function grpoStage(stage: StageName): GrpoStageName {
  if (!(GRPO_STAGES as readonly string[]).includes(stage)) throw new BadDataError(`stage ${stage} is not a GRPO stage`);
  return stage as GrpoStageName;
}

/** Where a chunked training activity stands; sent with heartbeats, read back on retry. */
interface TrainProgress {
  step: number;
  /** the last uploaded intermediate checkpoint */
  checkpoint?: CheckpointRef;
}

interface ChunkedTraining {
  deps: ActivityDeps;
  runId: string;
  stage: StageName;
  start: () => Promise<Policy>;
  total: number;
  run: (policy: Policy, from: number, to: number, onStep: (m: TrainStepMetrics) => void) => Promise<unknown>;
  /** the pipeline workflow to tell of each step (rate-limited, see activities/progress) */
  progressTo?: string;
}

/**
 * Runs a training loop in chunks with an intermediate checkpoint after each, so a retry after a
 * crash resumes from the last checkpoint instead of the start. Chunk boundaries do not change the
 * result (steps are deterministic by step index), so a resumed run ends with the same bytes.
 */
async function trainInChunks(t: ChunkedTraining): Promise<CheckpointRef> {
  const run = new RunStore(t.deps.store, t.runId);
  const previous = resumeDetails<TrainProgress>();
  const policy = previous?.checkpoint ? await loadPolicyForTraining(t.deps, previous.checkpoint) : await t.start();
  const curveKey = joinKey(t.stage, 'metrics', 'train.json');
  const curve: Array<{ step: number; loss: number; lr: number; gradNorm: number }> =
    policy.step > 0
      ? (await getJson<typeof curve>(run, curveKey).catch(() => [])).filter((p) => p.step < policy.step)
      : [];
  const heartbeat = startHeartbeat<TrainProgress>({ step: policy.step, checkpoint: previous?.checkpoint });
  try {
    const chunk = Math.max(1, Math.ceil(t.total / 4));
    let checkpoint = previous?.checkpoint;
    while (policy.step < t.total) {
      const to = Math.min(t.total, policy.step + chunk);
      await t.run(policy, policy.step, to, (m) => {
        curve.push({ step: m.step + 1, loss: m.loss, lr: m.lr, gradNorm: m.gradNorm });
        heartbeat.progress({ step: m.step + 1, checkpoint });
        reportStep(t.progressTo, t.stage, m.step + 1, t.total, { loss: m.loss });
      });
      await putJson(run, curveKey, curve);
      if (policy.step < t.total) {
        checkpoint = await uploadPolicy(t.deps, t.runId, t.stage, policy, { loss: curve.at(-1)?.loss ?? NaN });
        heartbeat.progress({ step: policy.step, checkpoint });
      }
    }
    const last = curve.at(-1);
    return await uploadPolicy(t.deps, t.runId, t.stage, policy, last ? { loss: last.loss, lr: last.lr } : {});
  } finally {
    heartbeat.stop();
  }
}

export function createGpuActivities(deps: ActivityDeps) {
  /** The tokenized pretraining corpus, built once per worker and settings. */
  const corpusOf = (policy: Policy, cfg: PipelineConfig) => {
    const key = pretrainCorpusKey(policy, cfg);
    let docs = deps.caches.corpora.get(key);
    if (!docs) {
      docs = pretrainCorpus(policy, cfg);
      deps.caches.corpora.set(key, docs);
    }
    return docs;
  };
  // every gpu activity runs on the run's device (cpu | cuda | webgpu); a worker without its
  // provider fails the activity with a DeviceUnavailableError that says how to install it
  const engineFor = (input: { config: PipelineConfig }) => deps.caches.engine(input.config.device);
  return {
    async pretrain(input: PretrainInput): Promise<CheckpointRef> {
      const engine = engineFor(input);
      const cfg = input.config;
      const ref = await trainInChunks({
        deps,
        runId: input.runId,
        stage: 'pretrain',
        progressTo: input.progressTo,
        start: async () => freshOptimizer(initPolicy(cfg)),
        total: pretrainTotalSteps(cfg),
        run: (policy, from, to, onStep) => pretrainSteps(engine, policy, cfg, corpusOf(policy, cfg), from, to, onStep),
      });
      // the base model is reusable by any later run with the same pretraining settings
      await deps.store.putBytes(
        joinKey('cache', 'pretrain', `${input.pretrainHash}.json`),
        JSON.stringify(ref),
        'application/json',
      );
      return ref;
    },

    async rollouts(input: RolloutsInput): Promise<RolloutsResult> {
      const engine = engineFor(input);
      const heartbeat = startHeartbeat({ step: input.step });
      try {
        const stage = grpoStage(input.stage);
        const grpo = input.config.stages[stage].grpo;
        const policy = await loadPolicyRef(deps, input.policy);
        const problems = grpoProblems(input.config, stage, input.step, await reasoningPool(deps, input.config));
        const rollouts = await rollout(engine, policy, problems, grpo.groupSize, grpo.sampling, {
          runSeed: input.config.seed,
          stage,
          step: input.step,
        });
        const run = new RunStore(deps.store, input.runId);
        const record = await putJson(run, joinKey(stage, 'rollouts', `${stepLabel(input.step)}.json`), rollouts);
        const lengths = rollouts.map((r) => r.tokens.length);
        return {
          rolloutsKey: record.key,
          samples: rollouts.length,
          meanLength: lengths.reduce((a, b) => a + b, 0) / Math.max(1, lengths.length),
          truncatedFraction: rollouts.filter((r) => r.finishReason === 'length').length / Math.max(1, rollouts.length),
        };
      } finally {
        heartbeat.stop();
      }
    },

    async policyUpdate(input: UpdateInput): Promise<CheckpointRef> {
      const engine = engineFor(input);
      const heartbeat = startHeartbeat({ step: input.step });
      try {
        const stage = grpoStage(input.stage);
        const grpo = input.config.stages[stage].grpo;
        const run = new RunStore(deps.store, input.runId);
        const loaded = await loadPolicyForTraining(deps, input.policy);
        // a stage starts with a fresh optimizer; later steps continue the checkpoint's state
        const policy = input.step === 0 ? freshOptimizer(loaded) : loaded;
        if (policy.step !== input.step) {
          throw new BadDataError(
            `checkpoint ${input.policy.uri} is at step ${policy.step}, but update step ${input.step} was asked for`,
          );
        }
        const reference = grpo.beta > 0 && input.reference ? await loadPolicyRef(deps, input.reference) : undefined;
        const scored = await getJson<ScoredBatch>(run, relativeKey(run, input.scoredKey));
        const update = await grpoUpdate(engine, policy, scored, grpo, input.step, input.totalSteps, reference);
        const metrics = { ...input.scoreMetrics, ...flattenMetrics(update, 'update') };
        await putJson(run, joinKey(stage, 'metrics', `${stepLabel(input.step + 1)}.json`), metrics);
        const ref = await uploadPolicy(deps, input.runId, stage, policy, metrics);
        reportStep(input.progressTo, stage, input.step + 1, input.totalSteps, metrics);
        return ref;
      } finally {
        heartbeat.stop();
      }
    },

    async buildSftData(input: SftDataInput): Promise<SftDataResult> {
      const engine = engineFor(input);
      const heartbeat = startHeartbeat({ stage: input.stage });
      try {
        const policy = await loadPolicyRef(deps, input.policy);
        let dataset: SftDataset;
        if (input.stage === 'coldStartSft') dataset = await buildColdStartSet(engine, policy, input.config);
        else if (input.stage === 'rejectionSft') dataset = await buildRejectionSet(engine, policy, input.config);
        else throw new BadDataError(`stage ${input.stage} builds no SFT data`);
        if (dataset.examples.length === 0) {
          throw new BadDataError(
            `${input.stage}: the filter kept no examples out of ${dataset.report.samples} samples (dropped: ${JSON.stringify(dataset.report.dropped)}); sample more prompts or train the source stage longer`,
          );
        }
        const run = new RunStore(deps.store, input.runId);
        const record = await putJson(run, joinKey(input.stage, 'dataset.json'), dataset);
        return { datasetKey: record.key, examples: dataset.examples.length, report: flattenMetrics(dataset.report) };
      } finally {
        heartbeat.stop();
      }
    },

    async sft(input: SftInput): Promise<CheckpointRef> {
      const engine = engineFor(input);
      const run = new RunStore(deps.store, input.runId);
      const dataset = await getJson<SftDataset>(run, relativeKey(run, input.datasetKey));
      const sft = sftConfigOf(input.config, input.stage);
      return trainInChunks({
        deps,
        runId: input.runId,
        stage: input.stage,
        progressTo: input.progressTo,
        start: async () => freshOptimizer(await loadPolicyForTraining(deps, input.init)),
        total: sftTotalSteps(dataset.examples.length, sft),
        run: (policy, from, to, onStep) =>
          sftSteps(engine, policy, dataset.examples, sft, input.config.seed, from, to, onStep),
      });
    },

    async evaluate(input: EvaluateInput): Promise<EvalMetrics> {
      const engine = engineFor(input);
      const heartbeat = startHeartbeat({ label: input.label });
      try {
        const policy = await loadPolicyRef(deps, input.policy);
        const result = await evaluate(engine, policy, input.config);
        const run = new RunStore(deps.store, input.runId);
        await putJson(run, joinKey('eval', `${input.label}.json`), {
          label: input.label,
          stage: input.stage,
          checkpoint: input.policy,
          ...result,
        });
        const { examples: _examples, ...numbers } = result;
        return flattenMetrics(numbers);
      } finally {
        heartbeat.stop();
      }
    },
  };
}

function sftConfigOf(cfg: PipelineConfig, stage: StageName) {
  if (stage === 'coldStartSft') return cfg.stages.coldStartSft.sft;
  if (stage === 'rejectionSft') return cfg.stages.rejectionSft.sft;
  throw new BadDataError(`stage ${stage} has no SFT settings`);
}

export type GpuActivities = ReturnType<typeof createGpuActivities>;
