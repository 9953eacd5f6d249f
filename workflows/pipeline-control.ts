// How people steer a running pipeline: the `progress` query, `abort` (signal or update) and
// `resume` (an update whose patch is validated before it is accepted, so a bad patch is refused
// and the run keeps waiting). Every run of the pipeline sets these handlers, so they work the
// same after a continue-as-new: clients address the workflow id, which the new run keeps.
import { CancellationScope, condition, setHandler } from '@temporalio/workflow';
import { abortSignal, abortUpdate, progressQuery, resumeUpdate } from '../contracts/messages';
import type { ResumeRequest } from '../contracts/messages';
import { ConfigError } from '../recipe/config/errors';
import type { ConfigResolver } from './config-resolver';
import type { RunProgress } from './run-progress';

export type Decision = { kind: 'resume'; patch?: Record<string, unknown> } | { kind: 'abort'; reason: string };

export class PipelineControl {
  /** set once an abort was asked for; the run ends as soon as the running stage stops */
  abortReason?: string;
  private decision?: Decision;
  private running?: CancellationScope;

  constructor(
    private readonly state: RunProgress,
    resolver: ConfigResolver,
    currentRawConfig: () => unknown,
  ) {
    const runId = state.progress.runId;
    setHandler(progressQuery, () => state.progress);
    setHandler(abortSignal, (reason?: string) => this.requestAbort(reason));
    setHandler(abortUpdate, (reason?: string) => {
      this.requestAbort(reason);
      return `run ${runId} is being aborted`;
    });
    setHandler(
      resumeUpdate,
      // from the UI the request may be left out entirely
      (request?: ResumeRequest) => {
        this.decision = { kind: 'resume', patch: request?.patch };
        const patched = request?.patch ? ' with the patched config' : '';
        return `resuming stage ${state.progress.waiting?.stage} of run ${runId}${patched}`;
      },
      {
        validator: (request?: ResumeRequest) => {
          if (state.progress.status !== 'waiting-for-resume')
            throw new Error(`run ${runId} is not waiting for a resume (status: ${state.progress.status})`);
          const patch = request?.patch;
          if (patch === undefined) return;
          if (typeof patch !== 'object' || patch === null || Array.isArray(patch))
            throw new Error('patch must be a JSON object');
          try {
            resolver.resolveConfig(resolver.deepMerge(currentRawConfig(), patch));
          } catch (err) {
            if (err instanceof ConfigError)
              throw new Error(`the patch makes the config invalid: ${err.problems.join('; ')}`, { cause: err });
            throw err;
          }
        },
      },
    );
  }

  private requestAbort(reason = 'aborted by user'): void {
    this.abortReason = reason;
    this.decision = { kind: 'abort', reason };
    this.running?.cancel();
  }

  /** Runs a stage in a scope of its own, so that `abort` can cancel it. */
  async cancellable<T>(run: () => Promise<T>): Promise<T> {
    this.running = new CancellationScope();
    try {
      return await this.running.run(run);
    } finally {
      this.running = undefined;
    }
  }

  /** Waits, visibly, for the next `resume` or `abort`. */
  async nextDecision(): Promise<Decision> {
    this.decision = undefined;
    await condition(() => this.decision !== undefined);
    return this.decision!;
  }
}
