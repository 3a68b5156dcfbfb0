import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, test } from "vitest";
import { buildApp } from "../../examples/app.js";
import { buildInsecureApp } from "../../examples/insecure-app.js";
import { repoRoot } from "../helpers/paths.js";

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [join(repoRoot, "bin/apprunner-guard.js"), ...args], {
    cwd: repoRoot,
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1" },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("the CLI on the bundled examples (synthesized in-process, checked by the real binary)", () => {
  let secure: string;
  let insecure: string;
  beforeAll(() => {
    secure = mkdtempSync(join(tmpdir(), "arg-example-"));
    buildApp(secure).synth();
    insecure = mkdtempSync(join(tmpdir(), "arg-insecure-"));
    buildInsecureApp(insecure);
  });

  test("the example app is accepted: exit 0, the verdict line, both stacks checked", () => {
    const r = cli("check", secure);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("(stack apprunner-api)");
    expect(r.stdout).toContain("(stack apprunner-internal)");
    expect(r.stdout).toMatch(/^ACCEPTED · 0 findings/m);
  });

  test("the deliberately insecure app is rejected: exit 1, every ★ rule it breaks is named", () => {
    const r = cli("check", insecure, "--format", "json");
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout);
    const ids = new Set(report.findings.map((f: { rule_id: string }) => f.rule_id));
    for (const id of ["AR-IAM-001", "AR-IAM-002", "AR-IAM-003", "AR-IAM-004", "AR-SEC-001", "AR-SEC-002", "AR-NET-001", "AR-NET-002"]) {
      expect(ids, id).toContain(id);
    }
    expect(report.summary.accepted).toBe(false);
    const text = cli("check", insecure);
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(/^REJECTED · \d+ blocking findings/m);
    expect(text.stdout).toContain("AR-IAM-001");
  });
});
