import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import { beforeAll, describe, expect, test } from "vitest";
import { checkInputs } from "../../src/check.js";
import { PolicyEngine } from "../../src/evaluate/engine.js";
import { loadConfig } from "../../src/load/config.js";
import { loadInputs } from "../../src/load/index.js";
import { renderers } from "../../src/report/index.js";
import { fixtures, repoRoot } from "../helpers/paths.js";
import { cli, ensureBuilt } from "../helpers/cli.js";
import { goldenReport } from "../helpers/report.js";

const validate = new Ajv2020({ allErrors: true, strict: true, strictRequired: false }).compile(JSON.parse(readFileSync(join(repoRoot, "test", "schemas", "gitlab-code-quality.schema.json"), "utf8")));

function expectValidCodeQuality(text: string): { fingerprint: string; severity: string; check_name: string; description: string; location: { path: string; lines: { begin: number } } }[] {
  const issues = JSON.parse(text);
  const ok = validate(issues);
  expect(validate.errors ?? []).toEqual([]);
  expect(ok).toBe(true);
  const prints = issues.map((i: { fingerprint: string }) => i.fingerprint);
  expect(new Set(prints).size, "fingerprints are unique").toBe(prints.length);
  return issues;
}

describe("--format gitlab (Code Quality)", () => {
  test("the golden report: one issue per finding, severities mapped, waived ones as info, valid", () => {
    const report = goldenReport();
    const issues = expectValidCodeQuality(renderers.gitlab(report));
    expect(issues).toHaveLength(report.findings.length);
    const expected = { critical: "critical", high: "major", medium: "minor", low: "info" } as const;
    report.findings.forEach((f, i) => {
      const issue = issues[i]!;
      expect(issue.check_name).toBe(f.rule_id);
      expect(issue.severity).toBe(f.status === "waived" ? "info" : expected[f.severity]);
      expect(issue.location.path).toBe(f.location.file);
      expect(issue.location.lines.begin).toBe(f.location.line ?? 1);
      if (f.status === "waived") expect(issue.description).toContain(`[waived until ${f.waiver!.expires}`);
    });
    expect(issues.some((i) => i.severity === "critical")).toBe(true);
  });

  describe("every plan fixture", () => {
    let engine: PolicyEngine;
    beforeAll(async () => {
      engine = await PolicyEngine.load();
    });
    test.each(readdirSync(fixtures("plans")).filter((n) => n.endsWith(".json")).sort())("%s", (name) => {
      const report = checkInputs(engine, loadInputs([fixtures("plans", name)]), { config: loadConfig(undefined), now: new Date("2026-01-01T00:00:00Z") });
      expect(expectValidCodeQuality(renderers.gitlab(report))).toHaveLength(report.findings.length);
    });
  });

  test("the schema rejects what GitLab would not read", () => {
    const good = JSON.parse(renderers.gitlab(goldenReport()))[0];
    for (const bad of [{ ...good, severity: "high" }, { ...good, location: { path: good.location.path } }, { ...good, fingerprint: undefined }, { ...good, location: { ...good.location, path: "/abs/plan.json" } }]) {
      expect(validate([JSON.parse(JSON.stringify(bad))])).toBe(false);
    }
  });

  test("the CLI prints it and still exits by the verdict", async () => {
    ensureBuilt();
    const r = await cli(["check", "test/fixtures/plans/insecure-iam.json", "--format", "gitlab"]);
    expect(r.code).toBe(1);
    expect(expectValidCodeQuality(r.stdout).length).toBeGreaterThan(0);
  });
});
