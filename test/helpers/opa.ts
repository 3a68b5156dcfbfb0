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
