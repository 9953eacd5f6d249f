// A schedule firing every 20 s for 5 minutes with overlap `skip`, on micro runs of one lineage,
// served by one worker process: every run that started completes, no two overlap, and the
// worker's resident memory after the last run is within 20 % of what it was after the first.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { ScheduleOverlapPolicy, type WorkflowExecutionInfo } from '@temporalio/client';
import { CONTROL_QUEUE } from '../../contracts/queues';
import { r1Pipeline } from '../../workflows/pipeline';
import { FAST_FAILURE, newRunId, testClient } from '../helpers/pipeline';
import { spawnWorker } from '../helpers/worker-process';

const SOAK_MS = 5 * 60_000;
const EVERY_MS = 20_000;

function rssBytes(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!m) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(m[1]) * 1024;
}

test(
  'five minutes of scheduled runs: all complete, none overlaps, memory stays flat',
  { timeout: 900_000 },
  async () => {
    const client = await testClient();
    const worker = spawnWorker();
    const name = newRunId('soak');
    const runs = new Map<string, WorkflowExecutionInfo>();
    const rssAfter: number[] = [];
    const list = async () => {
      for await (const w of client.workflow.list({ query: `WorkflowId STARTS_WITH '${name}'` })) {
        if (w.type !== r1Pipeline.name) continue;
        const known = runs.get(w.runId);
        runs.set(w.runId, w);
        if (w.closeTime && !known?.closeTime) rssAfter.push(rssBytes(worker.pid!));
      }
    };
    try {
      await client.schedule.create({
        scheduleId: name,
        spec: { intervals: [{ every: EVERY_MS }] },
        action: {
          type: 'startWorkflow',
          workflowType: r1Pipeline,
          taskQueue: CONTROL_QUEUE,
          args: [{ preset: 'micro', lineage: name, ...FAST_FAILURE }],
          workflowId: name,
        },
        policies: { overlap: ScheduleOverlapPolicy.SKIP },
      });
      const started = Date.now();
      while (Date.now() - started < SOAK_MS) {
        await list();
        await new Promise((r) => setTimeout(r, 1000));
      }
      const description = await client.schedule.getHandle(name).describe();
      await client.schedule.getHandle(name).delete();
      // the schedule may have started a run after the loop's last listing: list once more, then
      // wait for every run that may still be going (visibility can trail a start by a moment)
      await new Promise((r) => setTimeout(r, 2000));
      await list();
      for (const w of [...runs.values()].filter((r) => !r.closeTime))
        await client.workflow.getHandle(w.workflowId, w.runId).result();
      await list();

      const all = [...runs.values()].sort((a, b) => a.startTime.getTime() - b.startTime.getTime());
      console.log(
        `${all.length} runs started, ${description.info.numActionsSkippedOverlap} skipped for overlap; worker RSS after each: ${rssAfter.map((b) => Math.round(b / 2 ** 20)).join(', ')} MiB`,
      );
      assert.ok(all.length >= 10, `the schedule started runs every 20 s (${all.length})`);
      assert.deepEqual(
        all.map((r) => r.status.name),
        all.map(() => 'COMPLETED'),
        'every started run completed',
      );
      for (let i = 1; i < all.length; i++)
        assert.ok(
          all[i]!.startTime.getTime() >= all[i - 1]!.closeTime!.getTime(),
          `${all[i]!.workflowId} started before ${all[i - 1]!.workflowId} closed`,
        );
      const first = rssAfter[0]!;
      const last = rssAfter.at(-1)!;
      assert.ok(
        last <= first * 1.2,
        `worker RSS ${Math.round(last / 2 ** 20)} MiB after the last run, ${Math.round(first / 2 ** 20)} MiB after the first`,
      );
    } finally {
      await client.schedule
        .getHandle(name)
        .delete()
        .catch(() => {});
      await client.connection.close();
    }
  },
);
