// One step off-policy (grpo.staleness 1) against on-policy (0), as deployed: one control worker
// and N gpu worker processes on the test stack, the R1-Zero stage of the same config run with
// each setting in alternating rounds. Prints JSON: the stage's GRPO wall time (first rollouts
// scheduled to the last update done) and its seconds per step, the share of the gpu workers'
// time spent in activities, and each setting's final checkpoint sha256 (the two settings train
// differently; rounds of one setting must agree).
// Run: node --import tsx bench/off-policy.ts [--preset tiny] [--workers 2] [--threads 1] [--shards 4] [--steps 6] [--rounds 2] [--seed 7]
//
// On one machine the gpu workers share its cores, so `--threads` (each worker's intra-op
// threads) times `--workers` should not exceed them, or the overlap only trades one activity's
// cores for another's. The pretraining is reused from the cache after the first run; a warm-up
// run of one step makes every worker poll and compile before anything is timed.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import { startPipelineRun } from '../cli/run';
import { tunedAllocatorEnv } from '../infra/allocator';
import { projectRoot } from '../infra/paths';
import { connectClient } from '../infra/temporal-client';
import { resolveConfig } from '../recipe/config';
import { startWorkers } from '../workers/start';
import { stageWorkflowId } from '../workflows/run-id';
import { benchLogger, flag, runBench, useTestStack } from './bench-env';
import { ensureBenchNamespace, stackConnection } from './bench-namespace';

