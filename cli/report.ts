// r1flow report RUN [--out DIR]: rebuilds a run's report from what the run left in S3, stores
// it under the run again and writes report.html and report.json locally.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { writeRunReport, type WrittenReport } from '../activities/report-data';
import { loadConnection, type Connection } from '../infra/connection';
import { stateDir } from '../infra/paths';
import { ArtifactStore } from '../storage/artifact-store';
import { createS3Client } from '../storage/s3-client';
import { fail } from './output';
import { runUiLink } from './run-id';

export interface LocalReport extends WrittenReport {
  htmlPath: string;
  jsonPath: string;
}

export async function saveReportLocally(connection: Connection, runId: string, outDir?: string): Promise<LocalReport> {
  const s3 = createS3Client(connection.s3);
  try {
    const store = new ArtifactStore(s3, connection.s3.bucket);
    const written = await writeRunReport(store, runId, runUiLink(connection.temporal, runId));
    const dir = outDir ?? join(stateDir(), 'reports', runId);
    mkdirSync(dir, { recursive: true });
    const htmlPath = join(dir, 'report.html');
    const jsonPath = join(dir, 'report.json');
    writeFileSync(htmlPath, written.html);
    writeFileSync(jsonPath, `${JSON.stringify(written.report, null, 2)}\n`);
    return { ...written, htmlPath, jsonPath };
  } finally {
    s3.destroy();
  }
}

export function printReportLocation(connection: Connection, r: LocalReport): void {
  const here = (p: string) => relative(process.cwd(), p) || p;
  console.log(`Report: ${here(r.htmlPath)} (and ${here(r.jsonPath)})`);
  console.log(`        s3://${connection.s3.bucket}/${r.htmlKey}`);
  const targets = r.report.targets ?? [];
  if (targets.length > 0) {
    console.log(`Targets met: ${targets.filter((t) => t.met).length}/${targets.length}`);
    for (const t of targets)
      console.log(
        `  ${t.met ? '✔' : '✘'} ${t.name}: ${t.value === null ? 'n/a' : t.unit === 'fraction' ? `${(t.value * 100).toFixed(1)}%` : t.value.toFixed(1)}${t.detail ? ` (${t.detail})` : ''}`,
      );
  }
}

export async function reportCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: { out: { type: 'string' } },
    strict: true,
    allowPositionals: true,
  });
  const runId = positionals[0];
  if (!runId || positionals.length > 1) fail('usage: r1flow report RUN [--out DIR]');
  const connection = loadConnection();
  printReportLocation(connection, await saveReportLocally(connection, runId, values.out));
  return 0;
}
