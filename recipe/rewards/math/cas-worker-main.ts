// The CAS worker: answers one request at a time on its port and wakes the waiting caller
// through the shared flag (the caller blocks on it with a deadline; see deadline-worker.ts).
import { workerData, type MessagePort } from 'node:worker_threads';
import { casEqual, casParses } from './cas';
import type { CasRequest, CasResponse } from './cas-protocol';

const port = workerData.port as MessagePort;
const flag = new Int32Array(workerData.flag as SharedArrayBuffer);

function wake(): void {
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
}

function answer(request: CasRequest): CasResponse {
  try {
    if (request.op === 'equal') return { ok: true, value: casEqual(request.gold, request.pred, request.float) };
    if (request.op === 'parses') return { ok: true, value: casParses(request.latex) };
    // a request that never ends, for the deadline's own tests
    for (;;);
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}

port.on('message', (request: CasRequest) => {
  port.postMessage(answer(request));
  wake();
});
// warm the engine up before saying ready, so the first real request meets its deadline
casParses('\\frac{1}{2}+\\sqrt{2}x');
wake();
