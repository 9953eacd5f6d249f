// Temporal's overhead on the smallest full run: the `micro` preset, every stage, one seed, run
// twice — (a) as the r1Pipeline workflow on an in-process worker, (b) by calling the same activity
// functions in a plain loop in the order the workflows call them — and the ratio of the two wall
// times, and Temporal's cost per activity call in ms, split into what the activities themselves
// took longer in the worker and what lay between them. Goals: temporal / plain <= 1.03 on the tiny
// preset, <= 1.10 on micro. Also checks that both runs end with the same
// final checkpoint sha256 (determinism across orchestration). Prints JSON.
// Run: node --import tsx bench/orchestration.ts [--seed N] [--rounds N] [--preset micro|tiny]
//
// Wall times of a ~2 s workload on a shared 2-core machine vary by ±30 % from one process to the
// next, so the halves run in several rounds, alternating which goes first, and the ratio is the
// one of the medians (each round's own ratio is printed too).
//
// Each half runs in a child process of its own: the worker's in-memory policy cache, the compiled
// onnxruntime sessions and the corpus cache are all process-wide, so a second half in the same
// process would start warm. The pretraining result is cached in S3 by config hash; its key is
// deleted before each half so that both halves pretrain.
//
// The Temporal half first runs the doctor workflow once (one activity on each queue, as
// `npm start` does before its run), so the workflow sandbox, both pollers and the S3 client are
// warm, as the plain half's are after its imports; that warm-up is reported, not timed.
//
// Both halves run with the malloc tunables the training commands use (infra/allocator.ts), as
// `npm start` and `r1flow worker` do; R1FLOW_ALLOCATOR=system runs both with the system defaults.
//
// The runs use a Temporal namespace of their own on the test stack: the test suite's workers poll
// the same task-queue names in the `default` namespace, and they would take (or lose) this run's
// tasks if both shared it.
import type { Client, WorkflowHandle } from '@temporalio/client';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { PerformanceObserver } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { pretrainHashOf } from '../activities/control';
import { finalResultOf } from '../contracts/stages';
import { CONTROL_QUEUE, GPU_QUEUE } from '../contracts/queues';
import { allocatorMode, useTunedAllocator } from '../infra/allocator';
import { readStackRecord } from '../infra/stack-record';
import { connectClient } from '../infra/temporal-client';
import { STAGE_NAMES, presetNames, resolveConfig, type StageName } from '../recipe/config';
import { globalKeys } from '../storage/layout';
import { startWorkers } from '../workers/start';
import type { StageResult } from '../contracts/stages';
import { doctorWorkflow } from '../workflows/doctor';
import { r1Pipeline } from '../workflows/pipeline';
import { benchLogger, flag, inProcessDeps, storeOf, useTestStack } from './bench-env';
import { ensureBenchNamespace, stackConnection } from './bench-namespace';
import { ownThreadCpuSince, processCpuSeconds, sampleOwnThreads } from './proc-cpu';
import { runPipelineInProcess } from './plain-pipeline';
import { stageWorkflowId } from '../workflows/run-id';

type Half = 'temporal' | 'plain';
/** Each stage's checkpoint sha256: equal training gives equal bytes, whatever the orchestration. */
type StageShas = Partial<Record<StageName, string>>;

/** What a child process reports for its half. */
interface HalfResult {
  half: Half;
  runId: string;
  /** wall time of the workload itself: initRun through buildReport */
  seconds: number;
  /** CPU time of the half's own process (all its threads) over the same span */
  cpuSeconds: number;
  /** where the half's own CPU went over the same span: the main thread, the others by name, exited threads */
  threadCpuSeconds: ReturnType<typeof ownThreadCpuSince>;
  /** CPU seconds the stack's processes used over the same span, by process */
  stackCpuSeconds: Record<string, number>;
  /** garbage collection pauses in the half's process over the same span */
  gcSeconds: number;
  /** Temporal only: Worker.create (workflow bundle), client connect and the warm-up workflow, before the run starts */
  setupSeconds: number;
  perStageSeconds: Partial<Record<StageName, number>>;
  finalSha256: string;
  stages: StageShas;
  /** Temporal only: other pollers on the task queues before the run (they could take its tasks) */
  otherPollers?: number;
  /** plain only: activity calls by name, the tasks Temporal dispatches for the same run */
  activityCalls?: Record<string, number>;
  /**
   * Seconds inside each activity, summed over its calls: plain, around each call; Temporal, from
   * each task's started to its completed event (local activities have no such events: plain only)
   */
  activitySeconds?: Record<string, number>;
}

