// r1flow resume RUN [--patch FILE]: lets a run that waits after a failed stage retry it,
// optionally with a config patch merged over the run's config. The workflow validates the patch
// and refuses a bad one with a message, which is printed as is.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { WorkflowNotFoundError, WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import type { r1Pipeline } from '../workflows/pipeline';
import { ConfigError, parseConfigText, PipelineConfigSchema } from '../recipe/config';
import { resumeUpdate, type ResumeRequest } from '../contracts/messages';
import { fail } from './output';
import { failureMessage, openClient } from './run';

/**
 * Reads a JSON or YAML config patch: it must be an object whose top-level keys are config keys
 * (the deeper checks need the run's config, so the workflow does them).
 */
export function readPatch(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError([`cannot read patch file: ${(err as Error).message}`], file);
  }
  return parsePatch(text, file);
}

export function parsePatch(text: string, source: string): Record<string, unknown> {
  const patch = parseConfigText(text, source);
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) {
    throw new ConfigError(
      ['(root): a patch must be an object of config keys, like {"stages":{"r1Zero":{"grpo":{"steps":10}}}}'],
      source,
    );
  }
  const known = Object.keys(PipelineConfigSchema.shape);
  const unknown = Object.keys(patch).filter((k) => !known.includes(k));
  if (unknown.length > 0)
    throw new ConfigError(
      unknown.map((k) => `${k}: unknown key (config keys: ${known.join(', ')})`),
      source,
    );
  if (Object.keys(patch).length === 0)
    throw new ConfigError(['(root): the patch is empty; leave out --patch to resume without changes'], source);
  return patch as Record<string, unknown>;
}

/**
 * Sends an update to a run and turns its refusal into a printed message and exit code 1; a run
 * that does not exist is a usage error.
 */
export async function sendRunUpdate(
  runId: string,
  send: (handle: WorkflowHandle<typeof r1Pipeline>) => Promise<string>,
): Promise<number> {
  const cli = await openClient();
  try {
    console.log(await send(cli.client.workflow.getHandle<typeof r1Pipeline>(runId)));
    return 0;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError)
      fail(`no run ${JSON.stringify(runId)} in this namespace (see: r1flow list)`);
    if (err instanceof WorkflowUpdateFailedError) {
      console.error(`r1flow: ${runId} refused: ${failureMessage(err.cause ?? err)}`);
      return 1;
    }
    throw err;
  } finally {
    await cli.close();
  }
}

export async function resumeCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: { patch: { type: 'string' } },
    strict: true,
    allowPositionals: true,
  });
  const [runId, extra] = positionals;
  if (!runId || extra !== undefined) fail('usage: r1flow resume RUN [--patch FILE]');
  const request: ResumeRequest = values.patch !== undefined ? { patch: readPatch(values.patch) } : {};
  return sendRunUpdate(runId, (handle) => handle.executeUpdate(resumeUpdate, { args: [request] }));
}
