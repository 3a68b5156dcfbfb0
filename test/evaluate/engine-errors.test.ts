import { createHash } from "node:crypto";
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { EngineError } from "../../src/errors.js";
import { PolicyEngine } from "../../src/evaluate/engine.js";
import { policyDistDir } from "../../src/paths.js";
import { normalize, type InputModel } from "../../src/normalize/index.js";
import { opaBinary } from "../helpers/opa.js";

function distCopy(): string {
  const dir = mkdtempSync(join(tmpdir(), "arg-dist-"));
  for (const file of ["policy.wasm", "rules.json"]) copyFileSync(join(policyDistDir, file), join(dir, file));
  return dir;
}

async function engineError(promise: Promise<unknown> | (() => unknown)): Promise<string> {
  try {
    await (typeof promise === "function" ? promise() : promise);
  } catch (error) {
    expect(error).toBeInstanceOf(EngineError);
    return (error as Error).message;
  }
  throw new Error("expected an EngineError");
}

const emptyModel = (): InputModel =>
  normalize({ kind: "terraform-json", path: "empty.tf.json", stack: null, document: { resource: {} }, text: "{}", sha256: "", bytes: 2 });

/** Compiles a throwaway Rego entrypoint to wasm and pairs it with a manifest whose sha256 matches. */
function customBundle(rego: string): string {
  const dir = mkdtempSync(join(tmpdir(), "arg-custom-"));
  writeFileSync(join(dir, "main.rego"), rego);
  execFileSync(opaBinary(), ["build", "-t", "wasm", "-e", "apprunner_guard/main/findings", "-o", join(dir, "bundle.tar.gz"), join(dir, "main.rego")]);
  execFileSync("tar", ["xzf", "bundle.tar.gz", "/policy.wasm"], { cwd: dir });
  const wasm = readFileSync(join(dir, "policy.wasm"));
  const manifest = JSON.parse(readFileSync(join(policyDistDir, "rules.json"), "utf8"));
  manifest.wasm_sha256 = createHash("sha256").update(wasm).digest("hex");
  writeFileSync(join(dir, "rules.json"), JSON.stringify(manifest));
  return dir;
}

describe("the engine fails closed", () => {
  test("a bundle with one byte flipped is refused before evaluation", async () => {
    const dir = distCopy();
    const path = join(dir, "policy.wasm");
    const bytes = readFileSync(path);
    bytes[bytes.length >> 1] ^= 0xff;
    writeFileSync(path, bytes);
    expect(await engineError(PolicyEngine.load({ distDir: dir }))).toMatch(/policy\.wasm: sha256 [0-9a-f]{64} does not match rules\.json .*refusing to evaluate/);
  });

  test("a missing bundle or manifest", async () => {
    const dir = distCopy();
    rmSync(join(dir, "policy.wasm"));
    expect(await engineError(PolicyEngine.load({ distDir: dir }))).toMatch(/policy\.wasm: policy bundle missing/);
    rmSync(join(dir, "rules.json"));
    expect(await engineError(PolicyEngine.load({ distDir: dir }))).toMatch(/rules\.json: cannot read the rule manifest/);
  });

  test("a wasm instance that runs out of memory is an engine error, not a pass", async () => {
    const engine = await PolicyEngine.load({ maxMemoryPages: 40 });
    const model = emptyModel();
    // ~8 MB of values: more than 40 pages (2.5 MB) of wasm memory can hold.
    for (let i = 0; i < 2000; i++) {
      const address = `aws_s3_bucket.b${i}`;
      model.resources[address] = {
        address, type: "aws_s3_bucket", name: `b${i}`, module: "", mode: "managed", actions: ["create"],
        values: { blob: "x".repeat(4000) }, unknown: [], refs: {}, origin: { construct_path: null, file: null, line: null },
      };
    }
    // Whole-model evaluation holds all of it at once.
    const whole = await PolicyEngine.load({ maxMemoryPages: 40, partition: "never" });
    expect(await engineError(() => whole.evaluate(model, whole.manifest.params))).toMatch(/policy evaluation failed on empty\.tf\.json/);
    // Partitioned, no rule reaches those buckets (they are not copied), but one service that alone
    // needs more than the instance may hold still fails closed.
    model.resources["aws_apprunner_service.big"] = {
      address: "aws_apprunner_service.big", type: "aws_apprunner_service", name: "big", module: "", mode: "managed", actions: ["create"],
      values: { tags: Object.fromEntries(Array.from({ length: 2000 }, (_, i) => [`k${i}`, "x".repeat(4000)])) }, unknown: [], refs: {},
      origin: { construct_path: null, file: null, line: null },
    };
    model.by_type.aws_apprunner_service = ["aws_apprunner_service.big"];
    expect(await engineError(() => engine.evaluate(model, engine.manifest.params))).toMatch(/policy evaluation failed on empty\.tf\.json/);
  });

  test("an entrypoint that returns something other than findings is an engine error", async () => {
    const dir = customBundle('package apprunner_guard.main\n\nfindings := {"everything": "fine"}\n');
    const engine = await PolicyEngine.load({ distDir: dir });
    expect(await engineError(() => engine.evaluate(emptyModel(), {}))).toMatch(/returned output that is not a findings list/);
  });

  test("a finding for a rule the manifest does not list is an engine error", async () => {
    const dir = customBundle(
      'package apprunner_guard.main\n\nfindings contains {"rule": "rogue.rule", "resource": "x", "attribute": "", "message": "m", "related": []}\n',
    );
    const engine = await PolicyEngine.load({ distDir: dir });
    expect(await engineError(() => engine.evaluate(emptyModel(), {}))).toMatch(/rule package "rogue.rule", which rules.json does not list/);
  });
});
