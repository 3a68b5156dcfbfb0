/**
 * Same input, same report, whatever the order of resources in the file. Variants are written minified
 * (every resource on line 1) so that reported line numbers cannot differ; the input's sha256 identifies
 * the file's bytes by design, so it is the one field (besides generated_at, pinned here, and the baseline ids,
 * which hash the path) allowed to differ.
 */
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { runCheck } from "../../src/check.js";
import { renderJson } from "../../src/report/json.js";
import { exampleOut, fixtures } from "../helpers/paths.js";
import { fuzzSettings, printFuzz, writeInput } from "../helpers/fail-closed.js";

type Json = Record<string, unknown>;
const now = new Date("2025-06-01T00:00:00Z");

async function reportOf(paths: string[]): Promise<string> {
  const report = await runCheck({ paths, now });
  for (const input of report.inputs) input.sha256 = "-";
  // A baseline id hashes the input's path (its identity), which differs per temporary file like the
  // path itself; the fingerprint of the offending value, which must not depend on order, stays compared.
  for (const f of report.findings) f.baseline_id = "-";
  return renderJson(report).split(paths[0]!).join("<input>");
}

function shuffle<T>(list: T[], keys: number[]): T[] {
  const out = [...list];
  for (let i = out.length - 1; i > 0; i--) {
    const j = keys[i % keys.length]! % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

function shuffleKeys(object: Json, keys: number[]): Json {
  return Object.fromEntries(shuffle(Object.entries(object), keys));
}

function shufflePlan(plan: Json, keys: number[]): Json {
  const copy = structuredClone(plan);
  if (Array.isArray(copy.resource_changes)) copy.resource_changes = shuffle(copy.resource_changes, keys);
  const walk = (module: Json | undefined) => {
    if (!module) return;
    if (Array.isArray(module.resources)) module.resources = shuffle(module.resources, keys.slice(1));
    for (const child of (module.child_modules as Json[] | undefined) ?? []) walk(child);
  };
  walk((copy.planned_values as Json | undefined)?.root_module as Json | undefined);
  walk(((copy.prior_state as Json | undefined)?.values as Json | undefined)?.root_module as Json | undefined);
  const config = (copy.configuration as Json | undefined)?.root_module as Json | undefined;
  if (config && Array.isArray(config.resources)) config.resources = shuffle(config.resources, keys.slice(2));
  return copy;
}

function shuffleStack(stack: Json, keys: number[]): Json {
  const copy = structuredClone(stack);
  for (const section of ["resource", "data"]) {
    const byType = copy[section] as Record<string, Json> | undefined;
    if (!byType) continue;
    copy[section] = shuffleKeys(Object.fromEntries(Object.entries(byType).map(([t, named]) => [t, shuffleKeys(named, keys.slice(1))])), keys);
  }
  return shuffleKeys(copy, keys.slice(2));
}

const { seed, numRuns } = fuzzSettings(6);

describe("determinism", () => {
  test("the same file twice gives byte-identical reports (generated_at pinned)", async () => {
    const path = fixtures("plans", "insecure-iam.json");
    const a = renderJson(await runCheck({ paths: [path], now }));
    const b = renderJson(await runCheck({ paths: [path], now }));
    expect(b).toBe(a);
  });

  const cases: [string, string, (doc: Json, keys: number[]) => Json][] = [
    ["insecure-iam plan", fixtures("plans", "insecure-iam.json"), shufflePlan],
    ["insecure-secrets plan", fixtures("plans", "insecure-secrets.json"), shufflePlan],
    ["modules plan", fixtures("plans", "modules.json"), shufflePlan],
    ["cdktf stack (secure)", exampleOut("stacks", "apprunner-api", "cdk.tf.json"), shuffleStack],
    ["cdktf stack (with findings)", fixtures("reports", "stack.cdk.tf.json"), shuffleStack],
  ];
  test.each(cases)("%s: any order of resources gives the same report", async (name, path, shuffler) => {
    const doc = JSON.parse(readFileSync(path, "utf8")) as Json;
    const fileName = path.endsWith("cdk.tf.json") ? "cdk.tf.json" : "plan.json";
    const expected = await reportOf([writeInput(JSON.stringify(doc), fileName)]);
    expect(JSON.parse(expected).inputs[0].resources).toBeGreaterThan(1);
    await fc.assert(
      fc.asyncProperty(fc.array(fc.nat(), { minLength: 8, maxLength: 8 }), async (keys) => {
        const actual = await reportOf([writeInput(JSON.stringify(shuffler(doc, keys)), fileName)]);
        expect(actual).toBe(expected);
      }),
      { seed, numRuns },
    );
    printFuzz(`resource order (${name})`, seed, numRuns);
  });
});
