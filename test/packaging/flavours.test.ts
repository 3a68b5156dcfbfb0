import { execFile } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, sep } from "node:path";
import { beforeAll, describe, expect, test } from "vitest";
import { cli, ensureBuilt } from "../helpers/cli.js";
import { repoRoot } from "../helpers/paths.js";

/**
 * The bundled example as a user would write it under each framework: the same file with its imports
 * pointing at that framework, its AWS provider bindings and this package's published entry point
 * (dist/, as installed). Each is synthesized with applyGuard in the app, then checked by the CLI.
 */
type Flavour = "cdktf" | "cdktn";
const ENTRY: Record<Flavour, { constructs: string; guard: string }> = {
  cdktf: { constructs: "dist/modules/index.js", guard: "dist/src/cdktf/index.js" },
  cdktn: { constructs: "dist/cdktn/index.js", guard: "dist/cdktn/index.js" },
};
// Generated sources live under node_modules/.cache so that `cdktn`, `cdktf` and the providers resolve from the repository.
const work = join(repoRoot, "node_modules", ".cache", "apprunner-guard-pkg-flavours");

/** From a generated file in work/<flavour>/ to a file of the repository, as a relative specifier tsc and node both resolve. */
const fromWork = (p: string) => relative(join(work, "cdktf"), join(repoRoot, p)).split(sep).join("/");

function asFlavour(source: string, flavour: Flavour): string {
  let out = source.replace(/from "\.\.\/modules\/index\.js"/g, `from "${fromWork(ENTRY[flavour].constructs)}"`);
  if (flavour === "cdktn") out = out.replace(/from "cdktf"/g, 'from "cdktn"').replace(/"@cdktf\/provider-aws\/lib\//g, '"@cdktn/provider-aws/lib/');
  return out;
}

function run(file: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ["--import", "tsx", file, ...args], { cwd: repoRoot, env: { ...process.env, CHECKPOINT_DISABLE: "1" } }, (error, stdout, stderr) =>
      resolve({ code: error ? (typeof error.code === "number" ? error.code : 99) : 0, stdout, stderr }),
    );
  });
}

