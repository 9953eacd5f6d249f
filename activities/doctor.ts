// Activities of the doctor workflow: prove that a worker on each queue can do its job.
import { randomBytes } from 'node:crypto';
import type { ArtifactStore } from '../storage/artifact-store';
import { joinKey, validateSegment } from '../storage/keys';

export interface StorageProbe {
  key: string;
  bytes: number;
  sha256: string;
  verified: boolean;
}

export interface WorkerProbe {
  queue: string;
  hostname: string;
  pid: number;
  node: string;
}

export function createDoctorActivities(deps: { store: ArtifactStore; queue: string }) {
  return {
    /** Writes a random object, reads it back verified by sha256, then deletes it. */
    async storageRoundTrip(probeId: string): Promise<StorageProbe> {
      const key = joinKey('doctor', `${validateSegment(probeId, 'probe id')}.bin`);
      const payload = randomBytes(64 * 1024);
      const record = await deps.store.putBytes(key, payload);
      const back = await deps.store.getBytes(key, record);
      await deps.store.delete(key);
      return { key, bytes: back.length, sha256: record.sha256, verified: back.equals(payload) };
    },

    async workerProbe(): Promise<WorkerProbe> {
      const { hostname } = await import('node:os');
      return { queue: deps.queue, hostname: hostname(), pid: process.pid, node: process.version };
    },
  };
}

export type DoctorActivities = ReturnType<typeof createDoctorActivities>;
