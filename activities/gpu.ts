// Activities of the gpu queue: the work that wants the accelerator — pretraining, rollouts,
// policy updates, SFT, SFT data generation and evaluation. Each is a thin shell over steps/:
// load the policy (cached by sha256), run, write results to deterministic keys, return refs.
import type {
  CheckpointRef,
  EvaluateInput,
  GpuActivities,
  GrpoStepInput,
  GrpoStepProgress,
  PretrainInput,
  ExportInput,
  ExportResult,
  RolloutsInput,
  RolloutsResult,
  SftDataInput,
  SftDataResult,
  SftInput,
  UpdateInput,
} from '../contracts/activities';
import {
  GRPO_STAGES,
  isBaseModel,
  trainBatchRowsOf,
  type GrpoStageName,
  type PipelineConfig,
  type StageName,
} from '../recipe/config/schema';
import type { EvalSummary } from '../recipe/eval/metrics';
import { globalKeys, runKeys } from '../storage/layout';
import { RunStore } from '../storage/run-store';
import {
  buildColdStartSet,
  buildRejectionSet,
  evaluate,
  freshOptimizer,
  grpoProblems,
  grpoUpdate,
  initPolicy,
  pretrainCorpus,
  pretrainCorpusKey,
  pretrainSteps,
  pretrainTotalSteps,
  promptFormat,
  rollout,
  sftSteps,
  sftTotalSteps,
  updateStepMetrics,
  type Policy,
  type Rollout,
  type ScoredBatch,
  type SftDataset,
} from '../steps';
import { importBaseModel } from './base-model';
import { loadPolicyForTraining, loadPolicyRef, uploadPolicy } from './checkpoint-io';
import { exportRunModel } from './model-export';
import { trainInChunks } from './chunked-training';
import { getJson, putJson } from './data-io';
import type { ActivityDeps } from './deps';
import { BadDataError } from './errors';
import { resumeDetails, startHeartbeat } from './heartbeat';
import { datasetPools } from './problem-source';
import { scoreStep } from './score-step';
import { updateManifest } from '../storage/manifest';

function grpoStage(stage: StageName): GrpoStageName {
  if (!(GRPO_STAGES as readonly string[]).includes(stage)) throw new BadDataError(`stage ${stage} is not a GRPO stage`);
  return stage as GrpoStageName;
}

function sftConfigOf(cfg: PipelineConfig, stage: StageName) {
  if (stage === 'coldStartSft') return cfg.stages.coldStartSft.sft;
  if (stage === 'rejectionSft') return cfg.stages.rejectionSft.sft;
  throw new BadDataError(`stage ${stage} has no SFT settings`);
}

