import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";

/**
 * Worker threads that evaluate partitions (src/evaluate/partition.ts) with their own instance of the
 * same verified policy.wasm, so that on a machine with two cores one partition is evaluated while the
 * main thread renders the next. Each worker answers with the entrypoint's raw output; the engine
 * checks it exactly as it checks its own, and merges answers in partition order, so the findings do
 * not depend on which thread evaluated what.
 *
 * A worker that fails in any way (it cannot start, it dies, it reports an error) is never trusted for
 * an answer: the engine evaluates that partition again on its own thread, which either succeeds or
 * raises the real evaluation error.
 */
export class EvaluationPool {
  private readonly workers: PoolWorker[] = [];
  private nextId = 0;

  private constructor(
    count: number,
    private readonly setup: WorkerSetup,
  ) {
    for (let i = 0; i < count; i++) this.workers.push(this.spawn());
  }

  /** Starts `count` workers (they boot and compile the policy in the background). */
  static start(count: number, setup: WorkerSetup): EvaluationPool {
    return new EvaluationPool(count, setup);
  }

  /**
   * The least busy worker that can take one more partition now (null: all are full, and the main
   * thread evaluates the partition itself). A few in flight per worker, so a worker never waits for
   * the main thread to render its next partition, and the wait at the end stays short.
   */
  idleWorker(): PoolWorker | null {
    let best: PoolWorker | null = null;
    for (const w of this.workers) if (w.alive && w.pending.size < IN_FLIGHT && (!best || w.pending.size < best.pending.size)) best = w;
    return best;
  }

  /** The entrypoint's raw output for one partition's UTF-8 JSON; rejects when the worker cannot give it. */
  evaluate(worker: PoolWorker, input: Uint8Array, request: EvaluationRequest): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      worker.pending.set(id, { resolve, reject });
      const sendData = worker.dataKey !== request.dataKey;
      worker.dataKey = request.dataKey;
      try {
        // Copied, not transferred: the engine keeps the bytes to evaluate them itself if the worker fails.
        worker.thread.postMessage({
          id,
          input,
          entrypoint: request.entrypoint,
          pages: request.pages,
          ...(sendData ? { dataKey: request.dataKey, data: request.data } : {}),
        });
      } catch (error) {
        worker.pending.delete(id);
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.thread.terminate().catch(() => undefined)));
  }

  private spawn(): PoolWorker {
    const thread = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { opaWasmPath: OPA_WASM_PATH, wasm: this.setup.wasm, maxPages: this.setup.maxPages },
    });
    // A pool left open must not keep the process alive.
    thread.unref();
    const worker: PoolWorker = { thread, alive: true, pending: new Map(), dataKey: null };
    const fail = (why: string) => {
      worker.alive = false;
      for (const { reject } of worker.pending.values()) reject(new Error(why));
      worker.pending.clear();
    };
    thread.on("message", (message: WorkerAnswer) => {
      const waiting = worker.pending.get(message.id);
      if (!waiting) return;
      worker.pending.delete(message.id);
      if (message.error !== undefined) waiting.reject(new Error(message.error));
      else waiting.resolve(message.result);
    });
    thread.on("error", (error) => fail(`evaluation worker failed: ${error.message}`));
    thread.on("exit", (code) => fail(`evaluation worker exited (code ${code})`));
    return worker;
  }
}

const IN_FLIGHT = 4;

export interface WorkerSetup {
  /** The verified policy.wasm bytes (the engine checked their sha256). */
  wasm: Uint8Array;
  maxPages: number;
}

export interface EvaluationRequest {
  entrypoint: string;
  /** Initial wasm memory (64 KiB pages) for this input; a worker re-instantiates only to grow. */
  pages: number;
  /** The policy data (parameters) and a key that changes when they do. */
  data: unknown;
  dataKey: string;
}

interface PoolWorker {
  thread: Worker;
  alive: boolean;
  pending: Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>;
  /** The data the worker's instance holds, so parameters are sent once, not with every partition. */
  dataKey: string | null;
}

interface WorkerAnswer {
  id: number;
  result?: unknown;
  error?: string;
}

// The worker resolves the SDK by absolute path: the script is evaluated, not loaded from a file, so it
// runs the same from dist/ and from the TypeScript sources under test.
const OPA_WASM_PATH = createRequire(import.meta.url).resolve("@open-policy-agent/opa-wasm");

/**
 * The worker's whole program (CommonJS, evaluated with `eval: true`). It does only what the engine's
 * own thread does with the same SDK: instantiate, set data, evaluate, hand back the raw output.
 */
const WORKER_SOURCE = `
"use strict";
const { parentPort, workerData } = require("node:worker_threads");
const { loadPolicySync } = require(workerData.opaWasmPath);
const compiled = new WebAssembly.Module(workerData.wasm);
let policy = null;
let pages = 0;
let data = null;
parentPort.on("message", (m) => {
  try {
    if (m.dataKey !== undefined) {
      data = m.data;
      if (policy) policy.setData(data);
    }
    if (!policy || m.pages > pages) {
      policy = loadPolicySync(compiled, { initial: m.pages, maximum: workerData.maxPages });
      pages = m.pages;
      policy.setData(data);
    }
    const input = m.input.buffer.byteLength === m.input.byteLength ? m.input.buffer : m.input.slice().buffer;
    parentPort.postMessage({ id: m.id, result: policy.evaluate(input, m.entrypoint) });
  } catch (error) {
    parentPort.postMessage({ id: m.id, error: error && error.message ? String(error.message) : String(error) });
  }
});
`;
