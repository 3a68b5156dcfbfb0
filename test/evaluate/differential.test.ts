import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { checkInputs } from "../../src/check.js";
import { PolicyEngine, findingSeverity } from "../../src/evaluate/engine.js";
import { loadInputs } from "../../src/load/index.js";
import { normalize } from "../../src/normalize/index.js";
import { loadConfig } from "../../src/load/config.js";
import { conftestFindings, documentedOpaEval, nativeFindings } from "../helpers/opa.js";
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

// Each case runs native opa (and conftest) as processes; the largest real plan took 77 s once on a loaded 2-core machine.
const SLOW_CASE = { timeout: 240_000 };

describe("native opa eval and the wasm bundle give identical findings", SLOW_CASE, () => {
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

/**
 * What a user outside our CLI runs on `apprunner-guard model <input> > model.json`:
 *   opa eval -d policies -i model.json 'data.apprunner_guard.main.findings'
 *   conftest test model.json -p policies -d policies --namespace apprunner_guard.conftest
 * Both must give exactly the findings of the CLI's report (before waivers), on every input.
 */
describe("CLI, documented opa eval and conftest agree on every input", SLOW_CASE, () => {
  let engine: PolicyEngine;
  let tmp: string;
  beforeAll(async () => {
    engine = await PolicyEngine.load();
    tmp = mkdtempSync(join(tmpdir(), "int-native-"));
  });
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  const cases = inputs();
  /** A finding as the report shows it, keyed by rule id: what all three must agree on. */
  const reported = (f: { rule_id: string; resource: string; attribute: string; message: string; related: string[]; blocks: string[] }) =>
    JSON.stringify([f.rule_id, f.resource, f.attribute, f.message, [...f.related].sort(), [...f.blocks].sort()]);
  const fromRaw = (raw: unknown[]) =>
    raw
      .map((r) => {
        const f = r as { rule: string; resource: string; attribute: string; message: string; related: string[]; blocks?: string[] };
        const info = engine.ruleForPackage(f.rule);
        expect(info, `native finding for unknown rule package ${f.rule}`).toBeDefined();
        return reported({ ...f, rule_id: info!.id, blocks: f.blocks ?? [] });
      })
      .sort();

  test.each(cases.map((c) => [c.slice(c.lastIndexOf("/", c.lastIndexOf("/") - 1) + 1), c]))("%s", (_name, path) => {
    for (const [i, input] of loadInputs([path]).entries()) {
      const model = normalize(input);
      const modelPath = join(tmp, `${i}-${Math.random().toString(36).slice(2)}.json`);
      writeFileSync(modelPath, JSON.stringify(model));
      const report = checkInputs(engine, [input], { config: loadConfig(undefined), now: new Date("2026-01-01T00:00:00Z") });
      const cli = report.findings.map(reported).sort();
      expect(fromRaw(documentedOpaEval(modelPath))).toEqual(cli);
      const conftest = conftestFindings(modelPath);
      expect(fromRaw(conftest.findings)).toEqual(cli);
      expect(conftest.exitCode).toBe(cli.length > 0 ? 1 : 0);
    }
  });

  test("a raw plan given to native OPA and to conftest yields one blocking finding, not an empty set", () => {
    const plan = join(fixtures("plans"), "insecure-iam.json");
    for (const raw of [documentedOpaEval(plan), conftestFindings(plan).findings]) {
      expect(raw).toHaveLength(1);
      const f = raw[0] as { rule: string; resource: string; attribute: string; blocks: string[] };
      expect([f.rule, f.resource, f.attribute]).toEqual(["meta.unknown_value", "input", "model_version"]);
      // rated as severe as the most severe rule it blocks: critical, so it rejects at any --fail-on
      const meta = engine.ruleForPackage(f.rule)!;
      expect(findingSeverity(meta, f.blocks, new Map(engine.manifest.rules.map((r) => [r.id, r])))).toBe("critical");
      expect(f.blocks).toEqual(engine.manifest.rules.map((r) => r.id).sort());
    }
    expect(conftestFindings(plan).exitCode).toBe(1);
  });
});
