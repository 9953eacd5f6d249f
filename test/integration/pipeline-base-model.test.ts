// The micro preset on a Llama-family base model instead of the built-in GPT, through every stage
// on the real stack: the model and a GSM8K-form dataset come from S3, pretraining imports the
// model (recorded with its sha256), and the run ends with its final policy as a Hugging Face
// folder under runs/<run>/export/hf/ that imports back to the same tensors.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { progressQuery } from '../../contracts/messages';
import { loadModelCheckpoint } from '../../engine/checkpoint';
import { loadLocalModel } from '../../engine/hf';
import { isLlamaConfig } from '../../engine';
import { projectRoot } from '../../infra/paths';
import { parseJsonlProblems } from '../../recipe/datasets/jsonl';
import { STAGE_NAMES } from '../../recipe/config';
import type { ArtifactStore } from '../../storage/artifact-store';
import { runKeys } from '../../storage/layout';
import { readManifest } from '../../storage/manifest';
import type { Rollout } from '../../steps';
import { progressMarkdown } from '../../workflows/details';
import { llamaFixtureCopy } from '../helpers/llama-fixture';
import { r1flowSync } from '../helpers/r1flow-cli';
import { FAST_FAILURE, newRunId, startPipeline, usePipelineTestContext } from '../helpers/pipeline';

const ctx = usePipelineTestContext();
const fixture = llamaFixtureCopy();
const scratch = mkdtempSync(join(tmpdir(), 'r1flow-base-model-test-'));
after(() => {
  fixture.remove();
  rmSync(scratch, { recursive: true, force: true });
});

async function download(store: ArtifactStore, prefix: string, dir: string): Promise<string[]> {
  mkdirSync(dir, { recursive: true });
  const names: string[] = [];
  for await (const object of store.list(`${prefix}/`)) {
    const name = object.key.slice(prefix.length + 1);
    await store.getToFile(object.key, join(dir, name));
    names.push(name);
  }
  return names.sort();
}

const sha256 = (bytes: Buffer | string) => createHash('sha256').update(bytes).digest('hex');

