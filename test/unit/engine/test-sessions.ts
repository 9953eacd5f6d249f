// Compiled sessions for a test file, on one CPU thread (reproducible), released when the file ends.
import { after } from 'node:test';
import { SessionCache } from '../../../engine/train';

export function useTestSessions(): SessionCache {
  const sessions = new SessionCache('cpu', { intraOpThreads: 1 });
  after(() => sessions.release());
  return sessions;
}
