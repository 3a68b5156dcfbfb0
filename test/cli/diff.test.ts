import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, test } from "vitest";
import { baselineEntry, inputIdentity, valueFingerprint, withoutCdktfHash } from "../../src/report/baseline.js";
import type { Report } from "../../src/report/types.js";
import { expectValidJsonReport } from "../report/validate.js";
import { cli, ensureBuilt } from "../helpers/cli.js";

const plan = (name: string) => `test/fixtures/plans/${name}.json`;
const scratch = mkdtempSync(join(tmpdir(), "ag-diff-"));
const file = (name: string, doc: unknown) => {
  const path = join(scratch, name);
  writeFileSync(path, typeof doc === "string" ? doc : JSON.stringify(doc, null, 2));
  return path;
};
const json = (stdout: string) => {
  expectValidJsonReport(stdout);
  return JSON.parse(stdout) as Report;
};
const oneLine = (stderr: string) => {
  expect(stderr.trimEnd().split("\n")).toHaveLength(1);
  return stderr.trimEnd();
};

beforeAll(() => ensureBuilt());

describe.concurrent("check --changes-only (the real binary)", () => {
  test("an existing public service without WAF: AR-NET-001 existing, rejected by default, accepted (0) with --changes-only", async () => {
    const [all, changes] = await Promise.all([cli(["check", plan("diff-role-unchanged")]), cli(["check", plan("diff-role-unchanged"), "--changes-only", "--format", "json"])]);
    expect(all.code).toBe(1);
    expect(changes.code).toBe(0);
    expect(json(changes.stdout).findings.map((f) => [f.rule_id, f.delta, f.blocking])).toEqual([
      ["AR-NET-001", "existing", false],
      ["AR-NET-001", "existing", false],
    ]);
  });

  test("the WAF association deleted: AR-NET-001 introduced + regression, exit 1 even with --changes-only", async () => {
    const r = await cli(["check", plan("diff-waf-removed"), "--changes-only", "--format", "json"]);
    expect(r.code).toBe(1);
    expect(json(r.stdout).findings[0]).toMatchObject({ rule_id: "AR-NET-001", delta: "introduced", regression: true });
  });

  test("--fail-on-changes turns a weakened protection into a rejection", async () => {
    const [info, block] = await Promise.all([
      cli(["check", plan("diff-role-widened"), "--fail-on", "critical"]),
      cli(["check", plan("diff-role-widened"), "--fail-on", "medium", "--fail-on-changes"]),
    ]);
    expect(info.code).toBe(0);
    expect(info.stdout).toContain("Protections this plan weakens while the rules still pass (1, informational; --fail-on-changes makes them block)");
    expect(block.code).toBe(1);
  });
});

