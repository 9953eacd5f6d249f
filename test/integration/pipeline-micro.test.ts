// The micro preset through every stage on the real stack: real Temporal, real S3, real engine.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { execFileSync } from 'node:child_process';
import { findTool } from '../../infra/tools';
import { projectRoot } from '../../infra/paths';
import { STAGE_NAMES } from '../../recipe/config';
import { readManifest, type RunManifest } from '../../storage/manifest';
import { progressQuery } from '../../contracts/messages';
import { FAST_FAILURE, newRunId, startPipeline, usePipelineTestContext } from '../helpers/pipeline';
import { testConnection } from '../helpers/services';

const ctx = usePipelineTestContext();

test(
  'micro preset: every stage runs and leaves verified checkpoints and a manifest in S3',
  { timeout: 600_000 },
  async () => {
    const runId = newRunId('micro');
    const handle = await startPipeline(ctx.client, runId, { preset: 'micro', ...FAST_FAILURE });
    const result = await handle.result();
    assert.equal(result.runId, runId);
    assert.deepEqual(Object.keys(result.stages).sort(), [...STAGE_NAMES].sort());

    const manifest = await readManifest(ctx.store, runId);
    assert.ok(manifest, 'the run has a manifest');
    for (const stage of STAGE_NAMES) {
      const ref = result.stages[stage]!.checkpoint;
      assert.equal(manifest.stages[stage]?.status, 'done', `${stage} recorded as done`);
      assert.equal(manifest.stages[stage]?.checkpoint?.sha256, ref.sha256);
      // the base model may come from the pretraining cache (an earlier run with the same settings)
      const owner = /^runs\/([^/]+)\//.exec(ref.key)?.[1];
      if (stage !== 'pretrain') assert.equal(owner, runId, `${stage} checkpoint belongs to this run`);
      assert.ok(ref.key.startsWith(`runs/${owner}/${stage}/ckpt/`), ref.key);
      assert.ok(typeof result.stages[stage]!.eval?.formatRate === 'number', `${stage} was evaluated`);
      // every object of the checkpoint is listed with its sha256 in its run's manifest and reads back verified
      const ownerManifest: RunManifest | undefined = owner === runId ? manifest : await readManifest(ctx.store, owner!);
      const objects: Array<[string, RunManifest['objects'][string]]> = Object.entries(ownerManifest!.objects).filter(
        ([k]) => k.startsWith(ref.key),
      );
      assert.ok(objects.length >= 4, `${stage} checkpoint has its files`);
      for (const [key, entry] of objects) {
        const bytes = await ctx.store.getBytes(key, entry);
        assert.equal(createHash('sha256').update(bytes).digest('hex'), entry.sha256);
      }
    }
    const grpoSteps = result.stages.finalRl!.checkpoint.step;
    assert.equal(grpoSteps, 2, 'finalRl ran its configured steps');
    assert.ok(result.reportUri?.endsWith('report/report.json'));
    const report = JSON.parse(
      (
        await ctx.store.getBytes(
          `runs/${runId}/report/report.json`,
          manifest.objects[`runs/${runId}/report/report.json`],
        )
      ).toString(),
    );
    assert.equal(report.runId, runId);
    assert.ok(report.baseEval, 'the base model was evaluated');

    const progress = await handle.query(progressQuery);
    assert.equal(progress.status, 'done');
    assert.ok(progress.stages.every((s) => s.status === 'done'));

    // r1Zero has 3 steps and the micro preset continues as new every 2 iterations
    assert.equal(result.stages.r1Zero!.checkpoint.step, 3);
    const r1ZeroRuns: string[] = [];
    for await (const w of ctx.client.workflow.list({ query: `WorkflowId = '${runId}/r1Zero'` }))
      r1ZeroRuns.push(w.status.name);
    assert.deepEqual(r1ZeroRuns.sort(), ['COMPLETED', 'CONTINUED_AS_NEW']);

    if (process.env.R1FLOW_RECORD_HISTORIES === '1') await recordHistories(runId);
  },
);

/**
 * Saves every execution's history of the run as replay fixtures (see test/unit/workflows/replay.test.ts)
 * in histories/current; the other folders there keep histories of older workflow code.
 */
async function recordHistories(runId: string): Promise<void> {
  const dir = join(projectRoot, 'test', 'fixtures', 'histories', 'current');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  let n = 0;
  for await (const w of ctx.client.workflow.list({ query: `WorkflowId STARTS_WITH '${runId}'` })) {
    // the Temporal CLI writes the standard JSON history format that historyFromJSON reads
    const json = execFileSync(
      findTool('temporal')!.path,
      [
        'workflow',
        'show',
        '--address',
        testConnection().temporal.address,
        '--workflow-id',
        w.workflowId,
        '--run-id',
        w.runId,
        '--output',
        'json',
      ],
      { maxBuffer: 64 * 1024 * 1024 },
    ).toString();
    const name = `${String(++n).padStart(2, '0')}-${w.type}.json`;
    writeFileSync(join(dir, name), JSON.stringify({ workflowId: w.workflowId, history: JSON.parse(json) }));
  }
}
