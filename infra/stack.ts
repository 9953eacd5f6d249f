// `r1flow dev up|down|status`: the embedded stack (Temporal dev server + SeaweedFS with S3),
// installed and run by the project itself. Everything it starts is recorded in the state folder
// so `down` stops exactly that and nothing else.
import { CreateBucketCommand, HeadBucketCommand, ListBucketsCommand } from '@aws-sdk/client-s3';
import { Connection as TemporalConnection } from '@temporalio/client';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { connectionFromStack } from './connection';
import { stateDir } from './paths';
import { checkPortFree, GaveUpError, isOurProcess, startDaemon, stopProcess, waitFor } from './processes';
import { searchAttributeTypes } from '../contracts/search-attributes';
import { readStackRecord, removeStackRecord, writeStackRecord, type StackRecord } from './stack-record';
import {
  s3Endpoint,
  stackPorts,
  StackSettingsSchema,
  temporalAddress,
  uiUrl,
  type StackService,
  type StackSettings,
} from './stack-settings';
import { ensureTools } from './tools';
import { createS3Client } from '../storage/s3-client';

export interface StackStatus {
  running: boolean;
  record?: StackRecord;
  processes: Array<{ name: string; pid: number; alive: boolean }>;
}

export function devStatus(): StackStatus {
  const record = readStackRecord();
  if (!record) return { running: false, processes: [] };
  const processes = record.processes.map((p) => ({ name: p.name, pid: p.pid, alive: isOurProcess(p.pid, p.binary) }));
  return { running: processes.length > 0 && processes.every((p) => p.alive), record, processes };
}

/**
 * Dynamic config of the embedded Temporal server. The dev server has a single history shard, so
 * every task of every workflow passes through one shard's queues, whose readers are limited to
 * 20 polls a second by default: under a steady stream of tasks each one then waits 20–45 ms to
 * be loaded (measured here: a no-op activity on another task queue took 101 ms per round trip,
 * 14 ms with the limit lifted). The second key is the minimum time between two runs of one
 * workflow id; a run shorter than it makes the next continue-as-new run wait the difference
 * (~1 s per continue-as-new of a short GRPO chunk). A production cluster has many shards and
 * longer runs; set these there only if the same waits show up.
 */
export const DEV_SERVER_DYNAMIC_CONFIG: Array<[string, string]> = [
  ['history.transferProcessorMaxPollRPS', '10000'],
  ['history.timerProcessorMaxPollRPS', '10000'],
  ['history.visibilityProcessorMaxPollRPS', '10000'],
  ['history.workflowIdReuseMinimalInterval', '"0s"'],
]; // values are JSON, as `--dynamic-config-value KEY=VALUE` wants them

function seaweedS3Config(s: StackSettings): string {
  return JSON.stringify(
    {
      identities: [
        {
          name: 'r1flow',
          credentials: [{ accessKey: s.accessKeyId, secretKey: s.secretAccessKey }],
          actions: ['Admin', 'Read', 'Write', 'List', 'Tagging'],
        },
        {
          name: 'r1flow-links',
          credentials: [{ accessKey: s.linkAccessKeyId, secretKey: s.linkSecretAccessKey }],
          actions: [`Read:${s.bucket}`],
        },
      ],
    },
    null,
    2,
  );
}

function tail(path: string, lines = 15): string {
  if (!existsSync(path)) return '';
  return readFileSync(path, 'utf8').split('\n').slice(-lines).join('\n');
}

/** True once Temporal answers and knows r1flow's search attributes. */
export async function temporalHealthy(s: StackSettings): Promise<boolean> {
  const connection = await TemporalConnection.connect({ address: temporalAddress(s), connectTimeout: 2000 });
  try {
    const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace: s.namespace });
    return Object.keys(searchAttributeTypes()).every((name) => name in (customAttributes ?? {}));
  } finally {
    await connection.close();
  }
}

async function s3HealthyWithBucket(s: StackSettings): Promise<boolean> {
  const client = createS3Client(connectionFromStack(s).s3);
  try {
    await client.send(new ListBucketsCommand({}));
    try {
      await client.send(new HeadBucketCommand({ Bucket: s.bucket }));
    } catch {
      await client.send(new CreateBucketCommand({ Bucket: s.bucket }));
    }
    return true;
  } finally {
    client.destroy();
  }
}

export interface DevUpResult {
  alreadyRunning: boolean;
  /** services started by this call: both on a fresh start, only the dead one when one had died */
  started: StackService[];
  settings: StackSettings;
  uiUrl: string;
  temporalAddress: string;
  s3Endpoint: string;
}

function result(s: StackSettings, started: StackService[]): DevUpResult {
  return {
    alreadyRunning: started.length === 0,
    started,
    settings: s,
    uiUrl: uiUrl(s),
    temporalAddress: temporalAddress(s),
    s3Endpoint: s3Endpoint(s),
  };
}

/**
 * `temporal server start-dev` arguments for the stack's settings, on a SQLite file, with extra
 * dynamic config values (JSON values, e.g. `['limit.historyCount.error', '400']`) after ours.
 */
export function temporalServerArgs(
  s: StackSettings,
  dbFile: string,
  extraDynamicConfig: Array<[string, string]> = [],
): string[] {
  return [
    'server',
    'start-dev',
    '--db-filename',
    dbFile,
    '--ip',
    s.host,
    '--port',
    String(s.temporalPort),
    '--ui-port',
    String(s.temporalUiPort),
    '--namespace',
    s.namespace,
    '--log-level',
    'warn',
    '--ui-disable-news-fetch',
    // WAL with synchronous=NORMAL survives a crash of any process (not a power cut) and cuts the
    // per-event fsync that otherwise dominates a small pipeline's round trips
    '--sqlite-pragma',
    'journal_mode=wal',
    '--sqlite-pragma',
    'synchronous=normal',
    ...[...DEV_SERVER_DYNAMIC_CONFIG, ...extraDynamicConfig].flatMap(([key, value]) => [
      '--dynamic-config-value',
      `${key}=${value}`,
    ]),
    ...Object.entries(searchAttributeTypes()).flatMap(([name, type]) => ['--search-attribute', `${name}=${type}`]),
  ];
}

