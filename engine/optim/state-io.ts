// Optimizer state as plain named float32 tensors (what a safetensors file holds) and back.

import type { AdamWState } from './adamw';

/** Tensors 'adamw.step' ([1]; exact below 2^24), 'adamw.m.<param>', 'adamw.v.<param>'. */
export function adamwStateToTensors(state: AdamWState): Record<string, Float32Array> {
  if (state.step > 2 ** 24) throw new Error(`AdamW step ${state.step} is too large to store exactly as float32.`);
  const out: Record<string, Float32Array> = { 'adamw.step': Float32Array.of(state.step) };
  for (const k of Object.keys(state.m).sort()) {
    out[`adamw.m.${k}`] = state.m[k].slice();
    out[`adamw.v.${k}`] = state.v[k].slice();
  }
  return out;
}

export function adamwStateFromTensors(tensors: Record<string, Float32Array>): AdamWState {
  const stepT = tensors['adamw.step'];
  if (!stepT || stepT.length !== 1 || !Number.isInteger(stepT[0]) || stepT[0] < 0) {
    throw new Error(`Optimizer state: tensor 'adamw.step' is missing or not a non-negative integer.`);
  }
  const m: Record<string, Float32Array> = {};
  const v: Record<string, Float32Array> = {};
  for (const [k, t] of Object.entries(tensors)) {
    if (k.startsWith('adamw.m.')) m[k.slice(8)] = t.slice();
    else if (k.startsWith('adamw.v.')) v[k.slice(8)] = t.slice();
    else if (k !== 'adamw.step') throw new Error(`Optimizer state: unexpected tensor '${k}'.`);
  }
  for (const k of Object.keys(m))
    if (!v[k] || v[k].length !== m[k].length)
      throw new Error(`Optimizer state: 'adamw.v.${k}' is missing or has the wrong size.`);
  for (const k of Object.keys(v)) if (!m[k]) throw new Error(`Optimizer state: 'adamw.m.${k}' is missing.`);
  return { step: stepT[0], m, v };
}
