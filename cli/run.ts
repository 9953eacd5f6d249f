// r1flow run [--preset P | --config FILE] [--id RUN] [--follow]: validates the config here (a bad
// config fails before anything starts), starts r1Pipeline with the config exactly as the user
// wrote it, and optionally follows it with the live progress view.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { type Client, WorkflowExecutionAlreadyStartedError, WorkflowFailedError } from '@temporalio/client';
import { CONTROL_QUEUE } from '../contracts/queues';
import { loadConnection, type Connection } from '../infra/connection';
import { connectClient } from '../infra/temporal-client';
import {
  ConfigError,
  isPresetName,
  parseConfigText,
  presetNames,
  resolveConfig,
  type PipelineConfig,
} from '../recipe/config';
import { progressQuery } from '../contracts/messages';
import type { PipelineProgress } from '../contracts/progress';
import { r1Pipeline } from '../workflows/pipeline';
import { pipelineStartMetadata } from '../workflows/run-metadata';
import { fail } from './output';
import {
  asPipelineResult,
  plainUpdates,
  redrawFrame,
  renderProgress,
  reportLines,
  stageTable,
  type PipelineResultView,
} from './progress-view';
import { checkRunId, generateRunId, runUiLink } from './run-id';
import { keepShownSteps, liveProgress } from './live-progress';

/** The pipeline's workflow type, for list queries and schedules (runs start by function reference). */
export const PIPELINE_WORKFLOW = r1Pipeline.name;

/**
 * Starts r1Pipeline as every r1flow starter does: with the config exactly as written, and the
 * static summary and details of the resolved config, so the run is readable in the UI.
 */
export function startPipelineRun(client: Client, runId: string, started: Pick<RawConfig, 'raw' | 'config'>) {
  return client.workflow.start(r1Pipeline, {
    taskQueue: CONTROL_QUEUE,
    workflowId: runId,
    args: [started.raw],
    ...pipelineStartMetadata(started.config),
  });
}

export interface CliClient {
  client: Client;
  connection: Connection;
  close(): Promise<void>;
}

/** Connects to Temporal as configured for this process, with an error that says how to fix it. */
export async function openClient(): Promise<CliClient> {
  const connection = loadConnection();
  let client: Client;
  try {
    client = await connectClient(connection.temporal);
  } catch (err) {
    throw new Error(
      `cannot reach Temporal at ${connection.temporal.address} (${(err as Error).message}); ` +
        'start the embedded stack with `r1flow dev up` or set R1FLOW_TEMPORAL_ADDRESS',
      { cause: err },
    );
  }
  return { client, connection, close: () => client.connection.close() };
}

export interface RawConfig {
  /** what is sent to the workflow: the config as the user wrote it */
  raw: Record<string, unknown>;
  /** the validated config, only used here to fail early */
  config: PipelineConfig;
  /** preset name or file, for messages */
  source: string;
}

/** Reads `--preset P` or `--config FILE` (tiny when neither is given) and validates it. */
export function rawConfigFromFlags(
  flags: { preset?: string; config?: string },
  extra: Record<string, unknown> = {},
): RawConfig {
  if (flags.preset !== undefined && flags.config !== undefined)
    fail('give either --preset or --config, not both (a config file can name its preset itself)');
  let raw: Record<string, unknown>;
  let source: string;
  if (flags.config !== undefined) {
    source = flags.config;
    let text: string;
    try {
      text = readFileSync(flags.config, 'utf8');
    } catch (err) {
      throw new ConfigError([`cannot read config file: ${(err as Error).message}`], flags.config);
    }
    const parsed = parseConfigText(text, flags.config);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new ConfigError(['(root): must be an object like {"preset":"tiny"}'], flags.config);
    }
    raw = parsed as Record<string, unknown>;
  } else {
    const preset = flags.preset ?? 'tiny';
    if (!isPresetName(preset))
      fail(`--preset ${JSON.stringify(preset)} is not a preset (known: ${presetNames().join(', ')})`);
    source = `preset ${preset}`;
    raw = { preset };
  }
  raw = { ...raw, ...extra };
  return { raw, config: resolveConfig(raw, source), source };
}