export function createGpuActivities(deps: ActivityDeps): GpuActivities {
  // every gpu activity runs on the run's device (cpu | cuda | webgpu); a worker without its
  // provider fails the activity with a DeviceUnavailableError that says how to install it
  const engineFor = (input: { config: PipelineConfig }) => deps.caches.engine(input.config.device);

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

  /** A GRPO step's rollouts (or one shard of them), written to the step's key in S3. */
  async function sampleStep(input: RolloutsInput): Promise<{ result: RolloutsResult; rollouts: Rollout[] }> {
    const engine = engineFor(input);
    const stage = grpoStage(input.stage);
    const grpo = input.config.stages[stage].grpo;
    const policy = await loadPolicyRef(deps, input.policy);
    const format = promptFormat(input.config, policy.tokenizer);
    const pools = await datasetPools(deps, input.config);
    const problems = grpoProblems(input.config, stage, input.step, format, pools);
    const rollouts = await rollout(
      engine,
      policy,
      problems,
      grpo.groupSize,
      grpo.sampling,
      { runSeed: input.config.seed, stage, step: input.step },
      format,
      input.shard,
    );
    const run = new RunStore(deps.store, input.runId);
    const record = await putJson(run, runKeys.rollouts(stage, input.step, input.shard), rollouts);
    const lengths = rollouts.map((r) => r.tokens.length);
    const result = {
      rolloutsKey: record.key,
      samples: rollouts.length,
      meanLength: lengths.reduce((a, b) => a + b, 0) / Math.max(1, lengths.length),
      truncatedFraction: rollouts.filter((r) => r.finishReason === 'length').length / Math.max(1, rollouts.length),
    };
    return { result, rollouts };
  }

  /**
   * The update of a scored GRPO step: the new policy uploaded, its metrics stored with it.
   * `inHand`: the scored batch, when the caller has just written it.
   */
  async function updateStep(input: UpdateInput, inHand?: ScoredBatch): Promise<CheckpointRef> {
    const engine = engineFor(input);
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
    const scored = inHand ?? (await getJson<ScoredBatch>(run, runKeys.scored(stage, input.step)));
    const update = await grpoUpdate(engine, policy, scored, grpo, input.step, input.totalSteps, {
      refPolicy: reference,
      batchRows: trainBatchRowsOf(input.config),
      staleness: input.staleness,
    });
    const metrics = { ...input.scoreMetrics, ...updateStepMetrics(update) };
    await putJson(run, runKeys.stepMetrics(stage, input.step + 1), metrics);
    return await uploadPolicy(deps, input.runId, stage, policy, metrics);
  }

  return {
    async pretrain(input: PretrainInput): Promise<CheckpointRef> {
      const engine = engineFor(input);
      const cfg = input.config;
      if (isBaseModel(cfg.model)) {
        // a base model is imported, not pretrained: its checkpoint is the run's step 0
        const heartbeat = startHeartbeat({ importing: cfg.model.name ?? cfg.model.uri });
        try {
          const { policy, record } = await importBaseModel(deps, cfg, cfg.model, await datasetPools(deps, cfg));
          const ref = await uploadPolicy(deps, input.runId, 'pretrain', policy, {});
          await updateManifest(deps.store, input.runId, (m) => {
            m.info = { ...m.info, baseModel: { ...record, checkpointSha256: ref.sha256 } };
          });
          return ref;
        } finally {
          heartbeat.stop();
        }
      }
      // the run's datasets are first read by this stage's evaluation: reading them now makes a bad
      // line fail the stage before pretraining, not after it
      await datasetPools(deps, cfg);
      const ref = await trainInChunks({
        deps,
        runId: input.runId,
        stage: 'pretrain',
        start: async () => freshOptimizer(initPolicy(cfg)),
        total: pretrainTotalSteps(cfg),
        run: (policy, from, to, onStep) => pretrainSteps(engine, policy, cfg, corpusOf(policy, cfg), from, to, onStep),
      });
      // the base model is reusable by any later run with the same pretraining settings; a retry
      // of this write (a storage outage) keeps heartbeating with the finished model as its resume point
      const heartbeat = startHeartbeat({ step: ref.step, checkpoint: ref });
      try {
        await deps.store.putBytes(
          globalKeys.pretrainCache(input.pretrainHash),
          JSON.stringify(ref),
          'application/json',
        );
      } finally {
        heartbeat.stop();
      }
      return ref;
    },

    async rollouts(input: RolloutsInput): Promise<RolloutsResult> {
      const heartbeat = startHeartbeat({ step: input.step });
      try {
        return (await sampleStep(input)).result;
      } finally {
        heartbeat.stop();
      }
    },

    async policyUpdate(input: UpdateInput): Promise<CheckpointRef> {
      const heartbeat = startHeartbeat({ step: input.step });
      try {
        return await updateStep(input);
      } finally {
        heartbeat.stop();
      }
    },

    async grpoStep(input: GrpoStepInput): Promise<CheckpointRef> {
      // an earlier attempt that got as far as the update left the step's rollouts and scores in S3
      const earlier = resumeDetails<GrpoStepProgress>();
      let scoreMetrics = earlier?.step === input.step ? earlier.scoreMetrics : undefined;
      const heartbeat = startHeartbeat<GrpoStepProgress>(
        scoreMetrics ? { step: input.step, phase: 'update', scoreMetrics } : { step: input.step, phase: 'rollouts' },
      );
      try {
        // the step's objects are written as the three activities write them, and used from memory
        let scored: ScoredBatch | undefined;
        if (!scoreMetrics) {
          const { rollouts } = await sampleStep(input);
          const scoring = await scoreStep(deps.store, input, rollouts);
          ({ scored } = scoring);
          scoreMetrics = scoring.result.metrics;
          heartbeat.progress({ step: input.step, phase: 'update', scoreMetrics });
        }
        return await updateStep({ ...input, scoreMetrics }, scored);
      } finally {
        heartbeat.stop();
      }
    },

    async buildSftData(input: SftDataInput): Promise<SftDataResult> {
      const engine = engineFor(input);
      const heartbeat = startHeartbeat({ stage: input.stage });
      try {
        const policy = await loadPolicyRef(deps, input.policy);
        const pools = await datasetPools(deps, input.config);
        let dataset: SftDataset;
        if (input.stage === 'coldStartSft')
          dataset = await buildColdStartSet(engine, policy, input.config, undefined, pools);
        else if (input.stage === 'rejectionSft')
          dataset = await buildRejectionSet(engine, policy, input.config, undefined, pools);
        else throw new BadDataError(`stage ${input.stage} builds no SFT data`);
        if (dataset.examples.length === 0) {
          throw new BadDataError(
            `${input.stage}: the filter kept no examples out of ${dataset.report.samples} samples (dropped: ${JSON.stringify(dataset.report.dropped)}); sample more prompts or train the source stage longer`,
          );
        }
        const run = new RunStore(deps.store, input.runId);
        const record = await putJson(run, runKeys.sftDataset(input.stage), dataset);
        return { datasetKey: record.key, examples: dataset.examples.length, report: dataset.report };
      } finally {
        heartbeat.stop();
      }
    },

    async sft(input: SftInput): Promise<CheckpointRef> {
      const engine = engineFor(input);
      const run = new RunStore(deps.store, input.runId);
      // beats while the data loads (a storage outage can make that minutes), repeating what an
      // earlier attempt recorded so that its resume point survives
      const heartbeat = startHeartbeat(resumeDetails());
      const dataset = await getJson<SftDataset>(run, runKeys.sftDataset(input.stage)).finally(() => heartbeat.stop());
      const sft = sftConfigOf(input.config, input.stage);
      return trainInChunks({
        deps,
        runId: input.runId,
        stage: input.stage,
        start: async () => freshOptimizer(await loadPolicyForTraining(deps, input.init)),
        total: sftTotalSteps(dataset.examples.length, sft),
        run: (policy, from, to, onStep) =>
          sftSteps(
            engine,
            policy,
            dataset.examples,
            sft,
            input.config.seed,
            from,
            to,
            promptFormat(input.config, policy.tokenizer),
            onStep,
            trainBatchRowsOf(input.config),
          ),
      });
    },

    async evaluate(input: EvaluateInput): Promise<EvalSummary> {
      const engine = engineFor(input);
      const heartbeat = startHeartbeat({ label: input.label });
      try {
        const policy = await loadPolicyRef(deps, input.policy);
        const result = await evaluate(engine, policy, input.config, undefined, await datasetPools(deps, input.config));
        const run = new RunStore(deps.store, input.runId);
        const stored: StoredEval = { label: input.label, stage: input.stage, checkpoint: input.policy, ...result };
        await putJson(run, runKeys.evalResult(input.label), stored);
        return result.summary;
      } finally {
        heartbeat.stop();
      }
    },

    async exportModel(input: ExportInput): Promise<ExportResult> {
      const heartbeat = startHeartbeat({ exporting: input.policy.key });
      try {
        return await exportRunModel(deps, input.runId, await loadPolicyRef(deps, input.policy), input.policy);
      } finally {
        heartbeat.stop();
      }
    },
  };
}

/** What `runKeys.evalResult(label)` holds. */
export interface StoredEval {
  label: string;
  stage: StageName;
  checkpoint: CheckpointRef;
  summary: EvalSummary;
  examples: Awaited<ReturnType<typeof evaluate>>['examples'];
}
