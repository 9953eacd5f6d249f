// Activities of the doctor workflow: prove that a worker on each queue can do its job.
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { DoctorActivities, StorageProbe, WorkerProbe } from '../contracts/activities';
import type { ArtifactStore } from '../storage/artifact-store';
import { globalKeys } from '../storage/layout';

export function createDoctorActivities(deps: { store: ArtifactStore; queue: string }): DoctorActivities {
  return {
    /** Writes a random object, reads it back verified by sha256, then deletes it. */
    async storageRoundTrip(probeId: string): Promise<StorageProbe> {
      const key = globalKeys.doctorProbe(probeId);
      const payload = randomBytes(64 * 1024);
      const record = await deps.store.putBytes(key, payload);
      const back = await deps.store.getBytes(key, record);
      await deps.store.delete(key);
      return { key, bytes: back.length, sha256: record.sha256, verified: back.equals(payload) };
    },

    async workerProbe(): Promise<WorkerProbe> {
      return { queue: deps.queue, hostname: hostname(), pid: process.pid, node: process.version };
    },
  };
}