export interface FollowOptions {
  /** where the view is written; process.stdout by default */
  out?: NodeJS.WriteStream | NodeJS.WritableStream;
  /** redraw in place; by default when `out` is a TTY and CI is not set */
  tty?: boolean;
  intervalMs?: number;
  /** the run's Temporal UI page, printed at the end */
  uiLink?: string;
  /** stops following (the run itself goes on) */
  signal?: AbortSignal;
}

export interface FollowResult {
  ok: boolean;
  /** 'completed', 'failed', 'aborted' or 'detached' (following was stopped, the run goes on) */
  outcome: 'completed' | 'failed' | 'aborted' | 'detached';
  progress?: PipelineProgress;
  result?: PipelineResultView;
  error?: string;
}

const QUERY_DEADLINE_MS = 5000;

/** The progress query with a deadline: without a worker a query would otherwise wait for one. */
export async function queryProgress(
  client: Client,
  runId: string,
  deadlineMs = QUERY_DEADLINE_MS,
): Promise<PipelineProgress> {
  const handle = client.workflow.getHandle(runId);
  return client.withDeadline(Date.now() + deadlineMs, () => handle.query(progressQuery));
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** The innermost message of a Temporal failure chain, where the real reason is. */
export function failureMessage(err: unknown): string {
  const messages: string[] = [];
  let cur: unknown = err;
  while (cur instanceof Error && messages.length < 8) {
    if (cur.message && !messages.includes(cur.message)) messages.push(cur.message);
    cur = (cur as { cause?: unknown }).cause;
  }
  return messages.length > 0 ? messages.join(': ') : String(err);
}

/**
 * Follows a run until its workflow closes: polls the progress query about once a second and
 * renders the live view, then prints the per-stage table and the report location. A run that
 * waits after a failed stage is shown with its error and the resume/abort commands, and followed on.
 */
export async function followRun(client: Client, runId: string, options: FollowOptions = {}): Promise<FollowResult> {
  const out = options.out ?? process.stdout;
  const tty = options.tty ?? (Boolean((out as NodeJS.WriteStream).isTTY) && !process.env.CI);
  const intervalMs = options.intervalMs ?? 1000;
  const write = (text: string) => void out.write(text);
  const handle = client.workflow.getHandle(runId);

  let closed: { ok: true; value: unknown } | { ok: false; error: unknown } | undefined;
  const resultPromise = handle.result().then(
    (value) => {
      closed = { ok: true, value };
    },
    (error: unknown) => {
      closed = { ok: false, error };
    },
  );

  const startedAt = await handle.describe().then(
    (d) => d.startTime.getTime(),
    () => Date.now(),
  );
  let progress: PipelineProgress | undefined;
  let frameLines = 0;
  let failingSince: number | undefined;
  let noWorkerShown = false;
  let slowShown = false;

  while (!closed && !options.signal?.aborted) {
    try {
      const next = keepShownSteps(progress, await liveProgress(client, runId));
      failingSince = undefined;
      slowShown = false;
      if (tty) {
        const columns = (out as NodeJS.WriteStream).columns;
        const lines = renderProgress(next, { columns, elapsedMs: Date.now() - startedAt });
        write(redrawFrame(frameLines, lines));
        frameLines = lines.length;
      } else {
        for (const line of plainUpdates(progress, next)) write(`${line}\n`);
      }
      progress = next;
    } catch (err) {
      if (closed) break;
      // No answer before any progress was seen: usually no worker has picked the run up. Say so
      // once, keep polling. After progress was seen, a worker busy with a big model's step can
      // leave queries unanswered for a while: the last view stays, and only a long silence is told.
      failingSince ??= Date.now();
      if (progress && !slowShown && Date.now() - failingSince >= 60_000) {
        slowShown = true;
        if (tty && frameLines > 0) write('\n');
        frameLines = 0;
        write(
          `No answer from ${runId} for a minute (${failureMessage(err)}); its worker is busy or gone. Still following.\n`,
        );
      }
      if (!progress && !noWorkerShown && Date.now() - failingSince >= 4000) {
        noWorkerShown = true;
        if (tty && frameLines > 0) write('\n');
        frameLines = 0;
        write(
          `No progress from ${runId} yet (${failureMessage(err)}); is a worker running? Start one with: r1flow worker\n`,
        );
      }
    }
    await Promise.race([sleep(intervalMs, options.signal), resultPromise]);
  }

  if (!closed) {
    write(`\nStopped following; ${runId} keeps running. Check it with: r1flow status ${runId}\n`);
    return { ok: false, outcome: 'detached', progress };
  }

  // One last query so the table has the final numbers (it needs a worker; the last seen view will do otherwise).
  try {
    progress = await queryProgress(client, runId, 3000);
  } catch {
    // keep the last progress we saw
  }
  const final = closed;
  if (tty && progress) {
    const lines = renderProgress(progress, {
      columns: (out as NodeJS.WriteStream).columns,
      elapsedMs: Date.now() - startedAt,
    });
    write(redrawFrame(frameLines, lines));
  }

  const result = final.ok ? asPipelineResult(final.value) : undefined;
  write('\n');
  if (progress || result) for (const line of stageTable(progress, result)) write(`${line}\n`);
  for (const line of reportLines(progress, result)) write(`${line}\n`);
  if (options.uiLink) write(`Temporal UI: ${options.uiLink}\n`);

  if (!final.ok) {
    const error = failureMessage(final.error);
    const aborted = progress?.status === 'aborted';
    write(
      `Run ${runId} ${aborted ? 'was aborted' : final.error instanceof WorkflowFailedError ? 'failed' : 'did not complete'}: ${error}\n`,
    );
    return { ok: false, outcome: aborted ? 'aborted' : 'failed', progress, error };
  }
  if (progress?.status === 'aborted') {
    write(`Run ${runId} was aborted.\n`);
    return { ok: false, outcome: 'aborted', progress, result };
  }
  write(`Run ${runId} completed.\n`);
  return { ok: true, outcome: 'completed', progress, result };
}

/** Stops following on Ctrl-C (the run goes on); returns the signal and a function that removes the handler. */
export function detachOnInterrupt(): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  const onInt = () => controller.abort();
  process.once('SIGINT', onInt);
  return { signal: controller.signal, dispose: () => process.removeListener('SIGINT', onInt) };
}

