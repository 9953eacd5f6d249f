// Replays the recorded histories of finished micro runs against today's workflow code: a change
// that makes the workflows non-deterministic fails here before it breaks running pipelines.
// histories/current is the latest recording; each other folder holds a recording of older
// workflow code that a run started before an upgrade may still be executing (three-calls-per-step:
// GRPO steps as rollouts, score and update, before grpoStep).
// Re-record after an intended change: R1FLOW_RECORD_HISTORIES=1 npm test -- test/integration/pipeline-micro.test.ts
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { Worker } from '@temporalio/worker';
import { projectRoot } from '../../../infra/paths';

const root = join(projectRoot, 'test', 'fixtures', 'histories');

for (const folder of readdirSync(root).sort()) {
  test(`recorded micro-run histories (${folder}) replay without non-determinism`, { timeout: 120_000 }, async () => {
    const dir = join(root, folder);
    const files = readdirSync(dir)
      .filter((f) => f.endsWith('.json'))
      .sort();
    const types = files.map((f) => f.replace(/^\d+-|\.json$/g, ''));
    for (const t of ['r1Pipeline', 'pretrainStageWorkflow', 'grpoStageWorkflow', 'sftStageWorkflow'])
      assert.ok(types.includes(t), `a ${t} history is recorded`);
    async function* histories() {
      for (const f of files) {
        const { workflowId, history } = JSON.parse(readFileSync(join(dir, f), 'utf8')) as {
          workflowId: string;
          history: unknown;
        };
        yield { workflowId, history };
      }
    }
    let replayed = 0;
    for await (const result of Worker.runReplayHistories(
      { workflowsPath: join(projectRoot, 'workflows', 'index.ts') },
      histories(),
    )) {
      assert.equal(result.error, undefined, `${result.workflowId}: ${result.error?.message}`);
      replayed++;
    }
    assert.equal(replayed, files.length);
  });
}
