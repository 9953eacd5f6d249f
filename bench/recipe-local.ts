// The whole R1 recipe in this process, without Temporal: the same stage order, inputs and
// bodies as r1Pipeline (bench/plain-pipeline) over the activity functions, against the test
// stack's S3. For tuning a preset: prints JSON with each stage's wall time, checkpoint and
// held-out eval, and where the full report (curves, data reports, samples) is.
// Usage: node --import tsx bench/recipe-local.ts [preset] [--seed N] [--config JSON] [--fresh] [--quiet]
// --config takes config fields merged over the preset, e.g. '{"model":{"architecture":"llama"}}'.
// A base model pretrained before with the same settings is reused (the pipeline's pretraining
// cache); --fresh deletes that cache entry first, so the run pretrains.
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { pretrainHashOf } from '../activities/control';
import { loadConnection } from '../infra/connection';
import { presetNames, resolveConfig } from '../recipe/config';
import { globalKeys } from '../storage/layout';
import { flag, inProcessDeps, runBench, storeOf, useTestStack } from './bench-env';
import { runPipelineInProcess } from './plain-pipeline';

const flagValues = [flag('seed'), flag('config')];
const preset = process.argv.slice(2).find((a) => !a.startsWith('--') && !flagValues.includes(a)) ?? 'tiny';
if (!presetNames().includes(preset))
  throw new Error(`preset must be one of ${presetNames().join(', ')}, got ${preset}`);
const overrides = flag('config') !== undefined ? (JSON.parse(flag('config')!) as Record<string, unknown>) : {};
const raw = { ...overrides, preset, ...(flag('seed') !== undefined ? { seed: Number(flag('seed')) } : {}) };
const quiet = process.argv.includes('--quiet');
const round = (x: number | null | undefined) => (typeof x === 'number' ? Number(x.toFixed(3)) : null);

async function main(): Promise<void> {
  const stack = await useTestStack();
  const connection = loadConnection();
  const store = storeOf(connection);
  const deps = inProcessDeps(connection, store, 'recipe-local');
  try {
    if (process.argv.includes('--fresh'))
      await store.delete(globalKeys.pretrainCache(pretrainHashOf(resolveConfig(raw))));
    const runId = `recipe-local-${preset}-${randomUUID().slice(0, 8)}`;
    const t0 = performance.now();
    const run = await runPipelineInProcess(deps, runId, raw, (stage, result, seconds) => {
      if (quiet) return;
      const e = result.eval;
      process.stderr.write(
        `[${stage}] ${seconds.toFixed(1)} s  pass@1 ${round(e?.pass1)}  format ${round(e?.formatRate)}  ` +
          `lang ${round(e?.languageConsistency)}  refusal ${round(e?.refusalCorrectness)}  helpful ${round(e?.helpfulRate)}\n`,
      );
    });
    const stages = Object.fromEntries(
      Object.entries(run.results).map(([stage, r]) => [
        stage,
        {
          seconds: round(run.perStageSeconds[stage as keyof typeof run.perStageSeconds]),
          sha256: r.checkpoint.sha256,
          step: r.checkpoint.step,
          eval: r.eval ?? null,
          data: r.data ?? null,
        },
      ]),
    );
    console.log(
      JSON.stringify(
        {
          bench: 'recipe-local',
          preset,
          config: raw,
          runId,
          seconds: round((performance.now() - t0) / 1000),
          stages,
          report: run.report,
        },
        null,
        2,
      ),
    );
  } finally {
    await deps.caches.release();
    store.client.destroy();
    rmSync(deps.cacheDir, { recursive: true, force: true });
    await stack.stop();
  }
}

runBench(main);
