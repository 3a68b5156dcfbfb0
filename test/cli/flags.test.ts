import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { fixtures, repoRoot } from "../helpers/paths.js";
import { tempJson } from "../helpers/model.js";

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [join(repoRoot, "bin/apprunner-guard.js"), ...args], { cwd: repoRoot, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("check flags and config", () => {
  const plan = fixtures("plans", "waf-unknown-link.json"); // one high (AR-NET-001) and four medium findings

  test("fail_on from the config file applies when --fail-on is not given; the flag still wins", () => {
    expect(cli("check", plan).code).toBe(1);
    const lenient = tempJson({ fail_on: "critical" }, "guard.json");
    expect(cli("check", plan, "--config", lenient).code).toBe(0);
    expect(cli("check", plan, "--config", lenient, "--fail-on", "high").code).toBe(1);
  });

  test.each([["abc"], ["0"], ["-5"], ["1.5"]])("--max-bytes %s is a usage error, not a disabled limit", (value) => {
    const r = cli("check", plan, "--max-bytes", value);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^apprunner-guard: usage: .*--max-bytes must be a positive whole number of bytes/);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
  });

  test("APPRUNNER_GUARD_NOW that is not a real calendar day is refused", () => {
    const r = spawnSync(process.execPath, [join(repoRoot, "bin/apprunner-guard.js"), "check", plan], {
      cwd: repoRoot,
      encoding: "utf8",
      env: { ...process.env, APPRUNNER_GUARD_NOW: "2025-02-30" },
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('APPRUNNER_GUARD_NOW: "2025-02-30" is not a date');
  });
});