/** Writes the example (or the insecure one) for a flavour and a runner that applies the guard and synthesizes it. */
function prepare(flavour: Flavour, example: "app" | "insecure-app"): string {
  const dir = join(work, flavour);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${example}.ts`), asFlavour(readFileSync(join(repoRoot, "examples", `${example}.ts`), "utf8"), flavour));
  const runner = join(dir, `run-${example}.ts`);
  const build = example === "app" ? "buildApp(outdir)" : "buildInsecureApp(outdir)";
  const name = example === "app" ? "buildApp" : "buildInsecureApp";
  writeFileSync(
    runner,
    [
      `import { ${name} } from "./${example}.js";`,
      `import { applyGuard } from "${fromWork(ENTRY[flavour].guard)}";`,
      `const outdir = process.argv[2]!;`,
      // buildInsecureApp synthesizes by itself; the guard must be on the app before synth, so build it here.
      example === "app"
        ? `const app = ${build}; applyGuard(app, { now: new Date("2026-01-01") }); app.synth();`
        : `import { App } from "${flavour}"; const original = App.prototype.synth; App.prototype.synth = function (this: InstanceType<typeof App>) { applyGuard(this, { now: new Date("2026-01-01") }); return original.call(this); }; ${build};`,
      `console.log("synthesized");`,
    ].join("\n"),
  );
  return runner;
}

function stackFiles(outdir: string): Record<string, { resource: Record<string, Record<string, unknown>> }> {
  const stacks = join(outdir, "stacks");
  return Object.fromEntries(readdirSync(stacks).map((s) => [s, JSON.parse(readFileSync(join(stacks, s, "cdk.tf.json"), "utf8"))]));
}

beforeAll(() => {
  ensureBuilt();
  rmSync(work, { recursive: true, force: true });
});

describe.concurrent.each(["cdktf", "cdktn"] as const)("the example under %s", (flavour) => {
  test("synthesizes with applyGuard in the app, writes the report, and its output passes check", async () => {
    const outdir = mkdtempSync(join(tmpdir(), `pkg-${flavour}-`));
    const synth = await run(prepare(flavour, "app"), [outdir]);
    expect(synth.stderr).not.toMatch(/Error|is not a function/);
    expect(synth.code).toBe(0);
    expect(synth.stdout).toContain("synthesized");
    expect(Object.keys(stackFiles(outdir)).sort()).toEqual(["apprunner-api", "apprunner-internal"]);
    expect(existsSync(join(outdir, "apprunner-guard", "report.json"))).toBe(true);
    const check = await cli(["check", outdir]);
    expect(check.stdout).toMatch(/^ACCEPTED/m);
    expect(check.code).toBe(0);
    const services = Object.values(stackFiles(outdir)).flatMap((s) => Object.keys(s.resource["aws_apprunner_service"] ?? {}));
    expect(services).toHaveLength(2);
  });

  test("the insecure example fails synth through applyGuard, naming the rule ids", async () => {
    const outdir = mkdtempSync(join(tmpdir(), `pkg-${flavour}-insecure-`));
    const synth = await run(prepare(flavour, "insecure-app"), [outdir]);
    expect(synth.code).not.toBe(0);
    expect(synth.stdout + synth.stderr).toMatch(/AR-SEC-001/);
    expect(synth.stdout + synth.stderr).toMatch(/apprunner-guard REJECTED/);
  });
});

test("both flavours synthesize the same resources from the same constructs", async () => {
  const dirs = { cdktf: mkdtempSync(join(tmpdir(), "pkg-same-cdktf-")), cdktn: mkdtempSync(join(tmpdir(), "pkg-same-cdktn-")) };
  const [a, b] = await Promise.all([run(prepare("cdktf", "app"), [dirs.cdktf]), run(prepare("cdktn", "app"), [dirs.cdktn])]);
  expect([a.code, b.code]).toEqual([0, 0]);
  const types = (d: string) => Object.fromEntries(Object.entries(stackFiles(d)).map(([k, v]) => [k, Object.keys(v.resource).sort()]));
  expect(types(dirs.cdktn)).toEqual(types(dirs.cdktf));
});

test.each(["cdktf", "cdktn"] as const)("the %s example and applyGuard type-check against that framework's own App and provider classes", async (flavour) => {
  prepare(flavour, "app");
  const dir = join(work, flavour);
  writeFileSync(
    join(dir, "tsconfig.json"),
    JSON.stringify({
      compilerOptions: { target: "ES2022", module: "NodeNext", moduleResolution: "NodeNext", strict: true, skipLibCheck: true, noEmit: true, types: ["node"] },
      files: ["run-app.ts"],
    }),
  );
  const tsc = await new Promise<{ code: number; out: string }>((resolve) =>
    execFile(process.execPath, [join(repoRoot, "node_modules", "typescript", "bin", "tsc"), "-p", join(dir, "tsconfig.json")], { cwd: repoRoot }, (error, stdout, stderr) =>
      resolve({ code: error ? 1 : 0, out: stdout + stderr }),
    ),
  );
  expect(tsc.out).toBe("");
  expect(tsc.code).toBe(0);
});

test("the cdktn flavour loads no cdktf: its constructs import cdktn and @cdktn/provider-aws only", () => {
  const dir = join(repoRoot, "dist", "cdktn", "modules");
  const files = readdirSync(dir, { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".js"));
  const text = files.map((f) => readFileSync(join(dir, f), "utf8")).join("\n");
  expect(text).toMatch(/from "cdktn"/);
  expect(text).toMatch(/from "@cdktn\/provider-aws\/lib\//);
  expect(text).not.toMatch(/from "cdktf"|@cdktf\//);
});