/** temporal / plain goals: the tiny preset's (issue 16), and the micro preset's, whose ~1.5 s of work makes any overhead large */
const GOALS: Record<string, number> = { tiny: 1.03, micro: 1.1 };
const BENCH_NAMESPACE = 'r1flow-bench';
const thisFile = fileURLToPath(import.meta.url);
const round = (x: number, digits = 3) => Number(x.toFixed(digits));
const since = (t0: number) => (performance.now() - t0) / 1000;
const cpuSince = (c0: NodeJS.CpuUsage) => {
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1e6;
};

/** Sums the process's garbage-collection pauses from now on; call the result to read the total. */
function gcPauses(): () => number {
  let ms = 0;
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) ms += entry.duration;
  });
  observer.observe({ entryTypes: ['gc'] });
  return () => {
    observer.disconnect();
    return ms / 1000;
  };
}

/** CPU seconds the stack's own processes (Temporal server, SeaweedFS) have used so far, by name. */
function stackCpuSeconds(): Record<string, number> {
  const out: Record<string, number> = {};
  for (const p of readStackRecord()?.processes ?? []) out[p.name] = processCpuSeconds(p.pid);
  return out;
}

/** The stack's CPU seconds since `before`, by process. */
function stackCpuSince(before: Record<string, number>): Record<string, number> {
  const now = stackCpuSeconds();
  return Object.fromEntries(Object.entries(now).map(([name, s]) => [name, round(s - (before[name] ?? 0), 2)]));
}

// ---------------------------------------------------------------------------------------------
// (b) the plain loop: the workflows' activity calls, in their order, with no Temporal in between

