/**
 * The CAS behind a hard deadline, called synchronously. The Compute Engine runs in a worker
 * thread; a call posts the request and blocks on a shared flag with `Atomics.wait` for at most
 * the deadline. A worker that misses it is terminated and replaced, and the call answers
 * `timed-out`, so a pathological expression costs one deadline and never hangs the scoring.
 * Synchronous calls keep every reward a plain function; comparisons that need no CAS never
 * start the worker.
 */
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import type { CasRequest, CasResponse } from './cas-protocol';

export type CasResult = CasResponse | { ok: false; error: 'timed-out' };

export type CasProblemListener = (problem: {
  reason: 'timed-out' | 'error';
  request: CasRequest;
  error?: string;
}) => void;

interface Running {
  worker: Worker;
  port: MessagePort;
  flag: Int32Array;
}

/** Starting the worker loads the engine (about a second); never a reason to fail a call. */
const START_TIMEOUT_MS = 60_000;

let running: Running | undefined;
let listener: CasProblemListener = ({ reason, request, error }) => {
  const what =
    request.op === 'equal'
      ? `${request.gold} vs ${request.pred}`
      : request.op === 'parses'
        ? request.latex
        : request.op;
  process.stderr.write(
    `${JSON.stringify({ msg: 'math verifier: CAS comparison gave no verdict', reason, error, what: what.slice(0, 200) })}\n`,
  );
};

/** Where reasons for a null verdict go (a timed-out or failed CAS call); default: one JSON line on stderr. */
export function setCasProblemListener(next: CasProblemListener): void {
  listener = next;
}

function start(): Running {
  const flagBuffer = new SharedArrayBuffer(4);
  const flag = new Int32Array(flagBuffer);
  const { port1, port2 } = new MessageChannel();
  const worker = new Worker(new URL('./cas-worker.mjs', import.meta.url), {
    workerData: { port: port2, flag: flagBuffer },
    transferList: [port2],
  });
  worker.unref();
  port1.unref();
  if (Atomics.wait(flag, 0, 0, START_TIMEOUT_MS) === 'timed-out') {
    void worker.terminate();
    throw new Error(`The CAS worker did not start within ${START_TIMEOUT_MS / 1000} s.`);
  }
  return { worker, port: port1, flag };
}

/** Runs one request with a deadline in milliseconds. */
export function casCall(request: CasRequest, deadlineMs: number): CasResult {
  running ??= start();
  const { port, flag } = running;
  Atomics.store(flag, 0, 0);
  port.postMessage(request);
  if (Atomics.wait(flag, 0, 0, deadlineMs) === 'timed-out') {
    void running.worker.terminate();
    running = undefined;
    listener({ reason: 'timed-out', request });
    return { ok: false, error: 'timed-out' };
  }
  const reply = receiveMessageOnPort(port)?.message as CasResponse | undefined;
  if (!reply) return { ok: false, error: 'the CAS worker sent no reply' };
  if (!reply.ok) listener({ reason: 'error', request, error: reply.error });
  return reply;
}

/** Stops the worker (tests, and processes that want to exit without waiting for it). */
export async function stopCas(): Promise<void> {
  const current = running;
  running = undefined;
  if (current) await current.worker.terminate();
}
