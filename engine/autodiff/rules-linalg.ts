// Gradients of MatMul and Gemm. Weight gradients of activation @ weight products are emitted as
// one 2-D Gemm with transA so onnxruntime runs a single large GEMM instead of a batched one.

import type { GraphBuilder, Value } from '../onnx';
import type { GradRule } from './rule';
import { unbroadcast } from './rule';

function swapLast(g: GraphBuilder, x: Value): Value {
  const r = x.shape.length;
  const perm = x.shape.map((_, i) => i);
  perm[r - 2] = r - 1;
  perm[r - 1] = r - 2;
  return g.transpose(x, perm);
}

function flatten2d(g: GraphBuilder, x: Value): Value {
  return x.shape.length === 2 ? x : g.reshape(x, [-1, x.shape[x.shape.length - 1] as number]);
}

export const linalgRules: Record<string, GradRule> = {
  MatMul: (g, n, [gy], needs) => {
    const a = n.inputs[0]!,
      b = n.inputs[1]!;
    if (a.shape.length < 2 || b.shape.length < 2)
      throw new Error(`MatMul node ${n.name}: gradient needs rank >= 2 operands.`);
    let ga: Value | null = null,
      gb: Value | null = null;
    if (needs[0]) ga = unbroadcast(g, g.matmul(gy!, swapLast(g, b)), a);
    if (needs[1]) {
      if (b.shape.length === 2 && typeof b.shape[0] === 'number' && typeof b.shape[1] === 'number') {
        // [.., M, K] x [K, N]: dB = A_flat^T @ dY_flat as one GEMM over all rows.
        gb = g.gemm(flatten2d(g, a), flatten2d(g, gy!), null, { transA: true });
      } else {
        gb = unbroadcast(g, g.matmul(swapLast(g, a), gy!), b);
      }
    }
    return [ga, gb];
  },

  Gemm: (g, n, [gy], needs) => {
    const a = n.inputs[0]!,
      b = n.inputs[1]!,
      cIn = n.inputs[2] ?? null;
    const tA = n.attrs.transA === 1,
      tB = n.attrs.transB === 1;
    const alphaAttr = n.attrs.alpha as { float: number } | undefined;
    const betaAttr = n.attrs.beta as { float: number } | undefined;
    const alpha = alphaAttr?.float ?? 1,
      beta = betaAttr?.float ?? 1;
    const dy = gy!;
    let ga: Value | null = null,
      gb: Value | null = null,
      gc: Value | null = null;
    if (needs[0]) {
      ga = !tA ? g.gemm(dy, b, null, { transB: !tB, alpha }) : g.gemm(b, dy, null, { transA: tB, transB: true, alpha });
    }
    if (needs[1]) {
      gb = !tB ? g.gemm(a, dy, null, { transA: !tA, alpha }) : g.gemm(dy, a, null, { transA: true, transB: tA, alpha });
    }
    if (needs[2] && cIn) gc = unbroadcast(g, beta === 1 ? dy : g.mul(dy, g.scalar(beta, dy.dtype)), cIn);
    return [ga, gb, gc];
  },
};
