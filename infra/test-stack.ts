// The stack the test suite runs against: its own ports and state folder, so it never touches a
// user's running dev stack.
import { join } from 'node:path';
import { stateDir } from './paths';
import type { StackSettings } from './stack-settings';

// Every port (and SeaweedFS's gRPC twin at +10000) differs from the default dev stack's, so the
// tests run while a user's stack is up.
export const TEST_STACK_SETTINGS: Partial<StackSettings> = {
  temporalPort: 17233,
  temporalUiPort: 17234,
  s3Port: 17333,
  seaweedMasterPort: 17335,
  seaweedVolumePort: 17340,
  seaweedFilerPort: 17888,
  bucket: 'r1flow-test',
};

export function testStateDir(): string {
  return join(stateDir(), 'test-stack');
}
