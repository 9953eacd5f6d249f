// r1flow doctor
import { loadConnection } from '../infra/connection';
import { runDoctor } from '../infra/doctor';
import { printChecks } from './output';

export async function doctorCommand(): Promise<number> {
  const ok = printChecks(await runDoctor(loadConnection()));
  console.log(ok ? 'All checks passed.' : 'Some checks failed; fix them in order, top first.');
  return ok ? 0 : 1;
}
