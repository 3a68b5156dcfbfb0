import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { repoRoot } from "./paths.js";

let opaPath: string | undefined;

/** The pinned OPA from go.mod's tool directive (built once into Go's cache). */
export function opaBinary(): string {
  opaPath ??= execFileSync("go", ["tool", "-n", "opa"], { cwd: repoRoot, encoding: "utf8" }).trim();
  return opaPath;
}

/** Rego sources of the bundle, without tests and without the default-params data file. */
function policySources(): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) {
        if (name !== "dist") walk(path);
      } else if (name.endsWith(".rego") && !name.endsWith("_test.rego")) out.push(relative(repoRoot, path));
    }
  };
  walk(join(repoRoot, "policies"));
  return out;
}

/** Evaluates the entrypoint with native OPA, data set exactly as the wasm engine sets it. */
export function nativeFindings(model: unknown, params: Record<string, unknown>): unknown[] {
  const dir = mkdtempSync(join(tmpdir(), "arg-opa-"));
  writeFileSync(join(dir, "input.json"), JSON.stringify(model));
  writeFileSync(join(dir, "data.json"), JSON.stringify({ apprunner_guard: { params } }));
  const args = ["eval", "--format", "json", "-i", join(dir, "input.json"), "-d", join(dir, "data.json")];
  for (const source of policySources()) args.push("-d", source);
  args.push("data.apprunner_guard.main.findings");
  const out = JSON.parse(execFileSync(opaBinary(), args, { cwd: repoRoot, encoding: "utf8", maxBuffer: 256 * 1024 * 1024 }));
  return out.result?.[0]?.expressions?.[0]?.value ?? [];
}

/**
 * What a user runs with native OPA on a model from `apprunner-guard model`: the whole policies/ folder
 * as data and policy (default parameters come from policies/apprunner_guard/params/data.json).
 */
export function documentedOpaEval(modelPath: string): unknown[] {
  const args = ["eval", "--format", "json", "-d", "policies", "-i", modelPath, "data.apprunner_guard.main.findings"];
  const out = JSON.parse(execFileSync(opaBinary(), args, { cwd: repoRoot, encoding: "utf8", maxBuffer: 256 * 1024 * 1024 }));
  return out.result?.[0]?.expressions?.[0]?.value ?? [];
}

let conftestPath: string | undefined;

/** conftest, pinned in its own tools/conftest/go.mod (it needs its own OPA; the main go.mod pins ours). */
export function conftestBinary(): string {
  conftestPath ??= execFileSync("go", ["tool", "-modfile=tools/conftest/go.mod", "-n", "conftest"], { cwd: repoRoot, encoding: "utf8" }).trim();
  return conftestPath;
}

/** `conftest test` with the adapter package: every deny result, as the finding it carries (msg and query dropped). */
export function conftestFindings(modelPath: string): { findings: unknown[]; exitCode: number } {
  const args = ["test", modelPath, "-p", "policies", "-d", "policies", "--namespace", "apprunner_guard.conftest", "--no-color", "-o", "json"];
  let stdout: string;
  let exitCode = 0;
  try {
    stdout = execFileSync(conftestBinary(), args, { cwd: repoRoot, encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
  } catch (error) {
    const e = error as { status?: number; stdout?: string };
    if (e.status !== 1 || !e.stdout) throw error;
    exitCode = 1;
    stdout = e.stdout;
  }
  const results = JSON.parse(stdout) as { failures?: { msg: string; metadata?: Record<string, unknown> }[] }[];
  const findings = results.flatMap((r) =>
    (r.failures ?? []).map((f) => {
      const { query: _query, ...finding } = f.metadata ?? {};
      return finding;
    }),
  );
  return { findings, exitCode };
}
