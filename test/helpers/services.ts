// Access to the real services the test command started (see infra/test-with-stack.ts).
import { randomUUID } from 'node:crypto';
import { loadConnection, type Connection } from '../../infra/connection';
import type { ArtifactStore } from '../../storage/artifact-store';
import { openArtifactStore } from '../../storage/open-store';

export function testConnection(): Connection {
  if (process.env.R1FLOW_TEST_STACK !== '1') {
    throw new Error(
      'integration tests need the test stack: run them through `npm test` (e.g. `npm test -- test/integration`)',
    );
  }
  return loadConnection();
}

export function testStore(options?: Parameters<typeof openArtifactStore>[1]): ArtifactStore {
  const s3 = testConnection().s3;
  return openArtifactStore(s3, options);
}

/** A run id no other test uses, so tests never see each other's objects. */
export function uniqueRunId(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}
