// The recipe's stages in order, written once: the pipeline workflow and the plain loop both walk
// them through here, each with its own way of running a stage.
import type { StageResult } from '../contracts/stages';
import { STAGE_NAMES, type StageName } from '../recipe/config/stage-names';

export interface StageOrderHooks {
  /** whether the stage is part of the run, under the config as it is now */
  enabled(stage: StageName): boolean;
  skipped(stage: StageName): void;
  /** runs the stage to its result (the pipeline: a child workflow, waiting for a resume on failure) */
  run(stage: StageName): Promise<StageResult>;
  /** records a finished stage */
  done(stage: StageName, result: StageResult): Promise<void>;
}

/** Runs every stage not in `results` yet, in pipeline order; `results` is filled in as they finish. */
export async function runStagesInOrder(
  results: Partial<Record<StageName, StageResult>>,
  hooks: StageOrderHooks,
): Promise<void> {
  for (const stage of STAGE_NAMES) {
    if (results[stage]) continue;
    if (!hooks.enabled(stage)) {
      hooks.skipped(stage);
      continue;
    }
    const result = await hooks.run(stage);
    results[stage] = result;
    await hooks.done(stage, result);
  }
}
