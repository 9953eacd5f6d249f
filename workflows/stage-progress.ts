// A stage workflow's own live progress: the `stageProgress` query and the UI's current details of
// the stage workflow, both answered from memory. Neither adds a history event however often the
// step changes, so a GRPO stage can publish every iteration (contracts/progress).
import { setCurrentDetails, setHandler } from '@temporalio/workflow';
import { stageProgressQuery } from '../contracts/messages';
import type { LiveStageProgress } from '../contracts/progress';
import type { StageWorkflowInput } from '../contracts/stages';
import { pickMetrics, PROGRESS_METRICS } from '../recipe/metrics';
import { stageMarkdown } from './details';
import { totalStepsOf } from './stage-plan';

export class StageLive {
  private readonly progress: LiveStageProgress;

  /**
   * `range`: the steps this workflow run covers; `note`: where else to look, e.g. the pending
   * activity's heartbeat details for pretraining and SFT.
   */
  constructor(
    private readonly input: StageWorkflowInput,
    private readonly range: string,
    private readonly note?: string,
  ) {
    this.progress = { stage: input.stage, step: 0, totalSteps: totalStepsOf(input.stage, input.config), metrics: {} };
    setHandler(stageProgressQuery, () => this.progress);
    this.publish();
  }

  /** A finished step: `stepsDone` steps done, with the numbers the update reported. */
  step(stepsDone: number, metrics: Record<string, number>): void {
    this.progress.step = stepsDone;
    this.progress.metrics = pickMetrics(metrics, PROGRESS_METRICS);
    this.publish();
  }

  private publish(): void {
    setCurrentDetails(stageMarkdown(this.input.runId, this.progress, this.range, this.note));
  }
}
