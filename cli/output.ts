// Small helpers for what the CLI prints to a person.
import type { CheckResult } from '../infra/doctor';

export function printChecks(results: CheckResult[]): boolean {
  let allOk = true;
  for (const r of results) {
    allOk &&= r.ok;
    console.log(`${r.ok ? '✔' : '✘'} ${r.name}: ${r.detail}`);
    if (!r.ok && r.fix) console.log(`    → ${r.fix}`);
  }
  return allOk;
}

export class UsageError extends Error {}

export function fail(message: string): never {
  throw new UsageError(message);
}
