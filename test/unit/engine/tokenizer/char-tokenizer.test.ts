import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { CharTokenizer, loadTokenizer, type Tokenizer } from '../../../../engine/tokenizer';

describe('CharTokenizer', () => {
  const tokenizer = new CharTokenizer([...'0123456789+=< ', 'é']);

  test('special tokens take the first ids in a fixed order', () => {
    assert.deepEqual(
      ['<pad>', '<bos>', '<eos>', '<think>', '</think>', '<answer>', '</answer>'].map((t) => tokenizer.id(t)),
      [0, 1, 2, 3, 4, 5, 6],
    );
    assert.equal(tokenizer.padId, 0);
    assert.equal(tokenizer.eosId, 2);
    assert.equal(tokenizer.answerEndId, 6);
    assert.equal(tokenizer.vocabSize, 7 + 15);
    assert.equal(tokenizer.id('0'), 7);
  });

  test('tags are single tokens; a lone "<" is a character', () => {
    const ids = tokenizer.encode('<think>1<2</think><answer>3</answer>', { bos: true, eos: true });
    assert.deepEqual(ids, [1, 3, 8, 7 + 12, 9, 4, 5, 10, 6, 2]);
  });

  test('round trips text, including non-ASCII characters', () => {
    const text = '<think>12 + 3é = 15</think><answer>15</answer>';
    const ids = tokenizer.encode(text);
    assert.equal(tokenizer.decode(ids), text);
    assert.equal(
      tokenizer.decode([tokenizer.bosId, ...ids, tokenizer.eosId, tokenizer.padId], { skipSpecialTokens: true }),
      text,
    );
  });

  test('an unknown character is an error naming it and its offset', () => {
    assert.throws(() => tokenizer.encode('12x4'), /Character "x" at offset 2 .* not in the tokenizer's alphabet/);
  });

  test('an id outside the vocabulary is an error', () => {
    assert.throws(() => tokenizer.decode([0, 99]), /Token id 99 is outside the vocabulary \(size 22\)/);
  });

  test('serialises to JSON and back to an identical tokenizer', () => {
    const json = JSON.parse(JSON.stringify(tokenizer.toJSON()));
    assert.deepEqual(json.characters, [...'0123456789+=< ', 'é']);
    const restored = CharTokenizer.fromJSON(json);
    assert.equal(restored.vocabSize, tokenizer.vocabSize);
    const text = '<answer>9 + 9 = 18</answer>';
    assert.deepEqual(restored.encode(text), tokenizer.encode(text));
  });

  test('invalid JSON is refused naming the field', () => {
    assert.throws(
      () => CharTokenizer.fromJSON({ type: 'char', version: 1, specials: [], characters: ['a'] }),
      /at "specials"/,
    );
    assert.throws(
      () => CharTokenizer.fromJSON({ type: 'char', version: 1, specials: ['<pad>'], characters: 'ab' }),
      /at "characters"/,
    );
    assert.throws(() => CharTokenizer.fromJSON({ type: 'bpe', version: 1 }), /at "type"/);
  });

  test('bad alphabets are refused', () => {
    assert.throws(() => new CharTokenizer(['a', 'a']), /"a" is listed twice/);
    assert.throws(() => new CharTokenizer(['ab']), /"ab" must be exactly one Unicode character/);
  });

  test('fromCorpus collects the alphabet without the tags', () => {
    const built = CharTokenizer.fromCorpus(['<think>ba</think>', 'c<answer>a</answer>']);
    assert.deepEqual(built.characters, ['a', 'b', 'c']);
  });
});

describe('CharTokenizer as a Tokenizer', () => {
  const tokenizer = new CharTokenizer([...'0123456789+= ']);

  test('reports its special ids and stop ids through the common interface', () => {
    const common: Tokenizer = tokenizer;
    assert.equal(common.kind, 'char');
    assert.equal(common.bosId, 1);
    assert.deepEqual(common.eosIds, [2]);
    assert.deepEqual(common.stopIds, [2]);
    assert.equal(common.padId, 0);
    assert.equal(common.hasChatTemplate, false);
    assert.throws(() => common.applyChatTemplate([{ role: 'user', content: '1+1' }]), /has no chat template/);
    assert.deepEqual(common.encode('1+1', { addSpecialTokens: true }), common.encode('1+1'));
  });

  test('its files are the unchanged checkpoint JSON and load back into a CharTokenizer', () => {
    const files = tokenizer.toFiles();
    assert.deepEqual(Object.keys(files), ['tokenizer.json']);
    assert.deepEqual(files['tokenizer.json'], {
      type: 'char',
      version: 1,
      specials: ['<pad>', '<bos>', '<eos>', '<think>', '</think>', '<answer>', '</answer>'],
      characters: [...'0123456789+= '],
    });
    const restored = loadTokenizer(JSON.parse(JSON.stringify(files)), 'checkpoint');
    assert.ok(restored instanceof CharTokenizer);
    assert.deepEqual(restored.encode('<answer>1 + 2 = 3</answer>'), tokenizer.encode('<answer>1 + 2 = 3</answer>'));
  });
});
