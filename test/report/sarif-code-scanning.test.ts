// SARIF as GitHub code scanning consumes it: alerts de-duplicated by partialFingerprints across pushes,
// one category per input set, GitHub's upload limits, and the full OASIS SARIF 2.1.0 schema.
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, test } from "vitest";
import { checkInputs } from "../../src/check.js";
import { PolicyEngine } from "../../src/evaluate/engine.js";
import { loadConfig } from "../../src/load/config.js";
import { loadInputs } from "../../src/load/index.js";
import { renderers } from "../../src/report/index.js";
import { GITHUB_LIMITS, INFORMATION_URI, fingerprint, renderSarif, withoutHashSuffix } from "../../src/report/sarif.js";
import type { Report, ReportFinding } from "../../src/report/types.js";
import { exampleOut, fixtures } from "../helpers/paths.js";
import { goldenReport } from "../helpers/report.js";
import { expectValidSarif } from "./validate.js";

type SarifResult = {
  ruleId: string;
  message: { text: string };
  partialFingerprints: Record<string, string>;
  properties: { resource: string; attribute: string };
  locations: { physicalLocation: { artifactLocation: { uri: string } } }[];
};
const results = (sarif: string): SarifResult[] => JSON.parse(sarif).runs[0].results;
const byIdentity = (rs: SarifResult[]) => new Map(rs.map((r) => [`${r.ruleId} ${r.properties.resource} ${r.properties.attribute} ${r.locations[0]!.physicalLocation.artifactLocation.uri} ${r.message.text}`, r.partialFingerprints["apprunnerGuardFinding/v1"]]));

describe("partialFingerprints", () => {
  test("every result has one, unique within the run", () => {
    const rs = results(renderSarif(goldenReport()));
    expect(rs.length).toBeGreaterThan(5);
    const prints = rs.map((r) => r.partialFingerprints["apprunnerGuardFinding/v1"]);
    for (const p of prints) expect(p).toMatch(/^[0-9a-f]{64}$/);
    expect(new Set(prints).size).toBe(prints.length);
  });

  test("stable across runs, result order, input order and line moves", () => {
    const base = goldenReport();
    const shuffled: Report = {
      ...base,
      inputs: [...base.inputs].reverse(),
      findings: [...base.findings].reverse().map((f) => ({ ...f, location: { ...f.location, line: f.location.line === null ? null : f.location.line + 40 } })),
    };
    const a = byIdentity(results(renderSarif(base)));
    expect(byIdentity(results(renderSarif(goldenReport())))).toEqual(a);
    expect(byIdentity(results(renderSarif(shuffled)))).toEqual(a);
  });

  test("a cdktf logical-id hash suffix that changes does not change the alert; another rule or resource does", () => {
    const report = goldenReport();
    const f: ReportFinding = { ...report.findings[0]!, resource: "aws_iam_role.Api_InstanceRole_5E2C1A3B", message: "role aws_iam_role.Api_InstanceRole_5E2C1A3B allows *", location: { file: "x", line: 3, construct_path: null } };
    const rehashed = { ...f, resource: "aws_iam_role.Api_InstanceRole_0A1B2C3D", message: "role aws_iam_role.Api_InstanceRole_0A1B2C3D allows *" };
    expect(fingerprint(rehashed, report)).toBe(fingerprint(f, report));
    expect(fingerprint({ ...f, rule_id: "AR-IAM-002" }, report)).not.toBe(fingerprint(f, report));
    expect(fingerprint({ ...f, resource: "aws_iam_role.Other_0A1B2C3D" }, report)).not.toBe(fingerprint(f, report));
    // with a construct path, the address is not used at all
    const withPath = { ...f, location: { ...f.location, construct_path: "api/Api/InstanceRole" } };
    expect(fingerprint({ ...withPath, resource: "aws_iam_role.renamed" }, report)).toBe(fingerprint(withPath, report));
  });

  test("withoutHashSuffix drops only cdktf's 8 upper-hex suffix", () => {
    expect(withoutHashSuffix("aws_apprunner_service.api_Resource_AB12CD34")).toBe("aws_apprunner_service.api_Resource");
    expect(withoutHashSuffix("aws_s3_bucket.logs_2024")).toBe("aws_s3_bucket.logs_2024");
    expect(withoutHashSuffix("sha256_deadbeef")).toBe("sha256_deadbeef");
  });
});

describe("run identity and GitHub's limits", () => {
  test("automationDetails.id is a category per input set, or --sarif-category; the driver has an informationUri", () => {
    const report = goldenReport();
    const run = JSON.parse(renderSarif(report)).runs[0];
    expect(run.automationDetails.id).toBe("apprunner-guard/test/fixtures/reports/plan.json+test/fixtures/reports/stack.cdk.tf.json/");
    expect(run.tool.driver.informationUri).toBe(INFORMATION_URI);
    expect(JSON.parse(renderers.sarif(report, { color: false, sarifCategory: "prod/eu-west-1" })).runs[0].automationDetails.id).toBe("prod/eu-west-1/");
    expect(JSON.parse(renderSarif(report)).runs).toHaveLength(1);
  });

  test(`more than ${GITHUB_LIMITS.resultsPerRun} results: blocking ones kept, the rest left out with a notification`, () => {
    const base = goldenReport();
    const low = base.findings.find((f) => !f.blocking)!;
    const high = base.findings.find((f) => f.blocking)!;
    const many = Array.from({ length: GITHUB_LIMITS.resultsPerRun + 5 }, (_, i) => ({ ...low, resource: `aws_apprunner_service.s${i}` }));
    const report: Report = { ...base, findings: [...many, { ...high, resource: "aws_apprunner_service.blocking" }] };
    const sarif = renderSarif(report);
    const run = JSON.parse(sarif).runs[0];
    expect(run.results).toHaveLength(GITHUB_LIMITS.resultsPerRun);
    expect(run.results.some((r: SarifResult) => r.properties.resource === "aws_apprunner_service.blocking")).toBe(true);
    expect(run.invocations[0].toolExecutionNotifications[0].message.text).toMatch(/^6 of 25006 findings are left out of this SARIF file: GitHub code scanning rejects a run with more than 25000 results/);
  });

  test("rule tags stay within what GitHub shows", () => {
    for (const rule of JSON.parse(renderSarif(goldenReport())).runs[0].tool.driver.rules) expect(rule.properties.tags.length).toBeLessThanOrEqual(GITHUB_LIMITS.tagsPerRule);
  });
});

describe("the SARIF of every plan fixture and of the example cdktf.out is valid against the full SARIF 2.1.0 schema", () => {
  let engine: PolicyEngine;
  beforeAll(async () => {
    engine = await PolicyEngine.load();
  });
  const plans = readdirSync(fixtures("plans")).filter((n) => n.endsWith(".json")).sort();
  test.each([...plans.map((p) => join(fixtures("plans"), p)), "<example cdktf.out>"])("%s", (path) => {
    const inputs = loadInputs([path === "<example cdktf.out>" ? exampleOut() : path]);
    const report = checkInputs(engine, inputs, { config: loadConfig(undefined), now: new Date("2026-01-01T00:00:00Z") });
    expectValidSarif(renderSarif(report));
  });
});
