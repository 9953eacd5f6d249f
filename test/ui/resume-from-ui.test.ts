// A stage that fails on a bad dataset line, as a UI user meets it: the run (started as the CLI
// starts runs, with its static summary and details) shows as waiting with the error, and the
// `resume` update sent from the UI's Send Update form with a patch completes it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { progressQuery } from '../../contracts/messages';
import { STAGE_KEY } from '../../contracts/search-attributes';
import { markdownFrame, screenshot, typeJson, uiNamespaceUrl, useBrowser, workflowPageUrl } from '../helpers/browser';
import {
  FAST_FAILURE,
  newRunId,
  ONLY_TWO_STAGES,
  putDatasetWithBadLine,
  startPipeline,
  usePipelineTestContext,
  waitForProgress,
} from '../helpers/pipeline';

const ctx = usePipelineTestContext();
const browser = useBrowser();

test(
  'a failed stage waits in the UI with its error; resume from the Send Update form completes the run',
  { timeout: 300_000 },
  async () => {
    const { page } = browser;
    const runId = newRunId('ui-resume');
    const dataset = await putDatasetWithBadLine(ctx.store, runId);
    const handle = await startPipeline(ctx.client, runId, {
      preset: 'micro',
      ...FAST_FAILURE,
      ...ONLY_TWO_STAGES,
      data: { reasoning: { ...dataset, onBadLine: 'fail' } },
    });
    await waitForProgress(handle, (p) => p.status === 'waiting-for-resume');

    // the list finds the waiting run by its stage
    await page.goto(
      `${uiNamespaceUrl()}/workflows?query=${encodeURIComponent(`${STAGE_KEY.name} = "pretrain:waiting"`)}`,
    );
    await page.getByRole('link', { name: runId, exact: true }).waitFor();

    await page.goto(workflowPageUrl(runId));
    await page.getByRole('heading', { name: runId }).waitFor();
    await page.getByRole('tab', { name: 'User Metadata' }).click();
    // started as the CLI starts runs: the static summary and the config table
    await markdownFrame(page, 'micro · GPT 1×32 (2 heads, context 96) · seed 1');
    const config = await markdownFrame(page, 'Config');
    await config.getByRole('cell', { name: 'reasoning data', exact: true }).waitFor();
    // the current details: waiting, with the error and what to do
    const waiting = await markdownFrame(page, `r1flow run ${runId} — waiting-for-resume`);
    await waiting.getByText(/line 3: invalid JSON/).waitFor();
    await waiting.getByText(/send the resume update from this page/).waitFor();
    await screenshot(page, 'run-waiting', { readme: true });

    await page.getByRole('button', { name: 'More Actions' }).click();
    await page.getByRole('menuitem', { name: 'Send an Update' }).click();
    const dialog = page.getByRole('dialog').filter({ hasText: 'Send an Update' });
    await dialog.getByRole('button', { name: 'Select an Update' }).click();
    await page.getByRole('option', { name: 'resume', exact: true }).click();
    await typeJson(page, 'Data', { patch: { data: { reasoning: { onBadLine: 'skip' } } } });
    await screenshot(page, 'send-update-resume');
    await dialog.getByRole('button', { name: 'Submit' }).click();
    await dialog.waitFor({ state: 'hidden' });

    const result = await handle.result();
    assert.equal(result.stages.r1Zero?.checkpoint.step, 3);
    const progress = await handle.query(progressQuery);
    assert.equal(progress.status, 'done');
    await markdownFrame(page, `r1flow run ${runId} — done`, { reload: true, timeoutMs: 60_000 });
    await screenshot(page, 'run-resumed-done');

    // the stage workflow names its stage and step range: its first run in the static summary, a
    // run it continued as new into (which has no summary of its own) in its current details
    const runsOfStage: Array<{ runId: string; start: number }> = [];
    for await (const w of ctx.client.workflow.list({ query: `WorkflowId = "${runId}/r1Zero"` }))
      runsOfStage.push({ runId: w.runId, start: w.startTime.getTime() });
    runsOfStage.sort((a, b) => a.start - b.start);
    assert.ok(runsOfStage.length >= 2, 'r1Zero continued as new after its first iterations');
    await page.goto(`${workflowPageUrl(`${runId}/r1Zero`)}/${runsOfStage[0]!.runId}/user-metadata`);
    await markdownFrame(page, `r1Zero of run ${runId} · steps 1–3 of 3`);
    await page.goto(`${workflowPageUrl(`${runId}/r1Zero`)}/${runsOfStage.at(-1)!.runId}/user-metadata`);
    await markdownFrame(page, `r1Zero of run ${runId} — steps 3–3 of 3`);
  },
);