describe.concurrent("baselines", () => {
  test("--write-baseline then --baseline on the same plan: exit 0, findings baselined, nothing stale", async () => {
    const path = join(scratch, "same.baseline.json");
    const first = await cli(["check", plan("insecure-network"), "--write-baseline", path]);
    expect(first.code).toBe(1);
    const baseline = JSON.parse(readFileSync(path, "utf8")) as { entries: { input: string; rule_id: string }[] };
    expect(baseline.entries.length).toBeGreaterThan(0);
    expect(new Set(baseline.entries.map((e) => e.input))).toEqual(new Set(["test/fixtures/plans/insecure-network.json"]));
    const second = await cli(["check", plan("insecure-network"), "--baseline", path, "--format", "json"]);
    expect(second.code).toBe(0);
    const r = json(second.stdout);
    expect(r.findings.every((f) => f.status === "baselined" && !f.blocking)).toBe(true);
    expect(r.baseline).toMatchObject({ entries: baseline.entries.length, stale: [] });
    // Written again with the baseline applied, it is the same file.
    const again = join(scratch, "same.again.json");
    await cli(["check", plan("insecure-network"), "--baseline", path, "--write-baseline", again]);
    expect(readFileSync(again, "utf8")).toBe(readFileSync(path, "utf8"));
  });

  test("another plan's findings are not hidden by it, and every entry of the first plan is stale there", async () => {
    const path = join(scratch, "other.baseline.json");
    await cli(["check", plan("diff-role-unchanged"), "--write-baseline", path]);
    const r = await cli(["check", plan("insecure-network"), "--baseline", path, "--format", "json"]);
    expect(r.code).toBe(1);
    const report = json(r.stdout);
    expect(report.findings.some((f) => f.status === "baselined")).toBe(false);
    expect(report.baseline!.stale.map((e) => e.resource)).toEqual(["aws_apprunner_service.api", "aws_apprunner_service.status"]);
  });

  test("next week's plan at the same path: the same violation stays baselined, one that is fixed is reported stale", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ag-diff-week-"));
    const target = join(dir, "plan.json");
    copyFileSync(plan("diff-role-unchanged"), target);
    const path = join(dir, "baseline.json");
    expect((await cli(["check", target, "--write-baseline", path])).code).toBe(1);
    copyFileSync(plan("diff-waf-removed"), target); // api still has no WAF; there is no status service any more
    const r = await cli(["check", target, "--baseline", path]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("AR-NET-001 [regression]");
    expect(r.stdout).toContain("(baselined)");
    expect(r.stdout).toMatch(/baseline entry [0-9a-f]{12} \(AR-NET-001 on aws_apprunner_service\.status in .*plan\.json\) matches no finding: stale; write the baseline again/);
    expect(r.stdout).toContain("1 of 2 entries match a finding");
  });

  test("identity: resource order in the file does not matter; a different offending value at the same address does", async () => {
    const doc = JSON.parse(readFileSync(plan("insecure-network"), "utf8")) as { resource_changes: unknown[]; planned_values: { root_module: { resources: unknown[] } } };
    const dir = mkdtempSync(join(tmpdir(), "ag-diff-order-"));
    const a = join(dir, "plan.json");
    writeFileSync(a, JSON.stringify(doc));
    const baseline = join(dir, "baseline.json");
    await cli(["check", a, "--write-baseline", baseline]);
    doc.resource_changes.reverse();
    doc.planned_values.root_module.resources.reverse();
    writeFileSync(a, JSON.stringify(doc));
    expect((await cli(["check", a, "--baseline", baseline])).code).toBe(0);
    const text = JSON.stringify(doc).replace(/"port":"22"/g, '"port":"23"').replace(/"port": "22"/g, '"port": "23"');
    expect(text).not.toBe(JSON.stringify(doc));
    writeFileSync(a, text);
    const moved = json((await cli(["check", a, "--baseline", baseline, "--format", "json"])).stdout);
    const port = moved.findings.filter((f) => f.rule_id === "AR-NET-002");
    expect(port.map((f) => [f.status, f.blocking])).toEqual([["fail", true]]);
    expect(moved.baseline!.stale.map((e) => e.rule_id)).toEqual(["AR-NET-002"]);
  });

  test("cdktf hash suffixes and the folder a plan is checked from do not change an identity", () => {
    expect(withoutCdktfHash("aws_iam_role.Api_InstanceRole_1A2B3C4D")).toBe("aws_iam_role.Api_InstanceRole");
    expect(withoutCdktfHash("aws_iam_role.api_instance")).toBe("aws_iam_role.api_instance");
    const f = (resource: string) => ({ rule_id: "AR-IAM-002", resource, attribute: "policy" });
    const fp = valueFingerprint('allows wildcard actions "s3:*" in statement 0 of aws_iam_role_policy.Api_Policy_0F0F0F0F', "policy", undefined);
    expect(valueFingerprint('allows wildcard actions "s3:*" in statement 1 of aws_iam_role_policy.Api_Policy_ABCDEF12', "policy", undefined)).toBe(fp);
    expect(valueFingerprint('allows wildcard actions "dynamodb:*" in statement 0', "policy", undefined)).not.toBe(fp);
    expect(baselineEntry(f("aws_iam_role.Api_InstanceRole_1A2B3C4D"), "stack:api", fp).id).toBe(baselineEntry(f("aws_iam_role.Api_InstanceRole_99887766"), "stack:api", fp).id);
    expect(inputIdentity({ path: plan("diff-waf-removed"), stack: null })).toBe("test/fixtures/plans/diff-waf-removed.json");
    expect(inputIdentity({ path: "../plans/diff-waf-removed.json", stack: null }, join(process.cwd(), "test", "fixtures", "hcl"))).toBe("test/fixtures/plans/diff-waf-removed.json");
    expect(inputIdentity({ path: "whatever/cdk.tf.json", stack: "api" })).toBe("stack:api");
  });

  test.each([
    ["not JSON", "{ entries: [", /baseline is not valid JSON/],
    ["wrong shape", { baseline_version: 1, entries: [{ id: "x" }] }, /invalid baseline: \/entries\/0 must have required property 'rule_id'/],
    ["unknown version", { baseline_version: 2, entries: [] }, /invalid baseline: \/baseline_version must be equal to constant/],
    [
      "edited entry",
      { baseline_version: 1, entries: [{ id: "0".repeat(32), rule_id: "AR-NET-001", input: "p.json", resource: "aws_apprunner_service.x", attribute: "", fingerprint: "0".repeat(16) }] },
      /invalid baseline: entry 0 \(AR-NET-001 on aws_apprunner_service\.x\) has id 0{32}, but its fields give [0-9a-f]{32}; write the baseline again/,
    ],
  ])("a bad baseline file (%s): exit 2, one line naming the file", async (name, doc, message) => {
    const path = file(`bad-${name.replace(/ /g, "-")}.json`, doc);
    const r = await cli(["check", plan("diff-waf-removed"), "--baseline", path]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    const line = oneLine(r.stderr);
    expect(line).toContain(path);
    expect(line).toMatch(message);
  });

  test("a missing baseline file: exit 2", async () => {
    const r = await cli(["check", plan("diff-waf-removed"), "--baseline", join(scratch, "nope.json")]);
    expect(r.code).toBe(2);
    expect(oneLine(r.stderr)).toMatch(/baseline file not found; make one with --write-baseline$/);
  });

  test("AR-META-001 is never baselined: a plan the pass cannot judge stays rejected", async () => {
    const path = join(scratch, "meta.baseline.json");
    await cli(["check", plan("iam-unresolved"), "--write-baseline", path]);
    const entries = (JSON.parse(readFileSync(path, "utf8")) as { entries: { rule_id: string }[] }).entries;
    expect(entries.some((e) => e.rule_id === "AR-META-001")).toBe(false);
    const r = json((await cli(["check", plan("iam-unresolved"), "--baseline", path, "--format", "json"])).stdout);
    expect(r.findings.filter((f) => f.rule_id === "AR-META-001").map((f) => f.status)).toContain("fail");
  });
});

describe.concurrent("waivers scoped per input, per-input verdicts, a folder of plans", () => {
  const waiver = { rule: "AR-NET-001", resource: "aws_apprunner_service.*", justification: "behind CloudFront (ADR-7)", owner: "edge-team", expires: "2099-01-01" };

  test("a waiver naming an input waives only there; without one it applies everywhere and the report says where", async () => {
    const scoped = file("scoped.json", { waivers: [{ ...waiver, input: "*diff-role-unchanged.json" }] });
    const everywhere = file("everywhere.json", { waivers: [waiver] });
    const inputs = [plan("diff-role-unchanged"), plan("diff-waf-removed")];
    const [a, b] = await Promise.all([
      cli(["check", ...inputs, "--config", scoped, "--format", "json"]),
      cli(["check", ...inputs, "--config", everywhere, "--format", "json"]),
    ]);
    const ra = json(a.stdout);
    expect(ra.findings.map((f) => [f.input, f.resource, f.status])).toEqual([
      ["test/fixtures/plans/diff-role-unchanged.json", "aws_apprunner_service.api", "waived"],
      ["test/fixtures/plans/diff-role-unchanged.json", "aws_apprunner_service.status", "waived"],
      ["test/fixtures/plans/diff-waf-removed.json", "aws_apprunner_service.api", "fail"],
    ]);
    expect(ra.inputs.map((i) => [i.path, i.accepted])).toEqual([
      ["test/fixtures/plans/diff-role-unchanged.json", true],
      ["test/fixtures/plans/diff-waf-removed.json", false],
    ]);
    expect(ra.waivers[0]!.inputs).toEqual(["test/fixtures/plans/diff-role-unchanged.json"]);
    expect(a.code).toBe(1);
    const rb = json(b.stdout);
    expect(rb.waivers[0]!.inputs).toEqual(inputs);
    expect(rb.summary.accepted).toBe(true);
    const text = await cli(["check", ...inputs, "--config", scoped]);
    expect(text.stdout).toContain("accepted  test/fixtures/plans/diff-role-unchanged.json\nrejected  test/fixtures/plans/diff-waf-removed.json · 1 blocking");
    const md = await cli(["check", ...inputs, "--config", scoped, "--format", "markdown"]);
    expect(md.stdout).toContain("| `test/fixtures/plans/diff-waf-removed.json` | ❌ rejected | 1 |");
  });

  test("a waiver whose input matches no checked input is stale, saying so", async () => {
    const path = file("nowhere.json", { waivers: [{ ...waiver, input: "stack:prod-*" }] });
    const r = await cli(["check", plan("diff-role-unchanged"), "--config", path]);
    expect(r.stdout).toContain('waiver 0 (AR-NET-001 on aws_apprunner_service.*) matches no finding in the inputs matching "stack:prod-*"; remove it');
  });

  test("an empty input glob is refused: exit 2", async () => {
    const path = file("empty-input.json", { waivers: [{ ...waiver, input: "" }] });
    const r = await cli(["check", plan("diff-role-unchanged"), "--config", path]);
    expect(r.code).toBe(2);
    expect(oneLine(r.stderr)).toMatch(/\/waivers\/0\/input must NOT have fewer than 1 characters/);
  });

  test("a folder of plan JSON files: each file is its own input with its own verdict", async () => {
    const dir = join(scratch, "estate");
    mkdirSync(dir, { recursive: true });
    copyFileSync(plan("diff-waf-removed"), join(dir, "orders.json"));
    copyFileSync(plan("secure-public"), join(dir, "payments.json"));
    const r = json((await cli(["check", dir, "--format", "json"])).stdout);
    expect(r.inputs.map((i) => [i.path.slice(dir.length + 1), i.kind, i.accepted])).toEqual([
      ["orders.json", "terraform-plan", false],
      ["payments.json", "terraform-plan", true],
    ]);
  });

  test("a folder with a JSON file that is no plan: exit 2 naming that file, not a silent skip", async () => {
    const dir = join(scratch, "mixed");
    mkdirSync(dir, { recursive: true });
    copyFileSync(plan("secure-public"), join(dir, "plan.json"));
    writeFileSync(join(dir, "notes.json"), JSON.stringify({ hello: "world" }));
    const r = await cli(["check", dir]);
    expect(r.code).toBe(2);
    expect(oneLine(r.stderr)).toContain(join(dir, "notes.json"));
  });
});
