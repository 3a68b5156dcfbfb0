import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, test } from "vitest";
import { loadManifest } from "../../src/evaluate/rules.js";
import { cli, ensureBuilt } from "../helpers/cli.js";
import { repoRoot } from "../helpers/paths.js";

/**
 * The package as users get it: `npm pack`, then `npm install --omit=peer <tgz>` into an empty folder
 * (the CLI alone, without cdktf, cdktn or the AWS provider bindings), then the installed binary.
 */
const npm = process.platform === "win32" ? "npm.cmd" : "npm";
const sh = (cmd: string, args: string[], cwd: string) =>
  new Promise<{ code: number; stdout: string; stderr: string }>((resolve) =>
    execFile(cmd, args, { cwd, env: { ...process.env, npm_config_audit: "false", npm_config_fund: "false", NO_COLOR: "1" }, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) =>
      resolve({ code: error ? (typeof error.code === "number" ? error.code : 99) : 0, stdout, stderr }),
    ),
  );

const scratch = mkdtempSync(join(tmpdir(), "pkg-tarball-"));
const project = join(scratch, "project");
let tarball = "";
let files: string[] = [];

beforeAll(async () => {
  ensureBuilt();
  // dist/ is fresh (ensureBuilt); --ignore-scripts skips prepack's rebuild, which would race other tests reading dist/.
  const pack = await sh(npm, ["pack", "--ignore-scripts", "--json", "--pack-destination", scratch], repoRoot);
  expect(pack.code, pack.stderr).toBe(0);
  const [info] = JSON.parse(pack.stdout) as { filename: string; files: { path: string }[] }[];
  tarball = join(scratch, info!.filename);
  files = info!.files.map((f) => f.path);
  mkdirSync(project);
  writeFileSync(join(project, "package.json"), JSON.stringify({ name: "pkg-cli-only", private: true, type: "module" }));
  const install = await sh(npm, ["install", "--omit=peer", "--no-package-lock", tarball], project);
  expect(install.code, install.stderr).toBe(0);
}, 240_000);

describe("npm pack: what the tarball holds", () => {
  test("every rule README that explain reads, the LICENSE, the schemas, the bundle and the cdktn flavour", () => {
    const manifest = loadManifest();
    for (const rule of manifest.rules) expect(files, rule.id).toContain(rule.readme);
    expect(files).toEqual(expect.arrayContaining(["LICENSE", "package.json", "README.md", "bin/apprunner-guard.js", "policies/dist/policy.wasm", "policies/dist/rules.json"]));
    expect(files).toEqual(expect.arrayContaining(["dist/cdktn/index.js", "dist/cdktn/index.d.ts", "dist/cdktn/modules/index.js", "dist/src/cdktn/index.js", "dist/modules/index.js"]));
    // From src/ only what the compiled code reads at run time: the JSON Schemas and the IAM datasets, no TypeScript.
    expect(files.filter((f) => f.startsWith("src/") && !/^src\/schemas\/[^/]+\.json$/.test(f) && !/^src\/data\/[^/]+\.json\.gz$/.test(f))).toEqual([]);
    expect(files).toEqual(expect.arrayContaining(["src/data/aws-managed-policies.json.gz", "src/data/iam-arn-formats.json.gz"]));
  });

  test("every entry point in package.json exports (., ./cdktf, ./cdktn) and bin is in the tarball", () => {
    const pkg = JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")) as { exports: Record<string, string | Record<string, string>>; bin: Record<string, string> };
    const targets = Object.values(pkg.exports).flatMap((t) => (typeof t === "string" ? [t] : Object.values(t)));
    for (const target of [...targets, ...Object.values(pkg.bin)]) expect(files, target).toContain(target.replace(/^\.\//, ""));
    expect(Object.keys(pkg.exports)).toEqual(expect.arrayContaining([".", "./cdktf", "./cdktn"]));
  });

  test("no source map points at sources that are not shipped (none are shipped)", () => {
    expect(files.filter((f) => f.endsWith(".map"))).toEqual([]);
    const js = files.filter((f) => f.endsWith(".js"));
    const withComment = js.filter((f) => /sourceMappingURL=/.test(readFileSync(join(repoRoot, f), "utf8")));
    expect(withComment).toEqual([]);
  });

  test("LICENSE is the Apache-2.0 text the package.json licence names", () => {
    const pkg = JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")) as { license: string };
    expect(pkg.license).toBe("Apache-2.0");
    expect(readFileSync(join(repoRoot, "LICENSE"), "utf8")).toMatch(/Apache License\s+Version 2\.0, January 2004/);
  });
});

describe("npm install --omit=peer <tgz>: the CLI alone", () => {
  test("node_modules is at most 60 MB and holds no cdktf, cdktn or AWS provider bindings", async () => {
    const du = await sh("du", ["-sm", "node_modules"], project);
    const mb = Number(du.stdout.split(/\s/)[0]);
    console.log(`[packaging] npm install --omit=peer: node_modules ${mb} MB`);
    expect(mb).toBeLessThanOrEqual(60);
    const top = readdirSync(join(project, "node_modules"));
    expect(top).not.toEqual(expect.arrayContaining(["cdktf"]));
    expect(top).not.toContain("cdktn");
    expect(top).not.toContain("constructs");
    const scoped = [...(top.includes("@cdktf") ? readdirSync(join(project, "node_modules", "@cdktf")) : []), ...(top.includes("@cdktn") ? readdirSync(join(project, "node_modules", "@cdktn")) : [])];
    // `check --source` reads .tf files with our own reader (src/load/hcl-body.ts): no @cdktf package at all.
    expect(scoped).toEqual([]);
  });

  test("no build ran at install: the package declares no install-time scripts", () => {
    const pkg = JSON.parse(readFileSync(join(project, "node_modules", "apprunner-guard", "package.json"), "utf8")) as { scripts?: Record<string, string> };
    for (const hook of ["preinstall", "install", "postinstall", "prepare"]) expect(pkg.scripts?.[hook], hook).toBeUndefined();
  });

  test("npx apprunner-guard explain AR-IAM-001 prints the full page, as in the repository", async () => {
    const [installed, repo] = await Promise.all([sh(npm, ["exec", "--offline", "--", "apprunner-guard", "explain", "AR-IAM-001"], project), cli(["explain", "AR-IAM-001"])]);
    expect(installed.code, installed.stderr).toBe(0);
    expect(installed.stdout).toMatch(/## Why/);
    expect(installed.stdout).toMatch(/## How to fix/);
    expect(installed.stdout).not.toMatch(/no README at/);
    expect(installed.stdout).toBe(repo.stdout);
  });

  test("the installed CLI checks a plan: rejected with exit 1, accepted with exit 0, --version", async () => {
    const bin = join(project, "node_modules", "apprunner-guard", "bin", "apprunner-guard.js");
    const run = (args: string[]) => sh(process.execPath, [bin, ...args], project);
    const [bad, ok, version] = await Promise.all([
      run(["check", join(repoRoot, "test/fixtures/plans/insecure-iam.json")]),
      run(["check", join(repoRoot, "test/fixtures/plans/secure-public.json")]),
      run(["--version"]),
    ]);
    expect([bad.code, ok.code, version.code]).toEqual([1, 0, 0]);
    expect(version.stdout.trim()).toBe((JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")) as { version: string }).version);
  });
});