test(
  'micro on a Llama-family base model from S3: every stage, the base in the manifest, an HF export that re-imports',
  { timeout: 600_000 },
  async () => {
    const runId = newRunId('base-model');
    const modelPrefix = `inputs/${runId}/llama`;
    for (const name of readdirSync(fixture.dir))
      await ctx.store.putFile(`${modelPrefix}/${name}`, join(fixture.dir, name));
    const gsm8k = join(projectRoot, 'test', 'fixtures', 'datasets', 'gsm8k.jsonl');
    const datasetKey = `inputs/${runId}/gsm8k.jsonl`;
    await ctx.store.putFile(datasetKey, gsm8k);
    const config = {
      preset: 'micro',
      ...FAST_FAILURE,
      model: { uri: ctx.store.uri(modelPrefix), contextLength: 512 },
      data: { reasoning: { uri: ctx.store.uri(datasetKey), evalShare: 0.4 } },
    };
    const handle = await startPipeline(ctx.client, runId, config);
    const result = await handle.result();
    assert.deepEqual(Object.keys(result.stages).sort(), [...STAGE_NAMES].sort());
    const manifest = (await readManifest(ctx.store, runId))!;
    for (const stage of STAGE_NAMES) assert.equal(manifest.stages[stage]?.status, 'done', stage);

    // the base model was imported, not pretrained, and is recorded with the sha256 of its files
    const pretrained = result.stages.pretrain!.checkpoint;
    assert.equal(pretrained.step, 0);
    assert.ok(pretrained.key.startsWith(`runs/${runId}/pretrain/`), 'a base model is never taken from the cache');
    const files = readdirSync(fixture.dir).sort();
    const folderSha = sha256(files.map((n) => `${n}\t${sha256(readFileSync(join(fixture.dir, n)))}\n`).join(''));
    const base = manifest.info.baseModel as Record<string, unknown>;
    assert.deepEqual(
      { source: base.source, sha256: base.sha256, architecture: base.architecture, checkpoint: base.checkpointSha256 },
      { source: config.model.uri, sha256: folderSha, architecture: 'LlamaForCausalLM', checkpoint: pretrained.sha256 },
    );

    // what the stages read: the dataset's training problems, and its held-out ones for evaluation
    const { problems } = parseJsonlProblems(readFileSync(gsm8k, 'utf8'));
    const datasetKeys = new Set(problems.map((p) => p.key));
    const rollouts = JSON.parse(
      (await ctx.store.getBytes(`runs/${runId}/${runKeys.rollouts('r1Zero', 0)}`)).toString(),
    ) as Rollout[];
    assert.ok(rollouts.length > 0 && rollouts.every((r) => datasetKeys.has(r.problem.key)));
    assert.ok(rollouts.every((r) => r.prompt.includes(r.problem.question) && r.prompt.includes('<think>')));
    const baseEval = JSON.parse((await ctx.store.getBytes(`runs/${runId}/${runKeys.evalResult('base')}`)).toString());
    const questions = problems.map((p) => p.question);
    assert.ok(baseEval.examples.length > 0);
    for (const example of baseEval.examples.filter((e: { category: string }) => e.category === 'reasoning'))
      assert.ok(
        questions.some((q) => example.prompt.includes(q)),
        'an evaluated prompt asks a dataset question',
      );

    // the export: an HF folder under the run, whose tensors are the final checkpoint's
    const final = result.stages.finalRl!.checkpoint;
    const exportInfo = manifest.info.exportedModel as Record<string, unknown>;
    assert.equal(exportInfo.uri, `${ctx.store.uri(`runs/${runId}/export/hf`)}/`);
    assert.equal(exportInfo.sha256, final.sha256);
    const exportDir = join(scratch, 'hf');
    const exported = await download(ctx.store, `runs/${runId}/export/hf`, exportDir);
    assert.ok(exported.includes('config.json') && exported.includes('model.safetensors'), exported.join(', '));
    assert.ok(exported.includes('tokenizer.json'));
    for (const name of exported)
      assert.ok(manifest.objects[`runs/${runId}/export/hf/${name}`], `${name} is in the manifest`);
    const checkpointDir = join(scratch, 'final');
    await download(ctx.store, final.key.replace(/\/$/, ''), checkpointDir);
    const checkpoint = loadModelCheckpoint(checkpointDir);
    const reimported = await loadLocalModel(exportDir, { contextLength: 512 });
    assert.ok(isLlamaConfig(reimported.config));
    assert.deepEqual(reimported.config, checkpoint.config);
    assert.deepEqual(Object.keys(reimported.params).sort(), Object.keys(checkpoint.params).sort());
    for (const [name, tensor] of Object.entries(checkpoint.params))
      assert.ok(
        Buffer.from(reimported.params[name].buffer).equals(Buffer.from(tensor.buffer)),
        `${name} re-imports identically`,
      );
    assert.deepEqual(reimported.tokenizerFiles['tokenizer.json'], checkpoint.tokenizerFiles['tokenizer.json']);

    // linked from the report and the run's details
    const report = JSON.parse((await ctx.store.getBytes(`runs/${runId}/report/report.json`)).toString());
    assert.equal(report.model.uri, exportInfo.uri);
    assert.equal(report.baseModel.sha256, folderSha);
    const html = (await ctx.store.getBytes(`runs/${runId}/report/report.html`)).toString();
    assert.ok(html.includes(String(exportInfo.uri)));
    const progress = await handle.query(progressQuery);
    assert.equal(progress.exportedModelUri, exportInfo.uri);
    assert.ok(progressMarkdown(progress).includes(String(exportInfo.uri)));

    // r1flow export RUN/STAGE writes the same folder on demand, from that stage's checkpoint
    const cli = r1flowSync('export', `${runId}/coldStartSft`);
    assert.equal(cli.code, 0, cli.err);
    assert.ok(cli.out.includes(`to ${String(exportInfo.uri)}`), cli.out);
    const again = (await readManifest(ctx.store, runId))!.info.exportedModel as Record<string, unknown>;
    assert.equal(again.sha256, result.stages.coldStartSft!.checkpoint.sha256);
  },
);
