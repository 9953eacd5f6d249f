// The record `dev up` leaves in the state folder: which processes it started and with which
// settings. `dev down` stops exactly these pids, and clients read the ports from it.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { stateDir } from './paths';
import { StackSettingsSchema } from './stack-settings';

export const StackRecordSchema = z.object({
  settings: StackSettingsSchema,
  startedAt: z.string(),
  processes: z.array(
    z.object({
      name: z.enum(['temporal', 'seaweedfs']),
      pid: z.number().int(),
      binary: z.string(),
      log: z.string(),
    }),
  ),
});

export type StackRecord = z.infer<typeof StackRecordSchema>;

export function stackRecordPath(): string {
  return join(stateDir(), 'stack.json');
}

export function readStackRecord(): StackRecord | undefined {
  const path = stackRecordPath();
  if (!existsSync(path)) return undefined;
  const parsed = StackRecordSchema.safeParse(JSON.parse(readFileSync(path, 'utf8')));
  if (!parsed.success)
    throw new Error(
      `${path} is not a valid stack record (${parsed.error.issues[0]?.message}); stop the processes it names by hand and delete it`,
    );
  return parsed.data;
}

export function writeStackRecord(record: StackRecord): void {
  mkdirSync(stateDir(), { recursive: true });
  writeFileSync(stackRecordPath(), JSON.stringify(record, null, 2));
}

export function removeStackRecord(): void {
  rmSync(stackRecordPath(), { force: true });
}