/** The command line of one service. Temporal keeps its SQLite file and SeaweedFS its data folder across restarts. */
function serviceCommand(service: StackService, s: StackSettings, dir: string): string[] {
  if (service === 'temporal') return temporalServerArgs(s, join(dir, 'temporal.sqlite'));
  const dataDir = join(dir, 'seaweedfs');
  mkdirSync(dataDir, { recursive: true });
  const s3ConfigPath = join(dir, 'seaweedfs-s3.json');
  writeFileSync(s3ConfigPath, seaweedS3Config(s), { mode: 0o600 });
  return [
    'server',
    `-ip=${s.host}`,
    `-ip.bind=${s.host}`,
    `-dir=${dataDir}`,
    `-master.port=${s.seaweedMasterPort}`,
    '-master.volumeSizeLimitMB=256',
    `-volume.port=${s.seaweedVolumePort}`,
    '-volume.max=0',
    '-filer',
    `-filer.port=${s.seaweedFilerPort}`,
    '-s3',
    `-s3.port=${s.s3Port}`,
    `-s3.config=${s3ConfigPath}`,
    '-s3.port.iceberg=0',
    '-s3.port.lance=0',
  ];
}

const SERVICES: readonly StackService[] = ['temporal', 'seaweedfs'];
const SERVICE_LOG: Record<StackService, string> = { temporal: 'temporal.log', seaweedfs: 'seaweedfs.log' };
const SERVICE_TOOL: Record<StackService, 'temporal' | 'weed'> = { temporal: 'temporal', seaweedfs: 'weed' };

async function waitHealthy(
  service: StackService,
  s: StackSettings,
  timeoutMs: number,
  proc?: { pid: number; binary: string },
): Promise<void> {
  const log = join(stateDir(), SERVICE_LOG[service]);
  const what = service === 'temporal' ? 'Temporal' : 'SeaweedFS S3';
  await waitFor(
    what,
    async () => {
      if (proc && !isOurProcess(proc.pid, proc.binary)) throw new GaveUpError(`${service} exited:\n${tail(log)}`);
      return service === 'temporal' ? temporalHealthy(s) : s3HealthyWithBucket(s);
    },
    timeoutMs,
    () => `see ${log}`,
  );
}

/**
 * Starts the embedded stack, or whatever part of it is not running: a service that died (killed,
 * crashed) is started again on its own state — Temporal on the same SQLite file, SeaweedFS on the
 * same data folder — and the one still running is left alone.
 */
export async function devUp(
  input: Partial<StackSettings> = {},
  log: (msg: string) => void = () => {},
): Promise<DevUpResult> {
  const status = devStatus();
  const recorded = status.record;
  const alive = new Set(status.processes.filter((p) => p.alive).map((p) => p.name));
  if (recorded && alive.size === 0) {
    // nothing of an earlier stack is left: clean up its record and start afresh below
    await devDown();
  }
  const s = recorded && alive.size > 0 ? recorded.settings : StackSettingsSchema.parse(input);
  const services = SERVICES.filter((name) => !alive.has(name));
  if (services.length === 0) {
    await waitHealthy('temporal', s, 30000);
    await waitHealthy('seaweedfs', s, 30000);
    return result(s, []);
  }
  for (const { port, what, flag, service } of stackPorts(s)) {
    if (!services.includes(service)) continue;
    if (!(await checkPortFree(s.host, port))) {
      throw new Error(
        `port ${port} (${what}) on ${s.host} is already in use by another process; stop it or choose another port with ${flag}`,
      );
    }
  }
  const tools = ensureTools(log);
  const dir = stateDir();
  mkdirSync(dir, { recursive: true });
  const started = services.map((service) => {
    const binary = tools[SERVICE_TOOL[service]].path;
    const logFile = join(dir, SERVICE_LOG[service]);
    const proc = startDaemon(binary, serviceCommand(service, s, dir), logFile, dir);
    return { name: service, pid: proc.pid, binary, log: logFile };
  });
  const kept = (recorded?.processes ?? []).filter((p) => alive.has(p.name));
  writeStackRecord({
    settings: s,
    startedAt: recorded && kept.length > 0 ? recorded.startedAt : new Date().toISOString(),
    processes: [...kept, ...started].sort((a, b) => SERVICES.indexOf(a.name) - SERVICES.indexOf(b.name)),
  });
  log(
    `started ${started.map((p) => `${p.name} (pid ${p.pid})`).join(' and ')}${kept.length > 0 ? `; ${kept.map((p) => p.name).join(', ')} kept running` : ''}; waiting until healthy`,
  );
  try {
    for (const service of SERVICES)
      await waitHealthy(
        service,
        s,
        90000,
        started.find((p) => p.name === service),
      );
  } catch (err) {
    if (kept.length === 0) await devDown();
    throw err;
  }
  return result(s, services);
}

export async function devDown(): Promise<Array<{ name: string; pid: number; result: 'stopped' | 'not-running' }>> {
  const record = readStackRecord();
  if (!record) return [];
  const results = [];
  for (const p of record.processes) {
    results.push({ name: p.name, pid: p.pid, result: await stopProcess(p.pid, p.binary) });
  }
  removeStackRecord();
  return results;
}
