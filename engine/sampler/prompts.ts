/** A batch of prompts laid out left-padded, as every rollout graph expects. */
export interface PaddedPrompts {
  batch: number;
  promptLength: number;
  /** int64 [B, P], pad on the left. */
  ids: BigInt64Array;
  /** int64 [B, P], 1 for real tokens. */
  mask: BigInt64Array;
  /** Real length of each prompt. */
  lengths: number[];
}

/**
 * Left-pads prompts to the longest one. Left padding keeps every row's next token in the same
 * column, so one decode step serves the whole batch; positions and the key mask (computed in the
 * graph from `mask`) make the padding invisible to the model.
 */
export function leftPadPrompts(
  prompts: readonly (readonly number[])[],
  padId: number,
  vocabSize: number,
): PaddedPrompts {
  if (prompts.length === 0) throw new Error('prompts must contain at least one prompt.');
  const lengths = prompts.map((prompt, i) => {
    if (prompt.length === 0)
      throw new Error(`prompts[${i}] is empty; every prompt needs at least one token (e.g. <bos>).`);
    prompt.forEach((id, t) => {
      if (!Number.isInteger(id) || id < 0 || id >= vocabSize)
        throw new Error(`prompts[${i}][${t}] = ${id} is not a token id in [0, ${vocabSize}).`);
    });
    return prompt.length;
  });
  const promptLength = Math.max(...lengths);
  const batch = prompts.length;
  const ids = new BigInt64Array(batch * promptLength).fill(BigInt(padId));
  const mask = new BigInt64Array(batch * promptLength);
  prompts.forEach((prompt, b) => {
    const offset = b * promptLength + (promptLength - prompt.length);
    prompt.forEach((id, t) => {
      ids[offset + t] = BigInt(id);
      mask[offset + t] = 1n;
    });
  });
  return { batch, promptLength, ids, mask, lengths };
}
