// r1flow abort RUN [--reason TEXT]: stops a run (typically one waiting after a failed stage).
import { parseArgs } from 'node:util';
import { abortUpdate } from '../contracts/messages';
import { fail } from './output';
import { sendRunUpdate } from './resume';

export async function abortCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: { reason: { type: 'string' } },
    strict: true,
    allowPositionals: true,
  });
  const [runId, extra] = positionals;
  if (!runId || extra !== undefined) fail('usage: r1flow abort RUN [--reason TEXT]');
  const reason = values.reason ?? 'aborted from the command line';
  return sendRunUpdate(runId, (handle) => handle.executeUpdate(abortUpdate, { args: [reason] }));
}
