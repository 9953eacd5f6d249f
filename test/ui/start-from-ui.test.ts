// The Temporal Web UI as a user sees it, in a real browser against the test stack and a real
// worker: a run started from the Start Workflow form shows up in the list, shows its stage table
// and report link in its details and completes; the list filters by r1flow's search attributes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PIPELINE_WORKFLOW } from '../../cli/run';
import { CONTROL_QUEUE } from '../../contracts/queues';
import { PRESET_KEY, STAGE_KEY } from '../../contracts/search-attributes';
import { STAGE_NAMES } from '../../recipe/config/stage-names';
import {
  inMarkdownFrame,
  markdownFrame,
  screenshot,
  typeJson,
  uiNamespaceUrl,
  useBrowser,
  visibleText,
} from '../helpers/browser';
import { newRunId, usePipelineTestContext } from '../helpers/pipeline';

const ctx = usePipelineTestContext();
const browser = useBrowser();
/** the run the first test starts; the filter test looks for it */
let startedRunId: string | undefined;

test(
  'Start Workflow form: the run is listed, shows its stage table and report link, and completes',
  { timeout: 300_000 },
  async () => {
    const { page } = browser;
    const runId = newRunId('ui-start');
    await page.goto(`${uiNamespaceUrl()}/workflows/start-workflow`);
    await page.getByLabel('Workflow ID').fill(runId);
    await page.getByLabel('Task Queue').fill(CONTROL_QUEUE);
    await page.getByLabel('Workflow Type').fill(PIPELINE_WORKFLOW);
    // the form looks the queue up once it is left: a worker must be polling it
    await visibleText(page, 'Task Queue is Active').waitFor();
    await typeJson(page, 'Data', { preset: 'micro' });
    await screenshot(page, 'start-workflow-form');
    await page.getByRole('button', { name: 'Start Workflow', exact: true }).click();
    await visibleText(page, 'Workflow started successfully').waitFor();
    startedRunId = runId;

    await page.goto(`${uiNamespaceUrl()}/workflows`);
    const row = page.getByRole('link', { name: runId, exact: true });
    await row.waitFor();
    await row.click();
    await page.getByRole('heading', { name: runId }).waitFor();
    await page.getByRole('tab', { name: 'User Metadata' }).click();
    // the pipeline's current details: its one-line summary and the stage table
    await inMarkdownFrame(page, `r1flow run ${runId}`, async (running) => {
      await running.getByText('micro · GPT 1×32 (2 heads, context 96) · seed 1', { exact: true }).waitFor();
      for (const stage of STAGE_NAMES) await running.getByRole('cell', { name: stage, exact: true }).waitFor();
    });

    const result = await ctx.client.workflow.getHandle(runId).result();
    assert.equal(result.runId, runId);
    const done = await markdownFrame(page, `r1flow run ${runId} — done`, { reload: true, timeoutMs: 60_000 });
    await visibleText(page, 'Completed').waitFor();
    await screenshot(page, 'run-details', { readme: true });

    // the report is one click away: a presigned link that any browser opens as it is
    const link = done.getByRole('link', { name: 'open report.html' });
    const href = await link.getAttribute('href');
    assert.ok(href, 'the details link to the report');
    assert.match(href, /report\.html\?.*X-Amz-Signature=/);
    const reportPage = await page.context().newPage();
    const response = await reportPage.goto(href);
    assert.equal(response?.status(), 200);
    assert.match(await reportPage.content(), new RegExp(runId));
    await screenshot(reportPage, 'report');
    await reportPage.close();
    // and the exported model has its slot
    await done.getByText('Exported model').waitFor();

    await page.getByRole('tab', { name: 'Timeline' }).click();
    const timeline = page.getByRole('heading', { name: 'Timeline', exact: true });
    await timeline.waitFor();
    await timeline.evaluate((e) => e.scrollIntoView());
    await screenshot(page, 'run-timeline', { readme: true });
    // the timeline stays short because the history does: no signals, a few events per stage
    const events = (await ctx.client.workflow.getHandle(runId).fetchHistory()).events ?? [];
    assert.equal(events.filter((e) => e.workflowExecutionSignaledEventAttributes).length, 0, 'no signals');
    assert.ok(
      events.length <= 20 * STAGE_NAMES.length,
      `${events.length} events for ${STAGE_NAMES.length} stages: more than 20 per stage`,
    );
  },
);

test('the run list filters by R1flowStage and R1flowPreset', { timeout: 120_000 }, async () => {
  assert.ok(startedRunId, 'the first test started a run');
  const { page } = browser;
  await page.goto(`${uiNamespaceUrl()}/workflows`);
  for (const [key, value] of [
    [STAGE_KEY.name, 'done'],
    [PRESET_KEY.name, 'micro'],
  ]) {
    await page.getByRole('button', { name: 'Add Filter' }).click();
    await page.getByRole('menuitem', { name: new RegExp(`^${key}`) }).click();
    await page.getByPlaceholder('Enter value...').fill(value);
    await page.getByRole('button', { name: 'Apply' }).click();
    await visibleText(page, `${key} = "${value}"`).waitFor();
  }
  await page.getByRole('link', { name: startedRunId, exact: true }).waitFor();
  // stage workflows carry no r1flow search attributes: only pipelines are left
  assert.equal(await page.getByRole('link', { name: `${startedRunId}/r1Zero` }).count(), 0);
  assert.equal(await page.getByRole('link', { name: 'grpoStageWorkflow' }).count(), 0);
  await screenshot(page, 'run-list-filtered', { readme: true });
  // a value that no run has finds nothing
  await page.goto(`${uiNamespaceUrl()}/workflows?query=${encodeURIComponent(`${STAGE_KEY.name} = "no-such-stage"`)}`);
  await visibleText(page, /No Workflows/).waitFor();
});
