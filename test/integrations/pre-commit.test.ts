// The real pre-commit (pip install pre-commit, pinned in .ci/run) runs this repository's hook through
// `pre-commit try-repo`, in a scratch git repository laid out like a user's project: apprunner-guard
// installed in its node_modules (here: a link to this checkout), a plan JSON staged.
import { execFileSync, spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import YAML from "yaml";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { ensureBuilt } from "../helpers/cli.js";
import { fixtures, repoRoot } from "../helpers/paths.js";

const hasPreCommit = spawnSync("pre-commit", ["--version"], { encoding: "utf8" }).status === 0;
if (!hasPreCommit) console.log("[pre-commit] not on PATH: skipping the try-repo tests (test/integrations/pre-commit.test.ts); .ci/run installs it");

const hooks = YAML.parse(readFileSync(join(repoRoot, ".pre-commit-hooks.yaml"), "utf8")) as { id: string; entry: string; language: string }[];

test(".pre-commit-hooks.yaml defines apprunner-guard and apprunner-guard-cdktf, run offline from the project's own install", () => {
  expect(hooks.map((h) => h.id)).toEqual(["apprunner-guard", "apprunner-guard-cdktf"]);
  for (const h of hooks) {
    expect(h.language).toBe("system");
    expect(h.entry).toContain("npx --no apprunner-guard check");
  }
});

describe.skipIf(!hasPreCommit)("pre-commit try-repo <this repo> apprunner-guard --all-files", () => {
  let tmp: string;
  beforeAll(() => {
    ensureBuilt();
    tmp = mkdtempSync(join(tmpdir(), "int-pre-commit-"));
  });
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  function project(name: string, plan: string): string {
    const dir = join(tmp, name);
    mkdirSync(join(dir, "node_modules", ".bin"), { recursive: true });
    mkdirSync(join(dir, "infra"));
    symlinkSync(repoRoot, join(dir, "node_modules", "apprunner-guard"));
    symlinkSync(join("..", "apprunner-guard", "bin", "apprunner-guard.js"), join(dir, "node_modules", ".bin", "apprunner-guard"));
    copyFileSync(fixtures("plans", plan), join(dir, "infra", "plan.json"));
    writeFileSync(join(dir, ".gitignore"), "node_modules/\n");
    const git = (...args: string[]) => execFileSync("git", args, { cwd: dir, stdio: "pipe" });
    git("init", "-q", ".");
    git("add", ".");
    return dir;
  }

  function tryRepo(dir: string) {
    return spawnSync("pre-commit", ["try-repo", repoRoot, "apprunner-guard", "--all-files"], {
      cwd: dir,
      encoding: "utf8",
      timeout: 240_000,
      env: { ...process.env, PRE_COMMIT_HOME: join(tmp, "pre-commit-home"), NO_COLOR: "1", PRE_COMMIT_COLOR: "never" },
    });
  }

  test("a bad plan: exit 1, the findings in the hook output", () => {
    const r = tryRepo(project("bad", "insecure-iam.json"));
    expect(r.status, r.stdout + r.stderr).toBe(1);
    expect(r.stdout).toMatch(/apprunner-guard \(Terraform plan JSON\)\.+Failed/);
    expect(r.stdout).toContain("AR-IAM-004");
    expect(r.stdout).toContain("REJECTED");
  }, 300_000);

  test("a good plan: exit 0", () => {
    const r = tryRepo(project("good", "secure-public.json"));
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/apprunner-guard \(Terraform plan JSON\)\.+Passed/);
  }, 300_000);
});