async function runPlainHalf(runId: string, raw: Record<string, unknown>): Promise<HalfResult> {
  const connection = stackConnection(BENCH_NAMESPACE);
  const store = storeOf(connection);
  const deps = inProcessDeps(connection, store, 'bench-plain');
  try {
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    const gc = gcPauses();
    const stack0 = stackCpuSeconds();
    const threads0 = sampleOwnThreads();
    const { results, perStageSeconds, activityCalls, activitySeconds } = await runPipelineInProcess(deps, runId, raw);
    const seconds = since(t0);
    const cpuSeconds = cpuSince(cpu0);
    const threadCpuSeconds = ownThreadCpuSince(threads0, cpuSeconds);
    const gcSeconds = gc();
    const stackCpu = stackCpuSince(stack0);
    return {
      half: 'plain',
      runId,
      seconds,
      cpuSeconds,
      threadCpuSeconds,
      gcSeconds,
      stackCpuSeconds: stackCpu,
      setupSeconds: 0,
      perStageSeconds,
      finalSha256: finalShaOf(results),
      stages: shasOf(results),
      activityCalls,
      activitySeconds,
    };
  } finally {
    await deps.caches.release();
    store.client.destroy();
    rmSync(deps.cacheDir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// (a) through Temporal: r1Pipeline on an in-process worker for both queues

function timestampMs(t: { seconds?: unknown; nanos?: number | null } | null | undefined): number | undefined {
  if (!t) return undefined;
  const s = t.seconds as { toNumber(): number } | number | string | null | undefined;
  const seconds = typeof s === 'object' && s !== null ? s.toNumber() : Number(s ?? 0);
  return seconds * 1000 + (t.nanos ?? 0) / 1e6;
}

/** Stage seconds from the pipeline's history: child started → child completed. */
async function stageSecondsFromHistory(handle: WorkflowHandle, workflowId: string) {
  const history = await handle.fetchHistory();
  const started = new Map<string, number>();
  const out: Partial<Record<StageName, number>> = {};
  for (const e of history.events ?? []) {
    const at = timestampMs(e.eventTime);
    const startedId = e.childWorkflowExecutionStartedEventAttributes?.workflowExecution?.workflowId;
    if (startedId && at !== undefined) started.set(startedId, at);
    const doneId = e.childWorkflowExecutionCompletedEventAttributes?.workflowExecution?.workflowId;
    if (doneId && at !== undefined && started.has(doneId)) {
      const stage = STAGE_NAMES.find((s) => stageWorkflowId(workflowId, s) === doneId);
      if (stage) out[stage] = round((at - started.get(doneId)!) / 1000, 2);
    }
  }
  return out;
}

/** Seconds each activity task ran (started → completed events), by activity type, over every run of the pipeline's workflows. */
async function activitySecondsFromHistories(client: Client, runId: string): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const workflowId of [runId, ...STAGE_NAMES.map((s) => stageWorkflowId(runId, s))]) {
    // every run of the id: a GRPO stage continues as new
    for await (const execution of client.workflow.list({ query: `WorkflowId = '${workflowId}'` })) {
      const history = await client.workflow.getHandle(workflowId, execution.runId).fetchHistory();
      const typeOf = new Map<string, string>();
      const startedAt = new Map<string, number>();
      for (const e of history.events ?? []) {
        const at = timestampMs(e.eventTime);
        const scheduled = e.activityTaskScheduledEventAttributes;
        if (scheduled) typeOf.set(String(e.eventId), scheduled.activityType?.name ?? '');
        const started = e.activityTaskStartedEventAttributes;
        if (started && at !== undefined) startedAt.set(String(started.scheduledEventId), at);
        const completed = e.activityTaskCompletedEventAttributes;
        const id = completed ? String(completed.scheduledEventId) : undefined;
        if (id && at !== undefined && startedAt.has(id)) {
          const name = typeOf.get(id) ?? '';
          out[name] = (out[name] ?? 0) + (at - startedAt.get(id)!) / 1000;
        }
      }
    }
  }
  return out;
}

/** Worker identities are `pid@host`; a poller of a process that has exited is harmless. */
function pollerAlive(identity: string | null | undefined): boolean {
  const m = /^(\d+)@(.+)$/.exec(identity ?? '');
  if (!m || m[2] !== hostname()) return true;
  try {
    process.kill(Number(m[1]), 0);
    return true;
  } catch {
    return false;
  }
}

async function runTemporalHalf(runId: string, raw: Record<string, unknown>): Promise<HalfResult> {
  const connection = stackConnection(BENCH_NAMESPACE);
  const cacheDir = mkdtempSync(join(tmpdir(), 'r1flow-bench-temporal-'));
  const t0 = performance.now();
  const client = await connectClient(connection.temporal);
  // a poller seen within the last long-poll (60 s) whose process lives may take this run's tasks
  let otherPollers = 0;
  for (const name of [CONTROL_QUEUE, GPU_QUEUE]) {
    for (const taskQueueType of [1, 2]) {
      // workflow, activity
      const r = await client.workflowService.describeTaskQueue({
        namespace: connection.temporal.namespace,
        taskQueue: { name },
        taskQueueType,
      });
      otherPollers += (r.pollers ?? []).filter(
        (p) => Date.now() - (timestampMs(p.lastAccessTime) ?? 0) < 65_000 && pollerAlive(p.identity),
      ).length;
    }
  }
  const workers = await startWorkers({
    connection,
    queues: ['control', 'gpu'],
    log: benchLogger('bench-worker'),
    cacheDir,
    shutdownGraceTime: '5 seconds',
  });
  try {
    await client.workflow.execute(doctorWorkflow, {
      taskQueue: CONTROL_QUEUE,
      workflowId: `warmup-${runId}`,
      args: [`warmup-${runId}`],
    });
    const setupSeconds = since(t0);
    const t1 = performance.now();
    const cpu0 = process.cpuUsage();
    const gc = gcPauses();
    const stack0 = stackCpuSeconds();
    const threads0 = sampleOwnThreads();
    const handle = await client.workflow.start(r1Pipeline, {
      taskQueue: CONTROL_QUEUE,
      workflowId: runId,
      args: [raw],
    });
    const result = await handle.result();
    const seconds = since(t1);
    const cpuSeconds = cpuSince(cpu0);
    const threadCpuSeconds = ownThreadCpuSince(threads0, cpuSeconds);
    const gcSeconds = gc();
    const stackCpu = stackCpuSince(stack0);
    const perStageSeconds = await stageSecondsFromHistory(handle, runId);
    const activitySeconds = await activitySecondsFromHistories(client, runId);
    return {
      half: 'temporal',
      runId: result.runId,
      seconds,
      cpuSeconds,
      threadCpuSeconds,
      gcSeconds,
      stackCpuSeconds: stackCpu,
      setupSeconds,
      perStageSeconds,
      finalSha256: finalShaOf(result.stages),
      stages: shasOf(result.stages),
      otherPollers,
      activitySeconds,
    };
  } finally {
    await workers.shutdown();
    await client.connection.close();
    rmSync(cacheDir, { recursive: true, force: true });
  }
}

function shasOf(results: Partial<Record<StageName, StageResult>>): StageShas {
  return Object.fromEntries(Object.entries(results).map(([stage, r]) => [stage, r.checkpoint.sha256]));
}

function finalShaOf(results: Partial<Record<StageName, StageResult>>): string {
  const final = finalResultOf(results);
  if (!final) throw new Error('the run finished without any stage checkpoint');
  return final.checkpoint.sha256;
}

// ---------------------------------------------------------------------------------------------
// the parent: stack, seed, both halves, comparison

function runHalf(
  half: Half,
  preset: string,
  seed: number,
  runId: string,
): Promise<HalfResult & { processSeconds: number }> {
  const out = join(mkdtempSync(join(tmpdir(), 'r1flow-bench-orch-')), 'result.json');
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        '--disable-warning=NodeVersionSupportWarning',
        '--import',
        'tsx',
        thisFile,
        '--half',
        half,
        '--seed',
        String(seed),
        '--run-id',
        runId,
        '--out',
        out,
        '--preset',
        preset,
      ],
      { stdio: ['ignore', 'inherit', 'inherit'], env: process.env },
    );
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (code !== 0) return reject(new Error(`the ${half} half exited with ${signal ?? `code ${code}`}`));
      try {
        resolve({ ...(JSON.parse(readFileSync(out, 'utf8')) as HalfResult), processSeconds: since(t0) });
      } catch (err) {
        reject(err);
      } finally {
        rmSync(join(out, '..'), { recursive: true, force: true });
      }
    });
  });
}

