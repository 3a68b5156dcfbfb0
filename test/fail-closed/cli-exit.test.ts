/**
 * Exit codes through the real binary (`node bin/apprunner-guard.js check ...`): every input problem is
 * exit 2 with one stderr line (file, what is wrong, what was expected) and no stack trace unless --debug;
 * every engine problem is exit 3 and the plan is not accepted. Engine failures are provoked in a copy of
 * the installed package layout (package.json, bin, dist, policies/dist, src/schemas), so the product
 * needs no test-only switch.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, test } from "vitest";
import { fixtures, repoRoot } from "../helpers/paths.js";
import { ensureBuilt, runCli, writeInput, type CliResult } from "../helpers/fail-closed.js";

const deep = (n: number) => "[".repeat(n) + "]".repeat(n);

function expectOneLine(r: CliResult, code: number, pattern: RegExp) {
  const where = JSON.stringify(r);
  expect(r.code, where).toBe(code);
  expect(r.stderr.endsWith("\n"), where).toBe(true);
  expect(r.stderr.trimEnd().split("\n"), where).toHaveLength(1);
  expect(r.stderr, where).toMatch(pattern);
  expect(r.stderr, where).not.toMatch(/\n\s+at /);
  expect(r.stdout, where).toBe("");
}

/** Runs several CLI calls two at a time (2 cores). */
async function all(calls: (() => Promise<CliResult>)[]): Promise<CliResult[]> {
  const out: CliResult[] = [];
  for (let i = 0; i < calls.length; i += 2) out.push(...(await Promise.all(calls.slice(i, i + 2).map((c) => c()))));
  return out;
}

/** A copy of the package as npm installs it, node_modules linked. */
function packageCopy(): string {
  const root = mkdtempSync(join(tmpdir(), "arg-pkg-"));
  for (const entry of ["package.json", "bin", "dist", join("policies", "dist"), join("src", "schemas")]) {
    cpSync(join(repoRoot, entry), join(root, entry), { recursive: true });
  }
  symlinkSync(join(repoRoot, "node_modules"), join(root, "node_modules"), "dir");
  return root;
}

