// Batches as flat typed arrays: tokens [B, T] int32 right-padded, per-token masks aligned with them.

export interface TokenBatch {
  batchSize: number;
  seqLen: number;
  /** [batchSize * seqLen], row-major, right-padded. */
  tokens: Int32Array;
  /** [batchSize * seqLen]: 1 where token t is a training target (t = 0 never is), else 0. */
  lossMask: Float32Array;
  /** Real (unpadded) length of each row. */
  lengths: Int32Array;
}

export interface GrpoBatch extends TokenBatch {
  /** [batchSize]: one advantage per completion, shared by all its tokens. */
  advantages: Float32Array;
  /**
   * [batchSize * seqLen] log-probs of the policy that sampled the batch, aligned with tokens
   * (as `Trainer.logprobs` returns them). Omit when updating once on fresh samples: the current
   * policy is then the old one and the graph uses its own detached log-probs.
   */
  oldLogprobs?: Float32Array;
  /** [batchSize * seqLen] reference-model log-probs; required when beta > 0, never read otherwise. */
  refLogprobs?: Float32Array;
}

export interface SequenceToPack {
  tokens: readonly number[];
  /** Index of the first token trained on (the prompt length; 1 to train on everything). */
  lossStart: number;
  /** Index one past the last token trained on (default: the sequence length). */
  lossEnd?: number;
}

/** Right-pad sequences into a TokenBatch (seqLen defaults to the longest sequence). */
export function packSequences(seqs: readonly SequenceToPack[], padId: number, seqLen?: number): TokenBatch {
  if (seqs.length === 0) throw new Error('packSequences: no sequences given.');
  const T = seqLen ?? Math.max(...seqs.map((s) => s.tokens.length));
  const B = seqs.length;
  const tokens = new Int32Array(B * T).fill(padId);
  const lossMask = new Float32Array(B * T);
  const lengths = new Int32Array(B);
  seqs.forEach((s, b) => {
    if (s.tokens.length > T)
      throw new Error(`packSequences: sequence ${b} has ${s.tokens.length} tokens, more than seqLen ${T}.`);
    if (s.tokens.length < 2) throw new Error(`packSequences: sequence ${b} needs at least 2 tokens to have a target.`);
    const end = s.lossEnd ?? s.tokens.length;
    if (!(s.lossStart >= 1 && s.lossStart <= end && end <= s.tokens.length)) {
      throw new Error(
        `packSequences: sequence ${b} has lossStart ${s.lossStart} / lossEnd ${end} outside 1..${s.tokens.length}.`,
      );
    }
    tokens.set(s.tokens, b * T);
    for (let t = s.lossStart; t < end; t++) lossMask[b * T + t] = 1;
    lengths[b] = s.tokens.length;
  });
  return { batchSize: B, seqLen: T, tokens, lossMask, lengths };
}

export function checkTokenBatch(
  batch: Pick<TokenBatch, 'batchSize' | 'seqLen' | 'tokens'> & { lossMask?: Float32Array },
  vocabSize: number,
  contextLength: number,
): void {
  const { batchSize: B, seqLen: T } = batch;
  if (!Number.isInteger(B) || B < 1) throw new Error(`batch.batchSize must be a positive integer, got ${B}.`);
  if (!Number.isInteger(T) || T < 2) throw new Error(`batch.seqLen must be an integer >= 2, got ${T}.`);
  if (T > contextLength) throw new Error(`batch.seqLen ${T} exceeds the model's contextLength ${contextLength}.`);
  if (batch.tokens.length !== B * T)
    throw new Error(`batch.tokens has ${batch.tokens.length} entries, expected batchSize*seqLen = ${B * T}.`);
  if (batch.lossMask && batch.lossMask.length !== B * T)
    throw new Error(`batch.lossMask has ${batch.lossMask.length} entries, expected ${B * T}.`);
  for (let i = 0; i < batch.tokens.length; i++) {
    const t = batch.tokens[i];
    if (t < 0 || t >= vocabSize)
      throw new Error(`batch.tokens[${i}] = ${t} is outside the vocabulary 0..${vocabSize - 1}.`);
  }
}
