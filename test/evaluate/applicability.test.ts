// Applicability comes from the bundle (each rule's `applicable` set, through the evaluation entrypoint) and
// is checked like findings: a malformed answer is an engine error (fail closed); a bundle built without the
// entrypoint still gives findings, with applicability unknown (null).
import { createHash } from "node:crypto";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { EngineError } from "../../src/errors.js";
import { PolicyEngine } from "../../src/evaluate/engine.js";
import { loadInputs } from "../../src/load/index.js";
import { normalize, type InputModel } from "../../src/normalize/index.js";
import { policyDistDir } from "../../src/paths.js";
import { opaBinary } from "../helpers/opa.js";
import { fixtures } from "../helpers/paths.js";

const emptyModel = (): InputModel =>
  normalize({ kind: "terraform-json", path: "empty.tf.json", stack: null, document: { resource: {} }, text: "{}", sha256: "", bytes: 2 });

function bundle(rego: string, entrypoints: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), "arg-applicable-"));
  writeFileSync(join(dir, "main.rego"), rego);
  execFileSync(opaBinary(), ["build", "-t", "wasm", ...entrypoints.flatMap((e) => ["-e", e]), "-o", join(dir, "bundle.tar.gz"), join(dir, "main.rego")]);
  execFileSync("tar", ["xzf", "bundle.tar.gz", "/policy.wasm"], { cwd: dir });
  const manifest = JSON.parse(readFileSync(join(policyDistDir, "rules.json"), "utf8"));
  manifest.wasm_sha256 = createHash("sha256").update(readFileSync(join(dir, "policy.wasm"))).digest("hex");
  writeFileSync(join(dir, "rules.json"), JSON.stringify(manifest));
  return dir;
}

describe("applicability from the bundle", () => {
  test("the real bundle answers for every rule, by rule id; a private service is outside AR-NET-001's set", async () => {
    const engine = await PolicyEngine.load();
    const [input] = loadInputs([fixtures("plans", "secure-private.json")]);
    const { findings, applicable } = engine.evaluateAll(normalize(input!), engine.manifest.params);
    expect(findings).toEqual([]);
    expect(Object.keys(applicable!).sort()).toEqual(engine.manifest.rules.map((r) => r.id).sort());
    expect(applicable!["AR-NET-001"]).toEqual([]);
    expect(applicable!["AR-NET-004"]).toEqual(["aws_apprunner_service.api"]);
    expect(applicable!["AR-SEC-002"]).toEqual(["aws_apprunner_service.api"]);
  });

  test("a bundle without the evaluation entrypoint gives findings and no applicability", async () => {
    const dir = bundle("package apprunner_guard.main\n\nfindings := set()\n", ["apprunner_guard/main/findings"]);
    const engine = await PolicyEngine.load({ distDir: dir });
    expect(engine.evaluateAll(emptyModel(), {})).toEqual({ findings: [], applicable: null });
  });

  test.each([
    ['{"findings": set(), "applicable": {"network.waf_on_public_service": "everything"}}', /applicability that is not a map of rule packages to addresses/],
    ['{"findings": set(), "applicable": {"rogue.rule": []}}', /applicability for rule package "rogue.rule", which rules.json does not list/],
    ['{"findings": {"not": "a list"}, "applicable": {}}', /returned output that is not a findings list/],
  ])("a malformed evaluation is an engine error: %s", async (value, message) => {
    const rego = `package apprunner_guard.main\n\nfindings := set()\n\nevaluation := ${value}\n`;
    const engine = await PolicyEngine.load({ distDir: bundle(rego, ["apprunner_guard/main/findings", "apprunner_guard/main/evaluation"]) });
    let error: unknown;
    try {
      engine.evaluateAll(emptyModel(), {});
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(EngineError);
    expect((error as Error).message).toMatch(message);
  });
});