describe("the CLI: exit 2 with one line for input errors", () => {
  beforeAll(() => ensureBuilt());

  test("every kind of bad input", async () => {
    const out = mkdtempSync(join(tmpdir(), "arg-out-"));
    mkdirSync(join(out, "stacks"));
    const missingStack = mkdtempSync(join(tmpdir(), "arg-out2-"));
    writeFileSync(join(missingStack, "manifest.json"), JSON.stringify({ stacks: { app: { synthesizedStackPath: "stacks/app/cdk.tf.json" } } }));
    const empty = mkdtempSync(join(tmpdir(), "arg-empty-"));
    const cases: [string, string[], RegExp][] = [
      ["empty file", [writeInput("")], /input\.json: file is empty; expected JSON/],
      ["not JSON", [writeInput("hello\nworld")], /input\.json: not valid JSON: /],
      ["truncated JSON", [writeInput(readFileSync(fixtures("plans", "secure-public.json"), "utf8").slice(0, 5000))], /secure-public|input\.json: not valid JSON \(the file looks truncated\)/],
      ["JSON that is not a plan", [writeInput({ hello: 1, items: [] })], /not a Terraform plan or cdktf stack \(found top-level keys: hello, items\); pass the output of "terraform show -json"/],
      ["errored plan", [writeInput({ format_version: "1.2", resource_changes: [], errored: true })], /marked "errored": true/],
      ["unsupported format_version", [writeInput({ format_version: "2.0", resource_changes: [] })], /plan format_version "2\.0" is not supported \(supported: 0\.x and 1\.x\)/],
      ["cdktf.out without manifest", [out], /looks like a cdktf\.out directory but has no manifest\.json/],
      ["cdktf.out with a missing stack file", [missingStack], /manifest\.json: stack "app" points at .*stacks\/app\/cdk\.tf\.json, which does not exist/],
      ["a directory with nothing to check", [empty], /nothing to check here/],
      ["a file above --max-bytes", [writeInput({ format_version: "1.2", resource_changes: [] }), "--max-bytes", "10"], /file is \d+ bytes, above the limit of 10 bytes \(raise it with --max-bytes\)/],
      ["pathological nesting (100k deep, at the top level)", [writeInput(deep(100_000))], /JSON nesting is deeper than 512 levels/],
      ["pathological nesting inside a plan value", [writeInput(`{"format_version": ${deep(100_000)}, "resource_changes": []}`)], /JSON nesting is deeper than 512 levels/],
      ["nesting past the normalizer's limit inside resource values", [writeInput(`{"resource": {"aws_s3_bucket": {"b": {"tags": ${deep(300)}}}}}`)], /JSON nesting deeper than 200 levels in resource values/],
      ["a directory named like a stack file", [(() => { const d = mkdtempSync(join(tmpdir(), "arg-dir-")); mkdirSync(join(d, "main.tf.json")); return d; })()], /main\.tf\.json: cannot read it \(EISDIR\)/],
      ["a missing path", ["/nonexistent/plan.json"], /\/nonexistent\/plan\.json: no such file or directory/],
    ];
    const results = await all(cases.map(([, args]) => () => runCli(["check", ...args])));
    results.forEach((r, i) => {
      const [name, , pattern] = cases[i]!;
      expect(name).toBeTruthy();
      expectOneLine(r, 2, pattern);
      expect(r.stderr).toMatch(/^apprunner-guard: /);
    });
  });

  test("--debug adds the stack trace; without it there is none", async () => {
    const path = writeInput("{\"format_version\": \"1.2\", \"resource_changes\": [");
    const [plain, debug] = await all([() => runCli(["check", path]), () => runCli(["check", path, "--debug"])]);
    expectOneLine(plain!, 2, /not valid JSON \(the file looks truncated\)/);
    expect(debug!.code).toBe(2);
    expect(debug!.stderr).toMatch(/\n\s+at /);
  });
});

describe("the CLI: exit 3 when the engine cannot run, never an accepted plan", () => {
  let root: string;
  beforeAll(() => {
    ensureBuilt();
    root = packageCopy();
  });

  test("the untouched copy accepts/rejects normally (the copy itself works)", async () => {
    const r = await runCli(["check", fixtures("plans", "secure-public.json"), "--format", "json"], { root });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).summary.accepted).toBe(true);
  });

  test("one byte of the committed wasm flipped: exit 3 with a clear line", async () => {
    const wasm = join(root, "policies", "dist", "policy.wasm");
    const original = readFileSync(wasm);
    const flipped = Buffer.from(original);
    flipped[flipped.length >> 1] = flipped[flipped.length >> 1]! ^ 0x01;
    writeFileSync(wasm, flipped);
    try {
      const r = await runCli(["check", fixtures("plans", "secure-public.json")], { root });
      expectOneLine(r, 3, /^apprunner-guard: internal error, plan NOT accepted: .*policy\.wasm: sha256 [0-9a-f]{64} does not match rules\.json \([0-9a-f]{64}\); the bundle was modified, refusing to evaluate$/m);
    } finally {
      writeFileSync(wasm, original);
    }
  });

  test("bundle missing, manifest missing: exit 3", async () => {
    const wasm = join(root, "policies", "dist", "policy.wasm");
    const manifest = join(root, "policies", "dist", "rules.json");
    const savedWasm = readFileSync(wasm);
    const savedManifest = readFileSync(manifest);
    rmSync(wasm);
    try {
      const r = await runCli(["check", fixtures("plans", "secure-public.json")], { root });
      expectOneLine(r, 3, /internal error, plan NOT accepted: .*policy\.wasm: policy bundle missing/);
      rmSync(manifest);
      const m = await runCli(["check", fixtures("plans", "secure-public.json")], { root });
      expectOneLine(m, 3, /internal error, plan NOT accepted: .*rules\.json: cannot read the rule manifest/);
    } finally {
      writeFileSync(wasm, savedWasm);
      writeFileSync(manifest, savedManifest);
    }
  });
});