const NAMESPACE = 'r1flow-bench-off-policy';
function numberFlag(name: string, fallback: number, min = 1): number {
  const value = Number(flag(name) ?? fallback);
  if (!Number.isInteger(value) || value < min)
    throw new Error(`--${name} must be a whole number ≥ ${min}, got ${flag(name)}`);
  return value;
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const round = (x: number, digits = 3) => Number(x.toFixed(digits));

interface StageTiming {
  grpoSeconds: number;
  secondsPerStep: number;
  /** seconds of gpu activities over (workers × grpoSeconds) */
  gpuBusyShare: number;
  sha256: string;
}

/** The R1-Zero stage's GRPO span and the gpu activities' busy time, from its history's event times. */
async function stageTiming(
  client: Client,
  runId: string,
  workers: number,
  steps: number,
): Promise<Omit<StageTiming, 'sha256'>> {
  const history = await client.workflow.getHandle(stageWorkflowId(runId, 'r1Zero')).fetchHistory();
  const events = history.events ?? [];
  const time = (e: (typeof events)[number]) => Number(e.eventTime?.seconds ?? 0) + (e.eventTime?.nanos ?? 0) / 1e9;
  const names = new Map<string, string>();
  const started = new Map<string, number>();
  let first = Infinity;
  let lastUpdate = 0;
  let busy = 0;
  for (const e of events) {
    const scheduled = e.activityTaskScheduledEventAttributes;
    if (scheduled) {
      const name = scheduled.activityType?.name ?? '';
      names.set(String(e.eventId), name);
      if (name === 'rollouts') first = Math.min(first, time(e));
    }
    const start = e.activityTaskStartedEventAttributes;
    if (start) started.set(String(start.scheduledEventId), time(e));
    const done = e.activityTaskCompletedEventAttributes;
    if (done) {
      const id = String(done.scheduledEventId);
      const name = names.get(id);
      if (name === 'rollouts' || name === 'policyUpdate') busy += time(e) - (started.get(id) ?? time(e));
      if (name === 'policyUpdate') lastUpdate = time(e);
    }
  }
  const grpoSeconds = lastUpdate - first;
  return { grpoSeconds, secondsPerStep: grpoSeconds / steps, gpuBusyShare: busy / (workers * grpoSeconds) };
}

function spawnGpuWorker(threads: number): ChildProcess {
  const cacheDir = mkdtempSync(join(tmpdir(), 'r1flow-bench-off-policy-'));
  return spawn(
    process.execPath,
    ['--import', 'tsx', 'cli/main.ts', 'worker', '--queues', 'gpu', '--cache-dir', cacheDir],
    {
      cwd: projectRoot,
      env: {
        ...tunedAllocatorEnv(process.env),
        R1FLOW_TEMPORAL_NAMESPACE: NAMESPACE,
        R1FLOW_INTRA_OP_THREADS: String(threads),
        R1FLOW_LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
}

async function main(): Promise<void> {
  const preset = flag('preset') ?? 'tiny';
  const workers = numberFlag('workers', 2);
  const threads = numberFlag('threads', 1);
  const shards = numberFlag('shards', 4);
  const steps = numberFlag('steps', 6);
  const rounds = numberFlag('rounds', 2);
  const seed = numberFlag('seed', 7, 0);
  const configOf = (staleness: number, grpoSteps: number) => ({
    preset,
    seed,
    workflow: { continueAsNewAfter: 1000 },
    stages: {
      coldStartSft: { enabled: false },
      reasoningRl: { enabled: false },
      rejectionSft: { enabled: false },
      finalRl: { enabled: false },
      r1Zero: { grpo: { steps: grpoSteps, rolloutShards: shards, staleness } },
    },
  });

  const stack = await useTestStack();
  const connection = stackConnection(NAMESPACE);
  await ensureBenchNamespace(connection);
  const client = await connectClient(connection.temporal);
  const control = await startWorkers({
    connection,
    queues: ['control'],
    log: benchLogger('bench-off-policy'),
    cacheDir: mkdtempSync(join(tmpdir(), 'r1flow-bench-off-policy-control-')),
    shutdownGraceTime: '5 seconds',
  });
  const gpu = Array.from({ length: workers }, () => spawnGpuWorker(threads));
  const run = async (staleness: number, grpoSteps: number) => {
    const raw = configOf(staleness, grpoSteps);
    const runId = `bench-off-policy-${staleness}-${randomUUID().slice(0, 8)}`;
    const result = await (await startPipelineRun(client, runId, { raw, config: resolveConfig(raw) })).result();
    return { runId, sha256: result.stages.r1Zero!.checkpoint.sha256 };
  };
  try {
    process.stderr.write('[off-policy] warm-up run (pretrains once, every worker polls)\n');
    await run(1, 1);
    const timings: Record<'onPolicy' | 'offPolicy', StageTiming[]> = { onPolicy: [], offPolicy: [] };
    for (let r = 0; r < rounds; r++) {
      for (const staleness of r % 2 === 0 ? [0, 1] : [1, 0]) {
        const { runId, sha256 } = await run(staleness, steps);
        const timing = { ...(await stageTiming(client, runId, workers, steps)), sha256 };
        timings[staleness === 0 ? 'onPolicy' : 'offPolicy'].push(timing);
        process.stderr.write(`[off-policy] round ${r + 1} staleness ${staleness}: ${JSON.stringify(timing)}\n`);
      }
    }
    const summary = (xs: StageTiming[]) => ({
      secondsPerStepMedian: round(median(xs.map((t) => t.secondsPerStep))),
      gpuBusyShareMedian: round(median(xs.map((t) => t.gpuBusyShare))),
      secondsPerStep: xs.map((t) => round(t.secondsPerStep)),
      sha256: [...new Set(xs.map((t) => t.sha256))],
    });
    const on = summary(timings.onPolicy);
    const off = summary(timings.offPolicy);
    console.log(
      JSON.stringify(
        {
          bench: 'off-policy',
          machine: { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length },
          settings: { preset, workers, threadsPerWorker: threads, rolloutShards: shards, steps, rounds, seed },
          onPolicy: on,
          offPolicy: off,
          offOverOnTimePerStep: round(off.secondsPerStepMedian / on.secondsPerStepMedian),
          reproducible: on.sha256.length === 1 && off.sha256.length === 1,
        },
        null,
        2,
      ),
    );
  } finally {
    for (const c of gpu) c.kill('SIGTERM');
    await control.shutdown();
    await client.connection.close();
    await stack.stop();
  }
}

runBench(main);
