import { copyFileSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { constants, PerformanceObserver, type PerformanceEntry } from "node:perf_hooks";
import { afterAll, describe, expect, test } from "vitest";
import { checkInputs, collectGarbage, runCheck } from "../src/check.js";
import { PolicyEngine } from "../src/evaluate/engine.js";
import { loadConfig } from "../src/load/config.js";
import { loadInputs } from "../src/load/index.js";
import { renderJson } from "../src/report/json.js";
// @ts-expect-error: a plain .mjs module without types (the benchmark's generator)
import { buildResources, planJson } from "../bench/generate.mjs";

const scratch = mkdtempSync(join(tmpdir(), "arg-check-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const now = new Date("2025-06-01T00:00:00Z");

describe("collection between stages (runCheck on a large plan)", () => {
  test("collectGarbage frees what nothing references any more", async () => {
    // Made in a function of its own, so no local of this test still holds it.
    const ref = ((): WeakRef<object> => new WeakRef({ payload: new Array(10_000).fill("x") }))();
    // A WeakRef's target is kept until the job that made it ends.
    await new Promise((resolve) => setTimeout(resolve, 0));
    collectGarbage();
    expect(ref.deref()).toBeUndefined();
  });

  test("only a large input pays for collections: none for an estate of plans under 4 MiB each (over it together), two for one large plan", async () => {
    const forcedDuring = async (run: () => Promise<unknown>): Promise<number> => {
      let forced = 0;
      const observer = new PerformanceObserver((list) => {
        for (const entry of list.getEntries() as (PerformanceEntry & { detail?: { flags?: number } })[]) {
          if (((entry.detail?.flags ?? 0) & constants.NODE_PERFORMANCE_GC_FLAGS_FORCED) !== 0) forced++;
        }
      });
      observer.observe({ entryTypes: ["gc"] });
      await run();
      // GC entries are delivered asynchronously.
      await new Promise((resolve) => setTimeout(resolve, 50));
      observer.disconnect();
      return forced;
    };
    const estate = join(scratch, "estate");
    mkdirSync(estate);
    const small = join(scratch, "small.json");
    writeFileSync(small, JSON.stringify(planJson(buildResources(80, 3, "flat").resources)));
    expect(statSync(small).size * 3).toBeGreaterThan(4 * 1024 * 1024);
    expect(statSync(small).size).toBeLessThan(4 * 1024 * 1024);
    for (const name of ["a.json", "b.json", "c.json"]) copyFileSync(small, join(estate, name));
    expect(await forcedDuring(() => runCheck({ paths: [estate], now, findSource: false }))).toBe(0);

    const large = join(scratch, "large-for-count.json");
    writeFileSync(large, JSON.stringify(planJson(buildResources(180, 3, "flat").resources)));
    expect(await forcedDuring(() => runCheck({ paths: [large], now, findSource: false }))).toBe(2);
  }, 120_000);

  test("a plan large enough to be collected between stages gets the report a single-thread pass without collection gives", async () => {
    const { resources } = buildResources(180, 3, "flat");
    const path = join(scratch, "large-plan.json");
    writeFileSync(path, JSON.stringify(planJson(resources)));
    expect(statSync(path).size).toBeGreaterThan(4 * 1024 * 1024); // runCheck's threshold (largeInput in src/check.ts)

    const collected = await runCheck({ paths: [path], now, findSource: false });
    const engine = await PolicyEngine.load();
    const plain = checkInputs(engine, loadInputs([path]), { config: loadConfig(undefined), now });
    expect(collected.findings.length).toBeGreaterThan(0);
    expect(renderJson(collected)).toBe(renderJson(plain));
  }, 120_000);
});
