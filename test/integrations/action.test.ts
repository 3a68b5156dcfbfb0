// Runs action.yml's steps the way a GitHub Actions runner does, on a good and a bad plan: each `run:`
// step in `bash --noprofile --norc -eo pipefail`, in GITHUB_WORKSPACE, with GITHUB_OUTPUT,
// GITHUB_ACTION_PATH and RUNNER_TEMP set, `${{ ... }}` expressions substituted (inputs, step outputs,
// github.action_path, runner.temp) and `if:` conditions evaluated. The upload step is not run (it
// needs GitHub); it is checked to be pinned by a full commit SHA.
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import YAML from "yaml";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { ensureBuilt } from "../helpers/cli.js";
import { fixtures, repoRoot } from "../helpers/paths.js";
import { expectValidSarif } from "../report/validate.js";

interface Step {
  name: string;
  id?: string;
  if?: string;
  uses?: string;
  shell?: string;
  run?: string;
  env?: Record<string, string>;
  with?: Record<string, string>;
}
interface Action {
  inputs: Record<string, { required?: boolean; default?: string }>;
  outputs: Record<string, { value: string }>;
  runs: { using: string; steps: Step[] };
}

const action = YAML.parse(readFileSync(join(repoRoot, "action.yml"), "utf8")) as Action;

interface Context {
  inputs: Record<string, string>;
  steps: Record<string, { outputs: Record<string, string> }>;
  github: { action_path: string; workspace: string };
  runner: { temp: string };
}

function lookup(ctx: Context, path: string): string {
  const parts = path.trim().split(".");
  let v: unknown = ctx;
  for (const p of parts) v = v && typeof v === "object" ? (v as Record<string, unknown>)[p] : undefined;
  return v === undefined || v === null ? "" : String(v);
}

/** `${{ a.b }}` in a value: the context's string (empty when unset, as on a runner). */
function substitute(text: string, ctx: Context): string {
  return text.replace(/\$\{\{\s*([^}]+?)\s*\}\}/g, (_m, expr: string) => {
    if (!/^[A-Za-z_][\w.-]*$/.test(expr)) throw new Error(`the harness substitutes context lookups only, not: ${expr}`);
    return lookup(ctx, expr);
  });
}

/** An `if:` with always(), &&, ||, ==, != over context lookups and 'strings'. */
function condition(expr: string | undefined, ctx: Context, failed: boolean): boolean {
  if (expr === undefined) return !failed; // success() is implied
  const inner = expr.trim().replace(/^\$\{\{\s*([\s\S]*?)\s*\}\}$/, "$1");
  const js = inner.replace(/'([^']*)'|always\(\)|success\(\)|failure\(\)|[A-Za-z_][\w.-]*(?:\.[\w-]+)+|==|!=/g, (m, str: string | undefined) => {
    if (str !== undefined) return JSON.stringify(str);
    if (m === "always()") return "true";
    if (m === "success()") return String(!failed);
    if (m === "failure()") return String(failed);
    if (m === "==") return "===";
    if (m === "!=") return "!==";
    return JSON.stringify(lookup(ctx, m));
  });
  if (!/^[\s"\w/.:+-]*(?:(?:===|!==|&&|\|\||[()!])[\s"\w/.:+-]*)*$/.test(js)) throw new Error(`unsupported if: ${expr}`);
  return Boolean(new Function(`return (${js});`)());
}

interface ActionRun {
  outputs: Record<string, string>;
  exitCode: number;
  log: string;
  skipped: string[];
}

function runAction(inputs: Record<string, string>, workspace: string, runnerTemp: string): ActionRun {
  const ctx: Context = {
    inputs: {},
    steps: {},
    github: { action_path: repoRoot, workspace },
    runner: { temp: runnerTemp },
  };
  for (const [name, spec] of Object.entries(action.inputs)) {
    if (spec.required && inputs[name] === undefined) throw new Error(`input ${name} is required`);
    ctx.inputs[name] = inputs[name] ?? spec.default ?? "";
  }
  let failed = false;
  let exitCode = 0;
  let log = "";
  const skipped: string[] = [];
  for (const [i, step] of action.runs.steps.entries()) {
    if (!condition(step.if, ctx, failed)) continue;
    if (step.uses) {
      skipped.push(step.uses);
      continue;
    }
    expect(step.shell, `${step.name}: composite run steps need a shell`).toBe("bash");
    const outputFile = join(runnerTemp, `output-${i}`);
    writeFileSync(outputFile, "");
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "",
      CI: "true",
      GITHUB_ACTIONS: "true",
      GITHUB_WORKSPACE: workspace,
      GITHUB_ACTION_PATH: repoRoot,
      GITHUB_OUTPUT: outputFile,
      RUNNER_TEMP: runnerTemp,
      NO_COLOR: "1",
    };
    for (const [k, v] of Object.entries(step.env ?? {})) env[k] = substitute(v, ctx);
    const r = spawnSync("bash", ["--noprofile", "--norc", "-eo", "pipefail", "-c", substitute(step.run ?? "", ctx)], { cwd: workspace, env, encoding: "utf8" });
    log += r.stdout + r.stderr;
    const outputs: Record<string, string> = {};
    for (const line of readFileSync(outputFile, "utf8").split("\n")) {
      const at = line.indexOf("=");
      if (at > 0) outputs[line.slice(0, at)] = line.slice(at + 1);
    }
    if (step.id) ctx.steps[step.id] = { outputs };
    if (r.status !== 0) {
      failed = true;
      exitCode = r.status ?? 1;
    }
  }
  const outputs = Object.fromEntries(Object.entries(action.outputs).map(([k, v]) => [k, substitute(v.value, ctx)]));
  return { outputs, exitCode, log, skipped };
}

