import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, test } from "vitest";
import { loadManifest } from "../../src/evaluate/rules.js";
import { exampleOut, fixtures } from "../helpers/paths.js";
import { expectValidJsonReport, expectValidJunit, expectValidSarif } from "../report/validate.js";
import { cli, ensureBuilt } from "../helpers/cli.js";

const STACK = "test/fixtures/reports/stack.cdk.tf.json";
const PLAN = "test/fixtures/reports/plan.json";
const CONFIG = "test/fixtures/reports/config.json";
const NOW = { APPRUNNER_GUARD_NOW: "2025-06-01" };
const scratch = mkdtempSync(join(tmpdir(), "ag-cli-"));
const writeConfig = (name: string, doc: unknown) => {
  const path = join(scratch, name);
  writeFileSync(path, typeof doc === "string" ? doc : JSON.stringify(doc));
  return path;
};
const oneLine = (stderr: string) => {
  expect(stderr.endsWith("\n")).toBe(true);
  expect(stderr.trimEnd().split("\n")).toHaveLength(1);
  return stderr.trimEnd();
};

beforeAll(() => ensureBuilt());

describe.concurrent("check: formats and exit codes", () => {
  test("a compliant plan is accepted (0), a violating one rejected (1)", async () => {
    const [ok, bad] = await Promise.all([cli(["check", "test/fixtures/plans/secure-public.json"]), cli(["check", STACK])]);
    expect(ok.stderr).toBe("");
    expect([ok.code, bad.code]).toEqual([0, 1]);
    expect(ok.stdout).toMatch(/^ACCEPTED/m);
    expect(bad.stdout).toMatch(/^REJECTED · \d+ blocking findings at or above high/m);
  });

  test("--fail-on critical lets high findings through when no critical is left", async () => {
    const r = await cli(["check", PLAN, "--fail-on", "critical"]);
    expect(r.code).toBe(0);
  });

  test("--report-dir writes all four reports in one run; each is valid in its own terms; two runs differ only in generated_at", async () => {
    const args = ["check", STACK, PLAN, "--config", CONFIG, "--format", "json"];
    const [a, b] = await Promise.all([
      cli([...args, "--report-dir", join(scratch, "a")], { APPRUNNER_GUARD_NOW: "2025-06-01T01:00:00Z" }),
      cli([...args, "--report-dir", join(scratch, "b")], { APPRUNNER_GUARD_NOW: "2025-06-01T02:00:00Z" }),
    ]);
    for (const r of [a!, b!]) expect([r.code, r.stderr]).toEqual([1, ""]);
    const files = ["report.html", "report.json", "report.junit.xml", "report.md", "report.sarif"];
    expect(readdirSync(join(scratch, "a")).sort()).toEqual(files);
    const read = (dir: string, file: string) => readFileSync(join(scratch, dir, file), "utf8");
    expect(read("a", "report.json")).toBe(a!.stdout);

    const report = JSON.parse(a!.stdout);
    expectValidJsonReport(a!.stdout);
    expectValidSarif(read("a", "report.sarif"));
    expectValidJunit(read("a", "report.junit.xml"), report);
    expect(read("a", "report.md")).toMatch(/^## apprunner-guard: ❌ \*\*REJECTED\*\*/);
    expect(read("a", "report.html")).toContain(`<strong>REJECTED</strong>`);
    // the real bundle's facts and hash are in the report
    expect(report.policy.wasm_sha256).toBe(loadManifest().wasm_sha256);
    expect(report.rules.map((r: { id: string }) => r.id)).toEqual(loadManifest().rules.map((r) => r.id));

    for (const file of files) {
      const first = read("a", file);
      expect(first).toContain("2025-06-01T01:00:00.000Z");
      expect(first.replaceAll("2025-06-01T01:00:00.000Z", "T")).toBe(read("b", file).replaceAll("2025-06-01T02:00:00.000Z", "T"));
    }
  });

  test("a cdktf.out directory is one input per stack", async () => {
    const r = await cli(["check", exampleOut(), "--format", "json"]);
    const report = JSON.parse(r.stdout);
    expect(report.inputs.map((i: { kind: string }) => i.kind)).toEqual(report.inputs.map(() => "cdktf-stack"));
    expect(report.inputs.length).toBeGreaterThan(0);
  });

  test("--format html prints the self-contained HTML report", async () => {
    const r = await cli(["check", STACK, "--format", "html"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^<!DOCTYPE html>\n<html lang="en">/);
    expect(r.stdout).toContain("<strong>REJECTED</strong>");
    expect(r.stdout).not.toMatch(/<script|<link|https?:\/\/(?!apprunner-guard\.dev|www\.w3\.org)/);
  });

  test("an unknown --format is a usage error (2)", async () => {
    const r = await cli(["check", STACK, "--format", "pdf"]);
    expect(r.code).toBe(2);
    expect(oneLine(r.stderr)).toMatch(/^apprunner-guard: usage: /);
  });
});

describe.concurrent("check: waivers from --config", () => {
  test("waived, expired and stale waivers all show in the text report", async () => {
    const r = await cli(["check", STACK, PLAN, "--config", CONFIG], NOW);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("(waived by platform-team until 2025-12-31)");
    expect(r.stdout).toContain("waiver 1 (AR-SEC-001 on aws_apprunner_service.api, owner api-team) expired on 2025-05-31 and no longer waives");
    expect(r.stdout).toContain("waiver 2 (AR-IAM-001 on aws_iam_role.removed_long_ago) matches no finding; remove it");
  });

  test("a date later, the waiver that expires on 2025-06-01 stops waiving", async () => {
    const [today, tomorrow] = await Promise.all(
      ["2025-06-01", "2025-06-02"].map((d) => cli(["check", STACK, PLAN, "--config", CONFIG, "--format", "json"], { APPRUNNER_GUARD_NOW: d })),
    );
    const ops2 = (stdout: string) => JSON.parse(stdout).findings.find((f: { rule_id: string }) => f.rule_id === "AR-OPS-002").status;
    expect([ops2(today!.stdout), ops2(tomorrow!.stdout)]).toEqual(["waived", "fail"]);
  });

  const good = { rule: "AR-NET-002", resource: "aws_apprunner_service.api", justification: "j", owner: "o", expires: "2025-06-30" };
  test.each([
    ["missing owner", { waivers: [{ ...good, owner: undefined }] }, /invalid config: \/waivers\/0 must have required property 'owner'$/],
    ["bad date", { waivers: [{ ...good, expires: "2025-13-01" }] }, /invalid config: \/waivers\/0\/expires must match format "date"$/],
    ["unknown rule", { waivers: [{ ...good, rule: "AR-NET-999" }] }, /waiver 0 names rule AR-NET-999, which rule set .* does not have \(valid: AR-IAM-001, .*\)$/],
    ["not JSON", "waivers:\n  - rule: AR-NET-002", /config is not valid JSON/],
  ])("bad waiver file (%s): exit 2, one line, nothing on stdout", async (name, doc, message) => {
    const path = writeConfig(`${name.replace(/\W+/g, "-")}.json`, doc);
    const r = await cli(["check", STACK, "--config", path], NOW);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    const line = oneLine(r.stderr);
    expect(line.startsWith("apprunner-guard: ")).toBe(true);
    expect(line).toMatch(message);
  });

  test("a missing config file and a bad APPRUNNER_GUARD_NOW are input errors (2)", async () => {
    const [missing, badNow] = await Promise.all([
      cli(["check", STACK, "--config", join(scratch, "nope.json")]),
      cli(["check", STACK], { APPRUNNER_GUARD_NOW: "tomorrow" }),
    ]);
    expect(missing.code).toBe(2);
    expect(oneLine(missing.stderr)).toMatch(/nope\.json: config file not found$/);
    expect(badNow.code).toBe(2);
    expect(oneLine(badNow.stderr)).toBe('apprunner-guard: APPRUNNER_GUARD_NOW: "tomorrow" is not a date; use YYYY-MM-DD or an ISO 8601 timestamp such as 2025-06-01T12:00:00Z');
  });
});

describe.concurrent("rules and explain", () => {
  const manifest = loadManifest();

  test("rules lists every rule with id, severity, title and controls", async () => {
    const [text, json] = await Promise.all([cli(["rules"]), cli(["rules", "--format", "json"])]);
    expect([text.code, json.code]).toEqual([0, 0]);
    for (const rule of manifest.rules) {
      const line = text.stdout.split("\n").find((l) => l.startsWith(`${rule.id} `));
      expect(line?.split(/ {2,}/)).toEqual([rule.id, rule.severity, rule.title, ...(rule.controls.length > 0 ? [rule.controls.join(", ")] : [])]);
    }
    const doc = JSON.parse(json.stdout);
    expect(doc.rules).toHaveLength(manifest.rules.length);
    expect(doc.rules[0]).toEqual({
      id: expect.any(String),
      severity: expect.any(String),
      title: expect.any(String),
      controls: expect.any(Array),
      mappings: expect.any(Array),
      applies_to: expect.any(Array),
    });
    // the frameworks with the edition every control id refers to
    expect(text.stdout).toContain("NIST SP 800-53, Rev. 5");
    expect(text.stdout).toContain("PCI DSS, v4.0.1");
    expect(text.stdout).toMatch(/CIS Amazon Web Services Foundations Benchmark, v\d+\.\d+\.\d+/);
    expect(doc.frameworks.map((f: { id: string; edition: string }) => `${f.id} ${f.edition}`)).toEqual(expect.arrayContaining(["nist-800-53 Rev. 5", "soc2 2017 (revised points of focus, 2022)"]));
  });

  test("explain prints what, why, how to fix (HCL and cdktf) and controls", async () => {
    const rule = manifest.rules.find((r) => r.id === "AR-NET-002")!;
    const r = await cli(["explain", "ar-net-002"]);
    expect(r.code).toBe(0);
    expect(r.stdout.split("\n")[0]).toBe(`AR-NET-002  ${rule.title}`);
    expect(r.stdout).toContain(`controls: ${rule.controls.join(", ")}`);
    for (const heading of ["What it checks", "Why", "How to fix", "```hcl", "```ts"]) expect(r.stdout).toContain(heading);
  });

  test("explain with an unknown id: exit 2, one line listing the valid ids", async () => {
    const r = await cli(["explain", "AR-NOPE-001"]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(oneLine(r.stderr)).toBe(`apprunner-guard: explain AR-NOPE-001: unknown rule id; valid ids: ${manifest.rules.map((x) => x.id).sort().join(", ")}`);
  });
});

describe.concurrent("colour", () => {
  test("a pipe gets no colour; a TTY gets colour unless NO_COLOR is set", async () => {
    const piped = await cli(["check", STACK]);
    expect(piped.stdout).not.toContain("\u001b[");
    const { main } = await import("../../src/cli/main.js");
    const capture = () => {
      let out = "";
      return { stream: { isTTY: true, write: (s: string) => ((out += s), true) } as unknown as typeof process.stdout & typeof process.stderr, text: () => out };
    };
    for (const [env, expectColour] of [[{}, true], [{ NO_COLOR: "1" }, false]] as const) {
      const stdout = capture();
      const stderr = capture();
      const code = await main(["check", fixtures("reports", "stack.cdk.tf.json")], { stdout: stdout.stream, stderr: stderr.stream, env: env as NodeJS.ProcessEnv });
      expect(code).toBe(1);
      expect(stdout.text().includes("\u001b[")).toBe(expectColour);
    }
  });
});
