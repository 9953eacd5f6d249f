// The stack the test suite runs against: its own ports and state folder, so it never touches a
// user's running dev stack.
import { join } from 'node:path';
import { stateDir } from './paths';
import type { StackSettings } from './stack-settings';

export const TEST_STACK_SETTINGS: Partial<StackSettings> = {
  temporalPort: 17233,
  temporalUiPort: 18233,
  s3Port: 18333,
  seaweedMasterPort: 19333,
  seaweedVolumePort: 19340,
  seaweedFilerPort: 18888,
  bucket: 'r1flow-test',
};

export function testStateDir(): string {
  return join(stateDir(), 'test-stack');
}