describe("action.yml", () => {
  let tmp: string;
  beforeAll(() => {
    ensureBuilt();
    tmp = mkdtempSync(join(tmpdir(), "int-action-"));
  });
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  function workspaceWith(name: string, files: string[]): { workspace: string; runnerTemp: string } {
    const workspace = join(tmp, name, "workspace");
    const runnerTemp = join(tmp, name, "runner-temp");
    mkdirSync(join(workspace, "infra"), { recursive: true });
    mkdirSync(runnerTemp, { recursive: true });
    for (const f of files) copyFileSync(fixtures("plans", f), join(workspace, "infra", f));
    return { workspace, runnerTemp };
  }

  test("is a composite action whose third-party step is pinned by a full commit SHA", () => {
    expect(action.runs.using).toBe("composite");
    const uses = action.runs.steps.filter((s) => s.uses).map((s) => s.uses!);
    expect(uses).toEqual(["github/codeql-action/upload-sarif@5d4e8d1aca955e8d8589aabd499c5cae939e33c7"]);
    for (const u of uses) expect(u).toMatch(/@[0-9a-f]{40}$/);
    // inputs reach scripts only through env, never spliced into the script text
    for (const s of action.runs.steps) expect(s.run ?? "").not.toMatch(/\$\{\{/);
  });

  test("a bad plan: the job fails with exit 1, SARIF written (valid, with the category) and handed to the upload step", () => {
    const { workspace, runnerTemp } = workspaceWith("bad", ["insecure-iam.json"]);
    const run = runAction({ paths: "infra/insecure-iam.json", "sarif-category": "infra/prod" }, workspace, runnerTemp);
    expect(run.outputs["exit-code"]).toBe("1");
    expect(run.outputs.verdict).toBe("rejected");
    expect(run.exitCode).toBe(1);
    expect(run.outputs["report-dir"]).toBe(join(runnerTemp, "apprunner-guard"));
    const sarifFile = run.outputs["sarif-file"]!;
    expect(sarifFile).toBe(join(runnerTemp, "apprunner-guard", "report.sarif"));
    const sarif = readFileSync(sarifFile, "utf8");
    expectValidSarif(sarif);
    const runObj = JSON.parse(sarif).runs[0];
    expect(runObj.automationDetails.id).toBe("infra/prod/");
    expect(runObj.results.length).toBeGreaterThan(0);
    // workspace-relative locations, as code scanning resolves them
    expect(runObj.results[0].locations[0].physicalLocation.artifactLocation.uri).toBe("infra/insecure-iam.json");
    expect(run.skipped).toEqual(["github/codeql-action/upload-sarif@5d4e8d1aca955e8d8589aabd499c5cae939e33c7"]);
    expect(run.log).toContain("::error title=apprunner-guard::rejected");
    for (const f of ["report.json", "report.junit.xml", "report.md"]) expect(existsSync(join(runnerTemp, "apprunner-guard", f))).toBe(true);
  });

  test("good plans (two paths on two lines, fail-on, upload off): exit 0, accepted, no upload", () => {
    const { workspace, runnerTemp } = workspaceWith("good", ["secure-public.json", "secure-private.json"]);
    const run = runAction({ paths: "infra/secure-public.json\ninfra/secure-private.json\n", "fail-on": "high", "upload-sarif": "false", format: "json" }, workspace, runnerTemp);
    expect(run.outputs["exit-code"]).toBe("0");
    expect(run.outputs.verdict).toBe("accepted");
    expect(run.exitCode).toBe(0);
    expect(run.skipped).toEqual([]);
    const sarif = JSON.parse(readFileSync(run.outputs["sarif-file"]!, "utf8"));
    expect(sarif.runs[0].automationDetails.id).toBe("apprunner-guard/infra/secure-private.json+infra/secure-public.json/");
    expect(run.log).toContain("apprunner-guard: accepted");
    expect(run.log).toContain('"report_version"'); // format json went to the log
  });

  test("an input that is not a plan: exit 2 fails the job, nothing is uploaded", () => {
    const { workspace, runnerTemp } = workspaceWith("error", []);
    writeFileSync(join(workspace, "infra", "plan.json"), "{}");
    const run = runAction({ paths: "infra/plan.json" }, workspace, runnerTemp);
    expect(run.outputs["exit-code"]).toBe("2");
    expect(run.outputs.verdict).toBe("error");
    expect(run.outputs["sarif-file"]).toBe("");
    expect(run.exitCode).toBe(2);
    expect(run.skipped).toEqual([]);
    expect(run.log).toContain("the plan is NOT accepted");
  });
});
