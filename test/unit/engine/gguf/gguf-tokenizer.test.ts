import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { openGgufModel } from '../../../../engine/gguf';
import type { HfModelFiles } from '../../../../engine/hf/model-files';
import { tokenizerFromModelFiles, type HfTokenizer } from '../../../../engine/tokenizer';
import { fixture } from './gguf-helpers';

// References recorded by make_fixtures.py from the same files: llama.cpp's own tokenizer
// (llama-cpp-python, vocab only) and transformers' GGUF tokenizer
// (AutoTokenizer.from_pretrained(dir, gguf_file=…)).

interface Encoding {
  text: string;
  llamaCpp: number[];
  llamaCppWithBos: number[];
  transformers: number[];
  transformersWithSpecialTokens: number[];
  decoded: string;
  decodedSkippingSpecial: string;
}
interface References {
  encodings: Encoding[];
  conversations?: { messages: { role: string; content: string }[]; add_generation_prompt: boolean; rendered: string }[];
}

for (const name of ['tiny-llama', 'tiny-llama-tied']) {
  describe(`tokenizer of ${name}.gguf`, () => {
    const references = JSON.parse(fs.readFileSync(fixture(`${name}.tokenizer.json`), 'utf8')) as References;
    let model: HfModelFiles;
    let tokenizer: HfTokenizer;
    before(async () => {
      model = await openGgufModel(fixture(`${name}.gguf`));
      tokenizer = tokenizerFromModelFiles(model);
    });
    after(() => model.tensors.close());

    test('encodes the text set exactly as llama.cpp does, with and without its bos', () => {
      for (const e of references.encodings) {
        assert.deepEqual(tokenizer.encode(e.text), e.llamaCpp, JSON.stringify(e.text));
        assert.deepEqual(
          tokenizer.encode(e.text, { addSpecialTokens: true }),
          e.llamaCppWithBos,
          JSON.stringify(e.text),
        );
      }
    });

    test('agrees with transformers wherever transformers agrees with llama.cpp', () => {
      const agreeing = references.encodings.filter((e) => e.transformers.join() === e.llamaCpp.join());
      // transformers splits no digits for pre-tokenizer "smollm" (llama.cpp splits each one), so
      // there the texts with numbers differ; for "llama-bpe" both agree on everything.
      if (name === 'tiny-llama-tied') assert.equal(agreeing.length, references.encodings.length);
      else assert.ok(agreeing.length >= references.encodings.length - 6);
      for (const e of agreeing) {
        assert.deepEqual(tokenizer.encode(e.text), e.transformers, JSON.stringify(e.text));
        assert.deepEqual(
          tokenizer.encode(e.text, { addSpecialTokens: true }),
          e.transformersWithSpecialTokens,
          JSON.stringify(e.text),
        );
      }
    });

    test('decodes as transformers decodes, with and without special tokens', () => {
      for (const e of references.encodings) {
        assert.equal(tokenizer.decode(e.llamaCpp), e.decoded, JSON.stringify(e.text));
        assert.equal(
          tokenizer.decode(e.llamaCpp, { skipSpecialTokens: true }),
          e.decodedSkippingSpecial,
          JSON.stringify(e.text),
        );
      }
    });

    test('special tokens and stop ids come from the metadata', () => {
      assert.equal(tokenizer.bosId, 1);
      assert.deepEqual(tokenizer.eosIds, [2]);
      assert.deepEqual(tokenizer.stopIds, [2]);
      assert.equal(tokenizer.padId, 0);
      assert.equal(tokenizer.vocabSize, model.config.vocab_size);
      assert.equal(tokenizer.id('<think>'), 3);
    });

    if (references.conversations) {
      test('the chat template from the metadata renders what transformers renders', () => {
        for (const c of references.conversations!) {
          assert.equal(
            tokenizer.applyChatTemplate(c.messages, { addGenerationPrompt: c.add_generation_prompt }),
            c.rendered,
          );
        }
      });
    } else {
      test('without a chat template in the metadata there is none', () => {
        assert.equal(tokenizer.hasChatTemplate, false);
        assert.throws(() => tokenizer.applyChatTemplate([{ role: 'user', content: 'hi' }]), /has no chat template/);
      });
    }
  });
}