async function parent(): Promise<void> {
  // the test stack's own ports and state folder, as infra/test-with-stack.ts uses them
  const stack = await useTestStack();
  const connection = stackConnection(BENCH_NAMESPACE);
  const store = storeOf(connection);
  try {
    await ensureBenchNamespace(connection);
    const seed = Number(flag('seed') ?? 1_000_000 + Math.floor(Math.random() * 1_000_000_000));
    const rounds = Number(flag('rounds') ?? 3);
    if (!Number.isInteger(rounds) || rounds < 1)
      throw new Error(`--rounds must be a positive integer, got ${flag('rounds')}`);
    const preset = flag('preset') ?? 'micro';
    if (!presetNames().includes(preset))
      throw new Error(`--preset must be one of ${presetNames().join(', ')}, got ${preset}`);
    const raw = { preset, seed };
    const cacheKey = globalKeys.pretrainCache(pretrainHashOf(resolveConfig(raw)));
    const tag = randomUUID().slice(0, 6);
    type Timed = HalfResult & { processSeconds: number };
    const all: Record<Half, Timed[]> = { temporal: [], plain: [] };
    const orderOf = (r: number): Half[] => (r % 2 === 0 ? ['plain', 'temporal'] : ['temporal', 'plain']);
    for (let r = 0; r < rounds; r++) {
      for (const half of orderOf(r)) {
        // both halves pretrain: neither may find the other's (or an earlier invocation's) base model
        await store.delete(cacheKey);
        all[half].push(await runHalf(half, preset, seed, `bench-orch-${seed}-${tag}-r${r + 1}-${half}`));
      }
    }
    const median = (xs: number[]) => {
      const sorted = [...xs].sort((a, b) => a - b);
      const mid = Math.floor(sorted.length / 2);
      return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
    };
    const medianOf = (half: Half, pick: (h: Timed) => number) => median(all[half].map(pick));
    const temporalSeconds = medianOf('temporal', (h) => h.seconds);
    const plainSeconds = medianOf('plain', (h) => h.seconds);
    const ratio = temporalSeconds / plainSeconds;
    // every half of a seed makes the same calls; Temporal's whole cost spread over them
    const activityCalls = all.plain[0]!.activityCalls ?? {};
    const activities = Object.values(activityCalls).reduce((a, b) => a + b, 0);
    const goal = GOALS[preset] ?? GOALS.micro!;
    // checkpoint metadata holds stage and step but no run id, so equal training gives equal sha256
    const finals = [...all.temporal, ...all.plain].map((h) => h.finalSha256);
    const sameStages = Object.fromEntries(
      STAGE_NAMES.map((st) => {
        const hashes = new Set([...all.temporal, ...all.plain].map((h) => h.stages[st]));
        return [st, hashes.size === 1];
      }),
    );
    // where Temporal's cost sits: inside the activities (they ran slower in the worker) or between them
    const timedInBoth = Object.keys(all.temporal[0]!.activitySeconds ?? {}).filter(
      (name) => name in (all.plain[0]!.activitySeconds ?? {}),
    );
    const perActivity = Object.fromEntries(
      timedInBoth.map((name) => [
        name,
        {
          temporal: round(
            medianOf('temporal', (h) => h.activitySeconds?.[name] ?? 0),
            2,
          ),
          plain: round(
            medianOf('plain', (h) => h.activitySeconds?.[name] ?? 0),
            2,
          ),
        },
      ]),
    );
    /** a half's seconds outside the activities both halves time */
    const betweenActivities = (h: Timed) =>
      h.seconds - timedInBoth.reduce((sum, name) => sum + (h.activitySeconds?.[name] ?? 0), 0);
    const insideActivities = Object.values(perActivity).reduce((sum, a) => sum + a.temporal - a.plain, 0);
    const perStage = Object.fromEntries(
      STAGE_NAMES.map((st) => [
        st,
        {
          temporal: medianOf('temporal', (h) => h.perStageSeconds[st] ?? 0),
          plain: medianOf('plain', (h) => h.perStageSeconds[st] ?? 0),
        },
      ]),
    );
    console.log(
      JSON.stringify(
        {
          bench: 'orchestration',
          preset,
          seed,
          rounds,
          temporalSeconds: round(temporalSeconds, 2),
          plainSeconds: round(plainSeconds, 2),
          ratio: round(ratio),
          goal,
          met: ratio <= goal,
          activities,
          activityCalls,
          overheadMsPerActivity: round(((temporalSeconds - plainSeconds) * 1000) / Math.max(1, activities), 1),
          // of the gap: the seconds the activities themselves took longer in the worker, and the rest
          // (dispatch, workflow tasks, the local activities' round trips)
          gapInsideActivitiesSeconds: round(insideActivities, 2),
          gapBetweenActivitiesSeconds: round(temporalSeconds - plainSeconds - insideActivities, 2),
          activitySecondsMedian: perActivity,
          perRound: all.temporal.map((t, i) => ({
            order: orderOf(i),
            temporalSeconds: round(t.seconds, 2),
            plainSeconds: round(all.plain[i]!.seconds, 2),
            ratio: round(t.seconds / all.plain[i]!.seconds),
            // a round whose Temporal half stalled (a slow disk stops the server's database) shows here
            gapBetweenActivitiesSeconds: round(betweenActivities(t) - betweenActivities(all.plain[i]!), 2),
            // which of the half's own threads took the extra CPU (the worker's Rust core threads have names of their own)
            threadCpuSeconds: { temporal: t.threadCpuSeconds, plain: all.plain[i]!.threadCpuSeconds },
          })),
          sameFinalCheckpoint: new Set(finals).size === 1,
          sameCheckpointPerStage: sameStages,
          finalCheckpointSha256: finals[0],
          perStageSecondsMedian: perStage,
          temporalSetupSecondsMedian: round(
            medianOf('temporal', (h) => h.setupSeconds),
            2,
          ),
          cpuSecondsMedian: {
            temporal: round(
              medianOf('temporal', (h) => h.cpuSeconds),
              2,
            ),
            plain: round(
              medianOf('plain', (h) => h.cpuSeconds),
              2,
            ),
          },
          gcSecondsMedian: {
            temporal: round(
              medianOf('temporal', (h) => h.gcSeconds),
              2,
            ),
            plain: round(
              medianOf('plain', (h) => h.gcSeconds),
              2,
            ),
          },
          // the Temporal server and SeaweedFS share the cores the training uses
          stackCpuSecondsMedian: Object.fromEntries(
            Object.keys(all.temporal[0]!.stackCpuSeconds).map((name) => [
              name,
              {
                temporal: round(
                  medianOf('temporal', (h) => h.stackCpuSeconds[name] ?? 0),
                  2,
                ),
                plain: round(
                  medianOf('plain', (h) => h.stackCpuSeconds[name] ?? 0),
                  2,
                ),
              },
            ]),
          ),
          processSecondsMedian: {
            temporal: round(
              medianOf('temporal', (h) => h.processSeconds),
              2,
            ),
            plain: round(
              medianOf('plain', (h) => h.processSeconds),
              2,
            ),
          },
          runIds: { temporal: all.temporal.map((h) => h.runId), plain: all.plain.map((h) => h.runId) },
          namespace: BENCH_NAMESPACE,
          malloc: allocatorMode(),
          recentOtherPollersOnQueues: Math.max(...all.temporal.map((h) => h.otherPollers ?? 0)),
          fairness:
            'each half ran in a fresh child process (policy cache, onnxruntime sessions and corpus cache start cold in both); ' +
            'cache/pretrain/<hash>.json was deleted before each half so both pretrained; timed from the first call (plain: initRun; temporal: workflow start) to the report; ' +
            'temporal worker creation (workflow bundling) and its warm-up doctor workflow are reported separately as temporalSetupSecondsMedian; ' +
            'rounds alternate which half goes first',
          stack: stack.alreadyRunning
            ? 'test stack was already running (left running)'
            : 'test stack started by this script (stopped at the end)',
        },
        null,
        2,
      ),
    );
  } finally {
    store.client.destroy();
    await stack.stop();
  }
}

async function child(half: Half): Promise<void> {
  const seed = Number(flag('seed'));
  const runId = flag('run-id');
  const out = flag('out');
  if (!Number.isInteger(seed) || !runId || !out)
    throw new Error('a half needs --seed <integer>, --run-id <id> and --out <file>');
  const raw = { preset: flag('preset') ?? 'micro', seed };
  const result = half === 'temporal' ? await runTemporalHalf(runId, raw) : await runPlainHalf(runId, raw);
  writeFileSync(out, JSON.stringify(result));
}

const half = flag('half');
if (half !== undefined && half !== 'temporal' && half !== 'plain') {
  console.error(`--half must be 'temporal' or 'plain', got '${half}'`);
  process.exit(1);
}
// the children inherit the parent's allocator settings
(half ? child(half) : useTunedAllocator().then(parent)).then(
  () => process.exit(0),
  (err) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : err);
    process.exit(1);
  },
);
