import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { PolicyEngine, workerCount } from "../../src/evaluate/engine.js";
import { EvaluationPool } from "../../src/evaluate/worker-pool.js";
import { loadInputs } from "../../src/load/index.js";
import { normalize, type InputModel } from "../../src/normalize/index.js";
// @ts-expect-error: the benchmark generator is plain ESM without types
import { buildResources, planJson } from "../../bench/generate.mjs";
import { repoRoot } from "../helpers/paths.js";

const scratch = mkdtempSync(join(tmpdir(), "arg-workers-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function generated(services: number, shape: string): { path: string; model: InputModel } {
  const path = join(scratch, `${shape}-${services}.json`);
  writeFileSync(path, JSON.stringify(planJson(buildResources(services, 7, shape).resources)));
  return { path, model: normalize(loadInputs([path])[0]!) };
}

/** The pool behind an engine, for fault injection (not part of the engine's API). */
function workerThreads(engine: PolicyEngine): { postMessage: (m: unknown) => void; terminate: () => Promise<number> }[] {
  const pool = (engine as unknown as { pool: { workers: { thread: { postMessage: (m: unknown) => void; terminate: () => Promise<number> } }[] } | null }).pool;
  return pool ? pool.workers.map((w) => w.thread) : [];
}

describe("instance sizing", () => {
  test("partitions a little over the soft bound are evaluated in the instance made at load, never in a re-created one", async () => {
    const { model } = generated(60, "flat");
    const bound = 32 * 1024;
    const engine = await PolicyEngine.load({ maxPartitionBytes: bound, partition: "always" });
    const params = engine.manifest.params;
    const empty: InputModel = { ...model, resources: {}, by_type: {}, referenced_by: {}, iam: { roles: {} } };
    engine.evaluateAll({ ...empty }, params);
    const initialPages = engine.lastStats!.memory_pages;
    engine.evaluateAll(model, params);
    // The bound is checked before by_type, referenced_by and iam are added: partitions end above it.
    expect(engine.lastStats!.largest_partition_bytes).toBeGreaterThan(bound);
    expect(engine.lastStats!.largest_partition_bytes).toBeLessThan(bound * 1.125);
    expect(engine.lastStats!.memory_pages).toBe(initialPages);
  });
});

describe("evaluation shared with worker threads", () => {
  test("a worker evaluates partitions, and the answer is the one-thread answer, in the same order", async () => {
    const { model } = generated(60, "flat");
    const engine = await PolicyEngine.load({ maxPartitionBytes: 16 * 1024 });
    try {
      engine.startWorkers(1);
      const params = engine.manifest.params;
      const parallel = await engine.evaluateAllInParallel(model, params);
      expect(engine.lastStats!.partitions).toBeGreaterThan(4);
      expect(engine.lastStats!.worker_partitions).toBeGreaterThan(0);
      expect(parallel).toEqual(engine.evaluateAll(model, params));
      expect(engine.lastStats!.worker_partitions).toBe(0);
    } finally {
      await engine.close();
    }
  });

  test("a worker that dies with partitions in flight is not trusted: this thread evaluates them, same answer", async () => {
    const { model } = generated(60, "modules");
    const engine = await PolicyEngine.load({ maxPartitionBytes: 16 * 1024 });
    try {
      engine.startWorkers(1);
      const [thread] = workerThreads(engine);
      const post = thread!.postMessage.bind(thread);
      let posted = 0;
      thread!.postMessage = (message: unknown) => {
        post(message);
        // Killed after it was handed its second partition, so some answers never come.
        if (++posted === 2) void thread!.terminate();
      };
      const params = engine.manifest.params;
      const parallel = await engine.evaluateAllInParallel(model, params);
      expect(posted).toBeGreaterThanOrEqual(2);
      expect(parallel).toEqual(engine.evaluateAll(model, params));
    } finally {
      await engine.close();
    }
  });

  test("a worker that cannot start answers nothing: its request is rejected, never left waiting", async () => {
    const pool = EvaluationPool.start(1, { wasm: new TextEncoder().encode("not a wasm module"), maxPages: 64 });
    try {
      const worker = pool.idleWorker();
      expect(worker).not.toBeNull();
      const answer = pool.evaluate(worker!, new TextEncoder().encode("{}"), { entrypoint: "x", pages: 32, data: {}, dataKey: "{}" });
      await expect(answer).rejects.toThrow(/evaluation worker/);
      expect(pool.idleWorker()).toBeNull();
    } finally {
      await pool.close();
    }
  });

  test("APPRUNNER_GUARD_WORKERS sets the number of workers; anything but a whole number is ignored", () => {
    expect(workerCount({ APPRUNNER_GUARD_WORKERS: "0" })).toBe(0);
    expect(workerCount({ APPRUNNER_GUARD_WORKERS: "3" })).toBe(3);
    const byCores = workerCount({});
    expect(byCores).toBeGreaterThanOrEqual(0);
    expect(byCores).toBeLessThanOrEqual(4);
    expect(workerCount({ APPRUNNER_GUARD_WORKERS: "many" })).toBe(byCores);
  });

  test("the CLI's report is byte-identical with and without workers", () => {
    const { path } = generated(160, "mix");
    const run = (workers: string) =>
      spawnSync(process.execPath, [join(repoRoot, "bin", "apprunner-guard.js"), "check", path, "--format", "json"], {
        encoding: "utf8",
        maxBuffer: 256 * 1024 * 1024,
        env: { ...process.env, APPRUNNER_GUARD_WORKERS: workers, APPRUNNER_GUARD_NOW: "2026-01-01T00:00:00Z" },
      });
    const one = run("0");
    const two = run("1");
    expect(one.status).toBe(1);
    expect(two.status).toBe(1);
    expect(two.stderr).toBe(one.stderr);
    expect(JSON.parse(one.stdout).summary.findings).toBeGreaterThan(0);
    expect(two.stdout).toBe(one.stdout);
  }, 60_000);
});
