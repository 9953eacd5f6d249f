// The gather (embedding) gradient both ways: rows scatter-added into zeros (ScatterElements) and
// OneHot(indices)^T x dY as one GEMM (engine/autodiff/rules-nn.ts), for tables of V rows around
// ONE_HOT_GRADIENT_MAX_ROWS, N gathered rows of width W. Prints JSON, one line per table size.
// Run: node --import tsx bench/embedding-gradient.ts [--rows 2560] [--width 96] [--tables 48,128,256,512,1024] [--threads 2] [--repeats 20]
import * as ort from 'onnxruntime-node';
import { ONE_HOT_GRADIENT_MAX_ROWS, oneHotGatherGradient, scatterGatherGradient } from '../engine/autodiff/rules-nn';
import { encodeModel } from '../engine/onnx/encode';
import { GraphBuilder } from '../engine/onnx/graph-builder';
import { SeededRng } from '../engine/model';
import { median } from './train-bench';
import { flag } from './bench-env';

type Way = 'scatter' | 'oneHot';

function gradientGraph(way: Way, tableRows: number, width: number): Uint8Array {
  const g = new GraphBuilder(`embedding_gradient_${way}`);
  const table = g.input('table', 'float32', [tableRows, width]);
  const ids = g.input('ids', 'int32', ['N']);
  const gy = g.input('gy', 'float32', ['N', width]);
  const grad = way === 'scatter' ? scatterGatherGradient(g, table, ids, gy) : oneHotGatherGradient(g, table, ids, gy);
  g.output(grad, 'grad');
  return encodeModel(g);
}

async function msPerRun(way: Way, tableRows: number, rows: number, width: number, threads: number, repeats: number) {
  const session = await ort.InferenceSession.create(gradientGraph(way, tableRows, width), {
    intraOpNumThreads: threads,
  });
  const rng = new SeededRng(7);
  const feeds = {
    table: new ort.Tensor('float32', new Float32Array(tableRows * width), [tableRows, width]),
    ids: new ort.Tensor(
      'int32',
      Int32Array.from({ length: rows }, () => rng.nextUint32() % tableRows),
      [rows],
    ),
    gy: new ort.Tensor(
      'float32',
      Float32Array.from({ length: rows * width }, () => rng.uniform() - 0.5),
      [rows, width],
    ),
  };
  await session.run(feeds);
  const ms: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const t0 = performance.now();
    await session.run(feeds);
    ms.push(performance.now() - t0);
  }
  await session.release();
  return Number(median(ms).toFixed(3));
}

async function main() {
  const rows = Number(flag('rows') ?? 2560);
  const width = Number(flag('width') ?? 96);
  const threads = Number(flag('threads') ?? 2);
  const repeats = Number(flag('repeats') ?? 20);
  const tables = (flag('tables') ?? '48,128,256,512,1024').split(',').map(Number);
  for (const tableRows of tables) {
    const scatterMs = await msPerRun('scatter', tableRows, rows, width, threads, repeats);
    const oneHotMs = await msPerRun('oneHot', tableRows, rows, width, threads, repeats);
    console.log(
      JSON.stringify({
        bench: 'embedding-gradient',
        threads,
        rows,
        width,
        tableRows,
        scatterMs,
        oneHotMs,
        engineUses: tableRows <= ONE_HOT_GRADIENT_MAX_ROWS ? 'oneHot' : 'scatter',
      }),
    );
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