export async function runCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: {
      preset: { type: 'string' },
      config: { type: 'string' },
      id: { type: 'string' },
      follow: { type: 'boolean', default: false },
    },
    strict: true,
    allowPositionals: true,
  });
  if (positionals.length > 0)
    fail(
      `unexpected argument ${JSON.stringify(positionals[0])}; usage: r1flow run [--preset P | --config FILE] [--id RUN] [--follow]`,
    );
  const started = rawConfigFromFlags(values);
  const { raw, source } = started;
  const runId =
    values.id !== undefined
      ? checkRunId(values.id, '--id')
      : generateRunId(typeof raw.preset === 'string' ? raw.preset : undefined);

  const cli = await openClient();
  try {
    try {
      await startPipelineRun(cli.client, runId, started);
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError)
        fail(`a run with id ${runId} is already running; pick another --id`);
      throw err;
    }
    const uiLink = runUiLink(cli.connection.temporal, runId);
    console.log(`Started run ${runId} (${source})`);
    if (uiLink) console.log(`Temporal UI: ${uiLink}`);
    if (!values.follow) {
      console.log(`Follow it with: r1flow status ${runId}`);
      return 0;
    }
    const interrupt = detachOnInterrupt();
    try {
      const followed = await followRun(cli.client, runId, { uiLink, signal: interrupt.signal });
      return followed.outcome === 'detached' ? 130 : followed.ok ? 0 : 1;
    } finally {
      interrupt.dispose();
    }
  } finally {
    await cli.close();
  }
}
