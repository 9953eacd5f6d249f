// Does onnxruntime update a Loop-carried KV cache in place? Two loops of N steps carry L cache
// buffers [B, H, T, D]: one grows each buffer by a Concat of one column per step (what the
// rollout Loop does), the other starts preallocated at P + N columns and writes column P + i with
// ScatterND. If the write were in place its cost would not depend on P; it grows with P, so the
// whole buffer is copied every step either way. Prints JSON, one line per variant and shape.
// Run: node --import tsx bench/loop-kv-cache.ts [--shapes B,H,D,P,N,L;…] [--threads 2] [--repeats 10]
import * as ort from 'onnxruntime-node';
import { GraphBuilder, type Value } from '../engine/onnx/graph-builder';
import { encodeModel } from '../engine/onnx/encode';
import { flag } from './bench-env';

type Variant = 'concat' | 'scatter';
interface Shape {
  B: number;
  H: number;
  D: number;
  /** columns before the loop (the prompt) */
  P: number;
  /** loop steps (new tokens) */
  N: number;
  /** cache buffers (2 per layer) */
  L: number;
}

// the tiny preset's cache, then SmolLM2-135M's (3 KV heads of 64, 30 layers) at two prompt lengths
const DEFAULT_SHAPES = '32,4,24,40,40,4;8,3,64,100,40,60;8,3,64,400,40,60';

function loopGraph(variant: Variant, s: Shape): Uint8Array {
  const width = variant === 'concat' ? s.P : s.P + s.N;
  const g = new GraphBuilder('loop_kv_cache');
  const init = g.input('init', 'float32', [s.B, s.H, width, s.D]);
  const trip = g.input('trip', 'int64', []);
  const cond = g.input('cond', 'bool', []);
  const body = g.subgraph('body');
  const step = body.input('step', 'int64', []);
  const condIn = body.input('cond_in', 'bool', []);
  const buffers: Value[] = [];
  for (let l = 0; l < s.L; l++)
    buffers.push(body.input(`cache_in_${l}`, 'float32', [s.B, s.H, variant === 'concat' ? 'T' : width, s.D]));
  const column = body.constantOfShape(body.constant([s.B, s.H, 1, s.D], 'int64'), 1, 'float32', [s.B, s.H, 1, s.D]);
  body.output(body.identity(condIn), 'cond_out');
  // ScatterND indices [B, H, 1, 3]: (row, head, P + step)
  const rows = body.constant(
    Array.from({ length: s.B * s.H }, (_, k) => Math.floor(k / s.H)),
    'int64',
    [s.B, s.H, 1, 1],
  );
  const heads = body.constant(
    Array.from({ length: s.B * s.H }, (_, k) => k % s.H),
    'int64',
    [s.B, s.H, 1, 1],
  );
  const column4 = body.reshape(body.add(step, body.scalar(s.P, 'int64')), [1, 1, 1, 1]);
  const at = body.expand(column4, body.constant([s.B, s.H, 1, 1], 'int64'), [s.B, s.H, 1, 1]);
  const indices = body.concat([rows, heads, at], 3);
  for (const buffer of buffers)
    body.output(variant === 'concat' ? body.concat([buffer, column], 2) : body.scatterND(buffer, indices, column));
  const outs = g.node(
    'Loop',
    [trip, cond, ...buffers.map(() => init)],
    { body: { graph: body } },
    buffers.map(() => ({ dtype: 'float32' as const, shape: [s.B, s.H, 'F', s.D] })),
  );
  outs.forEach((o, l) => g.output(g.reduceSum(o, [0, 1, 2, 3]), `sum_${l}`));
  return encodeModel(g);
}

async function measure(variant: Variant, s: Shape, threads: number, repeats: number) {
  const session = await ort.InferenceSession.create(loopGraph(variant, s), { intraOpNumThreads: threads });
  const width = variant === 'concat' ? s.P : s.P + s.N;
  const feeds = {
    init: new ort.Tensor('float32', new Float32Array(s.B * s.H * width * s.D), [s.B, s.H, width, s.D]),
    trip: new ort.Tensor('int64', BigInt64Array.from([BigInt(s.N)]), []),
    cond: new ort.Tensor('bool', [true], []),
  };
  await session.run(feeds);
  const t0 = performance.now();
  for (let r = 0; r < repeats; r++) await session.run(feeds);
  const msPerLoop = (performance.now() - t0) / repeats;
  await session.release();
  return { variant, shape: s, msPerLoop: Number(msPerLoop.toFixed(2)) };
}

async function main() {
  const threads = Number(flag('threads') ?? 2);
  const repeats = Number(flag('repeats') ?? 10);
  const shapes = (flag('shapes') ?? DEFAULT_SHAPES).split(';').map((text): Shape => {
    const [B, H, D, P, N, L] = text.split(',').map(Number);
    return { B, H, D, P, N, L };
  });
  for (const s of shapes)
    for (const variant of ['concat', 'scatter'] as const)
      console.log(
        JSON.stringify({ bench: 'loop-kv-cache', threads, repeats, ...(await measure(variant, s, threads, repeats)) }),
      );
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
