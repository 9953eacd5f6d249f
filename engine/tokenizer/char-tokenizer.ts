import { z } from 'zod';
import type { ChatMessage, DecodeOptions, EncodeOptions, Tokenizer, TokenizerFiles } from './tokenizer';

/**
 * Special tokens, always the first ids in this order, so `<pad>` is 0 everywhere and the
 * think/answer tags are single tokens the rewards can find without re-tokenising.
 */
export const SPECIAL_TOKENS = ['<pad>', '<bos>', '<eos>', '<think>', '</think>', '<answer>', '</answer>'] as const;
export type SpecialToken = (typeof SPECIAL_TOKENS)[number];

/** The file name of the character tokenizer's JSON, in a checkpoint and in `toFiles()`. */
export const CHAR_TOKENIZER_FILE = 'tokenizer.json';

/** The JSON form saved next to a checkpoint. */
export const charTokenizerJsonSchema = z
  .object({
    type: z.literal('char'),
    version: z.literal(1),
    specials: z.array(z.string()),
    characters: z.array(z.string()),
  })
  .strict();
export type CharTokenizerJson = z.infer<typeof charTokenizerJsonSchema>;

/**
 * Character-level tokenizer: one id per special token, then one per character of the given list.
 * A character outside the list is an error, never a silent `<unk>`: the built-in task knows its
 * alphabet, and an unknown character means the data or the tokenizer is wrong. Its special tokens
 * are `<pad>`, `<bos>` and `<eos>`; the think/answer tags are single tokens too but carry text.
 */
export class CharTokenizer implements Tokenizer {
  readonly kind = 'char';
  readonly hasChatTemplate = false;
  readonly specials: readonly string[];
  readonly characters: readonly string[];
  readonly padId: number;
  readonly bosId: number;
  readonly eosId: number;
  readonly thinkId: number;
  readonly thinkEndId: number;
  readonly answerId: number;
  readonly answerEndId: number;
  private readonly idOf = new Map<string, number>();
  private readonly tokenOf: string[];

  constructor(characters: Iterable<string>) {
    this.specials = [...SPECIAL_TOKENS];
    const list: string[] = [];
    for (const character of characters) {
      if ([...character].length !== 1)
        throw new Error(`Tokenizer character ${JSON.stringify(character)} must be exactly one Unicode character.`);
      if (this.idOf.has(character))
        throw new Error(`Tokenizer character ${JSON.stringify(character)} is listed twice.`);
      this.idOf.set(character, -1); // placeholder so duplicates are caught; real ids assigned below
      list.push(character);
    }
    this.idOf.clear();
    this.characters = list;
    this.tokenOf = [...this.specials, ...list];
    this.tokenOf.forEach((token, id) => this.idOf.set(token, id));
    [this.padId, this.bosId, this.eosId, this.thinkId, this.thinkEndId, this.answerId, this.answerEndId] =
      this.specials.map((_, i) => i);
  }

  /** Builds a tokenizer whose alphabet is every distinct character of `texts`, in sorted order. */
  static fromCorpus(texts: Iterable<string>): CharTokenizer {
    const seen = new Set<string>();
    for (const text of texts) for (const character of stripSpecials(text)) seen.add(character);
    return new CharTokenizer([...seen].sort());
  }

  static fromJSON(json: unknown): CharTokenizer {
    const parsed = charTokenizerJsonSchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new Error(`Invalid tokenizer JSON at "${issue.path.join('.') || '(root)'}": ${issue.message}.`);
    }
    const { specials, characters } = parsed.data;
    if (specials.length !== SPECIAL_TOKENS.length || specials.some((token, i) => token !== SPECIAL_TOKENS[i])) {
      throw new Error(
        `Invalid tokenizer JSON at "specials": expected ${JSON.stringify(SPECIAL_TOKENS)}, got ${JSON.stringify(specials)}.`,
      );
    }
    return new CharTokenizer(characters);
  }

  get vocabSize(): number {
    return this.tokenOf.length;
  }

  get eosIds(): readonly number[] {
    return [this.eosId];
  }

  /** `<eos>` alone; the built-in task's rollouts also stop at `</answer>`, which they add themselves. */
  get stopIds(): readonly number[] {
    return [this.eosId];
  }

  applyChatTemplate(_messages: readonly ChatMessage[]): string {
    throw new Error('The character tokenizer has no chat template; build the prompt text directly.');
  }

  toFiles(): TokenizerFiles {
    return { [CHAR_TOKENIZER_FILE]: this.toJSON() };
  }

  toJSON(): CharTokenizerJson {
    return { type: 'char', version: 1, specials: [...this.specials], characters: [...this.characters] };
  }

  /** Id of a special token or a single character. */
  id(token: string): number {
    const id = this.idOf.get(token);
    if (id === undefined) throw new Error(`Token ${JSON.stringify(token)} is not in the tokenizer's vocabulary.`);
    return id;
  }

  token(id: number): string {
    const token = this.tokenOf[id];
    if (token === undefined) throw new Error(`Token id ${id} is outside the vocabulary (size ${this.vocabSize}).`);
    return token;
  }

  /** Special tokens written literally in the text (e.g. "<think>") become their single ids. */
  // `addSpecialTokens` changes nothing here: this tokenizer has no post-processor.
  encode(text: string, options: EncodeOptions = {}): number[] {
    const ids: number[] = [];
    if (options.bos) ids.push(this.bosId);
    const characters = [...text];
    let i = 0;
    let column = 0; // UTF-16 offset, for the error message
    outer: while (i < characters.length) {
      if (characters[i] === '<') {
        for (let s = 0; s < this.specials.length; s++) {
          const special = this.specials[s];
          if (text.startsWith(special, column)) {
            ids.push(s);
            i += special.length; // specials are ASCII, so code points == UTF-16 units
            column += special.length;
            continue outer;
          }
        }
      }
      const id = this.idOf.get(characters[i]);
      if (id === undefined || id < this.specials.length) {
        throw new Error(
          `Character ${JSON.stringify(characters[i])} at offset ${column} of the text is not in the tokenizer's alphabet.`,
        );
      }
      ids.push(id);
      column += characters[i].length;
      i++;
    }
    if (options.eos) ids.push(this.eosId);
    return ids;
  }

  decode(ids: Iterable<number>, options: DecodeOptions = {}): string {
    let text = '';
    for (const id of ids) {
      if (options.skipSpecialTokens && (id === this.padId || id === this.bosId || id === this.eosId)) continue;
      text += this.token(id);
    }
    return text;
  }
}

function stripSpecials(text: string): string[] {
  let rest = text;
  for (const special of SPECIAL_TOKENS) rest = rest.split(special).join('');
  return [...rest];
}
