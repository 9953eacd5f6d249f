// `r1flow doctor`: the health check a user runs first. Each check either passes or says what to
// do. The last one runs the doctor workflow, which proves the whole path: client → Temporal →
// a worker on each queue → S3 and back.
import { HeadBucketCommand } from '@aws-sdk/client-s3';
import type { Client } from '@temporalio/client';
import { randomUUID } from 'node:crypto';
import { DOCTOR_WORKFLOW, type DoctorWorkflow } from '../contracts/activities';
import { createS3Client } from '../storage/s3-client';
import type { Connection } from './connection';
import { CONTROL_QUEUE, GPU_QUEUE } from '../contracts/queues';
import { searchAttributeTypes } from '../contracts/search-attributes';
import { connectClient } from './temporal-client';

export interface CheckResult {
  name: string;
  ok: boolean;
  detail: string;
  /** what to do when it failed */
  fix?: string;
}

const TASK_QUEUE_TYPE_WORKFLOW = 1;
const TASK_QUEUE_TYPE_ACTIVITY = 2;

async function pollers(client: Client, queue: string, type: number): Promise<number> {
  const r = await client.workflowService.describeTaskQueue({
    namespace: client.options.namespace,
    taskQueue: { name: queue },
    taskQueueType: type,
  });
  return r.pollers?.length ?? 0;
}

/** Pollers show up on the server only after a worker's first long poll, so give them a moment. */
async function waitForPollers(client: Client, queue: string, type: number, waitMs: number): Promise<number> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const n = await pollers(client, queue, type);
    if (n > 0 || Date.now() >= deadline) return n;
    await new Promise((r) => setTimeout(r, 250));
  }
}

export async function runDoctor(
  conn: Connection,
  opts: { workflowTimeoutMs?: number; pollerWaitMs?: number } = {},
): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  const startHint = 'start the embedded stack with `r1flow dev up`, or set R1FLOW_TEMPORAL_ADDRESS to your cluster';

  let client: Client | undefined;
  try {
    client = await connectClient(conn.temporal);
    const info = await client.workflowService.getSystemInfo({});
    results.push({
      name: 'temporal reachable',
      ok: true,
      detail: `${conn.temporal.address} (server ${info.serverVersion ?? 'unknown'})`,
    });
  } catch (err) {
    results.push({
      name: 'temporal reachable',
      ok: false,
      detail: `${conn.temporal.address}: ${(err as Error).message}`,
      fix: startHint,
    });
  }

  if (client) {
    try {
      await client.workflowService.describeNamespace({ namespace: conn.temporal.namespace });
      results.push({ name: 'namespace', ok: true, detail: conn.temporal.namespace });
    } catch (err) {
      results.push({
        name: 'namespace',
        ok: false,
        detail: `${conn.temporal.namespace}: ${(err as Error).message}`,
        fix: `create it: temporal operator namespace create --namespace ${conn.temporal.namespace}`,
      });
    }
    try {
      const r = await client.connection.operatorService.listSearchAttributes({ namespace: conn.temporal.namespace });
      const missing = Object.keys(searchAttributeTypes()).filter((n) => !(n in (r.customAttributes ?? {})));
      results.push(
        missing.length === 0
          ? { name: 'search attributes', ok: true, detail: Object.keys(searchAttributeTypes()).join(', ') }
          : {
              name: 'search attributes',
              ok: false,
              detail: `missing: ${missing.join(', ')}`,
              fix: missing
                .map(
                  (n) =>
                    `temporal operator search-attribute create --namespace ${conn.temporal.namespace} --name ${n} --type ${searchAttributeTypes()[n]}`,
                )
                .join(' && '),
            },
      );
    } catch (err) {
      results.push({ name: 'search attributes', ok: false, detail: (err as Error).message, fix: startHint });
    }
    for (const [queue, type, what] of [
      [CONTROL_QUEUE, TASK_QUEUE_TYPE_WORKFLOW, 'workflow'],
      [CONTROL_QUEUE, TASK_QUEUE_TYPE_ACTIVITY, 'activity'],
      [GPU_QUEUE, TASK_QUEUE_TYPE_ACTIVITY, 'activity'],
    ] as const) {
      try {
        const n = await waitForPollers(client, queue, type, opts.pollerWaitMs ?? 5000);
        results.push(
          n > 0
            ? { name: `worker on ${queue} (${what})`, ok: true, detail: `${n} poller(s)` }
            : {
                name: `worker on ${queue} (${what})`,
                ok: false,
                detail: 'no worker is polling',
                fix: 'start one: `r1flow worker` (polls both queues)',
              },
        );
      } catch (err) {
        results.push({ name: `worker on ${queue} (${what})`, ok: false, detail: (err as Error).message });
      }
    }
  }

  const s3 = createS3Client(conn.s3);
  try {
    await s3.send(new HeadBucketCommand({ Bucket: conn.s3.bucket }));
    results.push({ name: 's3 bucket', ok: true, detail: `${conn.s3.endpoint ?? 'AWS'} bucket ${conn.s3.bucket}` });
  } catch (err) {
    results.push({
      name: 's3 bucket',
      ok: false,
      detail: `${conn.s3.endpoint ?? 'AWS'} bucket ${conn.s3.bucket}: ${(err as Error).name} ${(err as Error).message}`,
      fix: 'start the embedded stack with `r1flow dev up`, or set R1FLOW_S3_ENDPOINT, R1FLOW_S3_BUCKET and the access keys',
    });
  } finally {
    s3.destroy();
  }

  const workersUp = results.filter((r) => r.name.startsWith('worker on')).every((r) => r.ok);
  if (client && workersUp) {
    const probeId = `doctor-${randomUUID()}`;
    try {
      const handle = await client.workflow.start<DoctorWorkflow>(DOCTOR_WORKFLOW, {
        args: [probeId],
        taskQueue: CONTROL_QUEUE,
        workflowId: probeId,
        workflowExecutionTimeout: opts.workflowTimeoutMs ?? 60000,
      });
      const report = await handle.result();
      results.push({
        name: 'doctor workflow (S3 write → read → verify)',
        ok: report.storage.verified,
        detail: report.storage.verified
          ? `${report.storage.bytes} bytes, sha256 ${report.storage.sha256.slice(0, 12)}…, control worker pid ${report.controlWorker.pid}, gpu worker pid ${report.gpuWorker.pid}`
          : `read-back of ${report.storage.key} differed from what was written`,
        fix: report.storage.verified ? undefined : 'check the S3 server: it returned different bytes than were stored',
      });
    } catch (err) {
      results.push({
        name: 'doctor workflow (S3 write → read → verify)',
        ok: false,
        detail: (err as Error).message,
        fix: 'see the worker log; the failing activity is named in the workflow history',
      });
    }
  }
  if (client) await client.connection.close();
  return results;
}
