// The stack the test suite runs against: its own ports and state folder, so it never touches a
// user's running dev stack.
import { join } from 'node:path';
import { stateDir } from './paths';
import type { StackSettings } from './stack-settings';

/**
 * Every port (and SeaweedFS's gRPC twin at +10000) differs from the default dev stack's, so the
 * tests run while a user's stack is up. `R1FLOW_TEST_PORT_OFFSET` moves them all, so that two
 * checkouts on one machine can each run their integration tests at the same time.
 */
export function testStackSettings(env: NodeJS.ProcessEnv = process.env): Partial<StackSettings> {
  const raw = env.R1FLOW_TEST_PORT_OFFSET ?? '0';
  const offset = Number(raw);
  if (!Number.isInteger(offset) || offset < 0 || offset > 9000) {
    throw new Error(`R1FLOW_TEST_PORT_OFFSET must be a whole number from 0 to 9000, got ${JSON.stringify(raw)}`);
  }
  return {
    temporalPort: 17233 + offset,
    temporalUiPort: 17234 + offset,
    s3Port: 17333 + offset,
    seaweedMasterPort: 17335 + offset,
    seaweedVolumePort: 17340 + offset,
    seaweedFilerPort: 17888 + offset,
    bucket: 'r1flow-test',
    // distinctive, so a test can search every log, history and report for them (secrets.test)
    accessKeyId: 'R1FLOWTESTKEY7Q2XW9',
    secretAccessKey: 'r1flow-test-secret-5b9e2c7d1a',
    linkAccessKeyId: 'R1FLOWTESTLINKS4K8M',
    linkSecretAccessKey: 'r1flow-test-link-secret-3f7a9e',
  };
}

export function testStateDir(): string {
  return join(stateDir(), 'test-stack');
}
