import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, test } from "vitest";
import { PolicyEngine } from "../../src/evaluate/engine.js";
import { loadInputs } from "../../src/load/index.js";
import { normalize } from "../../src/normalize/index.js";
import { nativeFindings } from "../helpers/opa.js";
import { fixtures, hasRealcases, noteRealcasesSkipped, realcases } from "../helpers/paths.js";

/** Every input we have: our plan fixtures, real plans from other projects, a real cdktf.out. */
function inputs(): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) {
        if (name === "cdktf.out") found.push(path);
        else walk(path);
      } else if (/tfplan\.json$|_infra\.json$/.test(name)) found.push(path);
    }
  };
  if (hasRealcases) walk(realcases);
  else noteRealcasesSkipped("test/evaluate/differential.test.ts: real inputs only; the repo fixtures still run");
  const plans = fixtures("plans");
  if (existsSync(plans)) for (const name of readdirSync(plans).sort()) if (name.endsWith(".json")) found.push(join(plans, name));
  return found;
}

/** Key order differs between the two engines' JSON; content must not. */
const sortedKeys = (value: unknown): unknown =>
  Array.isArray(value)
    ? value.map(sortedKeys)
    : value && typeof value === "object"
      ? Object.fromEntries(Object.keys(value).sort().map((k) => [k, sortedKeys((value as Record<string, unknown>)[k])]))
      : value;
const canonical = (findings: unknown[]) => findings.map((f) => JSON.stringify(sortedKeys(f))).sort();

describe("native opa eval and the wasm bundle give identical findings", () => {
  let engine: PolicyEngine;
  beforeAll(async () => {
    engine = await PolicyEngine.load();
  });

  const cases = inputs();
  test("there are inputs to compare", () => {
    expect(cases.length).toBeGreaterThanOrEqual(12);
  });

  const tightened = {
    allowed_ports: [8080, 8443],
    required_tags: ["Environment", "Owner", "CostCenter"],
    allow_ssm_for_secret_names: true,
  };

  test.each(cases.map((c) => [c.slice(c.lastIndexOf("/", c.lastIndexOf("/") - 1) + 1), c]))("%s", (_name, path) => {
    for (const input of loadInputs([path])) {
      const model = normalize(input);
      for (const params of [engine.manifest.params, { ...engine.manifest.params, ...tightened }]) {
        const wasm = engine.evaluateRaw(model, params);
        const native = nativeFindings(model, params);
        expect(canonical(wasm)).toEqual(canonical(native));
      }
    }
  });
});
