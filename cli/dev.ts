// r1flow dev up|down|status
import { parseArgs } from 'node:util';
import { devDown, devStatus, devUp } from '../infra/stack';
import { s3Endpoint, temporalAddress, uiUrl, type StackSettings } from '../infra/stack-settings';
import { fail } from './output';
import { cacheMaxBytesFromEnv } from '../activities/checkpoint-cache';
import { formatBytes, stateUsage } from '../infra/disk-usage';
import { stateDir } from '../infra/paths';

const PORT_FLAGS: Record<string, keyof StackSettings> = {
  'temporal-port': 'temporalPort',
  'ui-port': 'temporalUiPort',
  's3-port': 's3Port',
  'seaweed-master-port': 'seaweedMasterPort',
  'seaweed-volume-port': 'seaweedVolumePort',
  'seaweed-filer-port': 'seaweedFilerPort',
};

export function parseStackFlags(args: string[]): Partial<StackSettings> {
  const { values } = parseArgs({
    args,
    options: Object.fromEntries(
      [...Object.keys(PORT_FLAGS), 'host', 'bucket'].map((k) => [k, { type: 'string' as const }]),
    ),
    strict: true,
  });
  const settings: Record<string, unknown> = {};
  for (const [flag, value] of Object.entries(values)) {
    if (value === undefined) continue;
    const key = PORT_FLAGS[flag];
    if (key) {
      const port = Number(value);
      if (!Number.isInteger(port) || port < 1 || port > 65535)
        fail(`--${flag} must be a port number (1-65535), got ${JSON.stringify(value)}`);
      settings[key] = port;
    } else {
      settings[flag] = value;
    }
  }
  return settings as Partial<StackSettings>;
}

export function printStackInfo(s: StackSettings): void {
  console.log(`Temporal:    ${temporalAddress(s)} (namespace ${s.namespace})`);
  console.log(`Temporal UI: ${uiUrl(s)}`);
  console.log(`S3 endpoint: ${s3Endpoint(s)} (bucket ${s.bucket})`);
}

function printDiskUsage(): void {
  const parts = stateUsage(stateDir());
  const cap = cacheMaxBytesFromEnv();
  console.log(`\nDisk (${stateDir()}), ${formatBytes(parts.reduce((t, p) => t + p.bytes, 0))} in all:`);
  for (const p of parts) {
    const note = p.what === 'checkpoint cache' ? ` (cap ${formatBytes(cap)}, R1FLOW_CACHE_MAX_GB)` : '';
    console.log(`  ${p.what.padEnd(20)} ${formatBytes(p.bytes).padStart(8)}${note}`);
  }
  console.log('Free the cache and leftovers with: r1flow gc');
}

export async function devCommand(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  switch (sub) {
    case 'up': {
      const r = await devUp(parseStackFlags(rest), (m) => console.log(m));
      console.log(
        r.alreadyRunning
          ? 'The embedded stack is already running and healthy.'
          : r.started.length === 1
            ? `Started ${r.started[0]} again (it was not running); the embedded stack is up and healthy.`
            : 'The embedded stack is up and healthy.',
      );
      printStackInfo(r.settings);
      console.log('Stop it with: r1flow dev down');
      return 0;
    }
    case 'down': {
      const stopped = await devDown();
      if (stopped.length === 0) console.log('Nothing to stop: no embedded stack was started from this folder.');
      for (const p of stopped) console.log(`${p.name} (pid ${p.pid}): ${p.result}`);
      return 0;
    }
    case 'status': {
      const s = devStatus();
      if (!s.record) console.log('The embedded stack is not running (start it with: r1flow dev up).');
      else {
        for (const p of s.processes) console.log(`${p.name} (pid ${p.pid}): ${p.alive ? 'running' : 'not running'}`);
        printStackInfo(s.record.settings);
      }
      printDiskUsage();
      return s.running ? 0 : 1;
    }
    default:
      fail(`unknown dev command ${JSON.stringify(sub ?? '')}; use: r1flow dev up|down|status`);
  }
}
