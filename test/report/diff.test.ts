import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, test } from "vitest";
import { runCheck, type CheckOptions } from "../../src/check.js";
import { PolicyEngine } from "../../src/evaluate/engine.js";
import { loadInputs } from "../../src/load/index.js";
import { normalize } from "../../src/normalize/index.js";
import type { Statement } from "../../src/normalize/index.js";
import { priorView } from "../../src/normalize/prior.js";
import { widenedGrants } from "../../src/report/delta.js";
import { renderers } from "../../src/report/index.js";
import type { Report, ReportFinding } from "../../src/report/types.js";
import { tempJson } from "../helpers/model.js";
import { expectValidJsonReport, expectValidJunit, expectValidSarif } from "./validate.js";

/**
 * Diff-aware checks on real two-step plans (scripts/gen-plans.sh applies test/fixtures/hcl/diff-<case>/prior,
 * then plans the case against that state): each finding's delta, regressions and what changed, and the
 * protections a plan weakens while the rules still pass.
 */
const plan = (name: string) => `test/fixtures/plans/${name}.json`;
const check = (name: string, options: Partial<CheckOptions> = {}) => runCheck({ paths: [plan(name)], now: new Date("2025-06-01T00:00:00Z"), ...options });
const only = (r: Report, rule: string, resource: string): ReportFinding[] => r.findings.filter((f) => f.rule_id === rule && f.resource === resource);

function expectEveryFormatValid(r: Report): void {
  expectValidJsonReport(renderers.json(r));
  expectValidSarif(renderers.sarif(r));
  expectValidJunit(renderers.junit(r), r);
}

describe("the prior state is read as a plan the same normalizer reads", () => {
  test("diff-waf-removed: before the plan the association exists and links to the service by its ARN; after it does not", () => {
    const [input] = loadInputs([plan("diff-waf-removed")]);
    const view = priorView(input!)!;
    expect(view.kind).toBe("terraform-plan");
    const before = normalize(view);
    const after = normalize(input!);
    expect(before.referenced_by["aws_apprunner_service.api"]).toContain("aws_wafv2_web_acl_association.api");
    expect(after.resources["aws_wafv2_web_acl_association.api"]).toBeUndefined();
    expect(before.resources["aws_apprunner_service.api"]!.actions).toEqual(["no-op"]);
  });

  test("no prior state: cdktf output, *.tf.json and a plan without prior_state or before values give null", () => {
    const [stack] = loadInputs(["test/fixtures/reports/stack.cdk.tf.json"]);
    expect(priorView(stack!)).toBeNull();
    const doc = JSON.parse(readFileSync(plan("insecure-network"), "utf8")) as Record<string, unknown>;
    expect(doc.prior_state).toBeUndefined();
    const [noPrior] = loadInputs([plan("insecure-network")]);
    expect(priorView(noPrior!)).toBeNull();
  });

  test("a plan without prior_state still has a before view from resource_changes[].change.before", () => {
    const doc = JSON.parse(readFileSync(plan("diff-waf-removed"), "utf8")) as Record<string, unknown>;
    delete doc.prior_state;
    const [input] = loadInputs([tempJson(doc, "plan.json")]);
    const before = normalize(priorView(input!)!);
    expect(Object.keys(before.resources)).toContain("aws_wafv2_web_acl_association.api");
  });
});

describe("delta per finding", () => {
  let engine: PolicyEngine;
  beforeAll(async () => {
    engine = await PolicyEngine.load();
  });

  test("diff-waf-removed: AR-NET-001 is introduced, a regression, and says the WAF association is deleted", async () => {
    const r = await check("diff-waf-removed");
    const [f] = only(r, "AR-NET-001", "aws_apprunner_service.api");
    expect(f).toMatchObject({ delta: "introduced", regression: true, blocking: true });
    expect(f!.what_changed).toEqual(["WAF association aws_wafv2_web_acl_association.api is deleted by this plan"]);
    expect(r.inputs[0]).toMatchObject({ prior_state: true, accepted: false, blocking: 1 });
    expect(renderers.text(r, { color: false })).toContain(
      "AR-NET-001 [regression]  public service aws_apprunner_service.api has no aws_wafv2_web_acl_association: no web ACL filters its traffic\n      regression: WAF association aws_wafv2_web_acl_association.api is deleted by this plan",
    );
    expect(renderers.markdown(r)).toContain("- **HIGH** AR-NET-001 **regression** `aws_apprunner_service.api`");
    expect(renderers.markdown(r)).toContain("  - Regression: WAF association aws_wafv2_web_acl_association.api is deleted by this plan");
    const sarif = JSON.parse(renderers.sarif(r));
    expect(sarif.runs[0].results[0]).toMatchObject({ baselineState: "new", properties: { delta: "introduced", regression: true } });
    expect(sarif.runs[0].results[0].message.text).toContain("Regression: WAF association aws_wafv2_web_acl_association.api is deleted by this plan.");
    expect(renderers.junit(r)).toContain("[regression]: public service aws_apprunner_service.api");
    expectEveryFormatValid(r);
  });

  test("diff-role-unchanged: the public services without WAF fail before and after: existing, and --changes-only accepts", async () => {
    const r = await check("diff-role-unchanged");
    expect(r.findings.map((f) => [f.rule_id, f.resource, f.delta, f.regression])).toEqual([
      ["AR-NET-001", "aws_apprunner_service.api", "existing", false],
      ["AR-NET-001", "aws_apprunner_service.status", "existing", false],
    ]);
    expect(r.summary.accepted).toBe(false);
    const changesOnly = await check("diff-role-unchanged", { changesOnly: true });
    expect(changesOnly.summary).toMatchObject({ accepted: true, blocking: 0, findings: 2, existing: 2 });
    expect(changesOnly.mode.changes_only).toBe(true);
    expect(renderers.text(changesOnly, { color: false })).toContain("(existing: does not block with --changes-only)");
    expect(changesOnly.changes).toEqual([]);
    expectEveryFormatValid(changesOnly);
  });

  test("--changes-only still blocks on an introduced finding, and on findings of an input without prior state", async () => {
    expect((await check("diff-waf-removed", { changesOnly: true })).summary.accepted).toBe(false);
    const r = await check("insecure-network", { changesOnly: true });
    expect(new Set(r.findings.map((f) => f.delta))).toEqual(new Set(["unknown"]));
    expect(r.summary.accepted).toBe(false);
  });

  test("diff-made-public: admin made public without a WAF is a regression naming the ingress connection and the flag; api, behind its WAF, is a change", async () => {
    const r = await check("diff-made-public");
    const [admin] = only(r, "AR-NET-001", "aws_apprunner_service.admin");
    expect(admin).toMatchObject({ delta: "introduced", regression: true });
    expect(admin!.what_changed).toEqual([
      "VPC ingress connection aws_apprunner_vpc_ingress_connection.admin is deleted by this plan",
      "network_configuration.0.ingress_configuration.0.is_publicly_accessible changes from false to true on aws_apprunner_service.admin",
    ]);
    expect(only(r, "AR-NET-001", "aws_apprunner_service.api")).toEqual([]);
    expect(r.changes.map((c) => [c.kind, c.rule_id, c.resource, c.blocking])).toEqual([
      ["ingress-removed", "AR-NET-004", "aws_apprunner_service.admin", false],
      ["ingress-removed", "AR-NET-004", "aws_apprunner_service.api", false],
      ["made-public", "AR-NET-001", "aws_apprunner_service.api", false],
    ]);
    const blocking = await check("diff-made-public", { failOnChanges: true });
    expect(blocking.changes.every((c) => c.blocking)).toBe(true);
    expect(blocking.summary.blocking).toBe(1 + 3);
    expectEveryFormatValid(blocking);
  });

  test("diff-secret-to-plain: the secret-like name is an AR-SEC-001 regression, the other binding a change; no value is printed", async () => {
    const r = await check("diff-secret-to-plain");
    const [token] = only(r, "AR-SEC-001", "aws_apprunner_service.api");
    expect(token).toMatchObject({ delta: "introduced", regression: true });
    expect(token!.attribute).toMatch(/runtime_environment_variables\.API_TOKEN$/);
    expect(r.changes.map((c) => [c.kind, c.rule_id, c.severity, c.message])).toEqual([
      ["secret-to-plain", "AR-SEC-001", "critical", 'aws_apprunner_service.api turns the secret binding "DATABASE_DSN" into a plain environment variable'],
    ]);
    for (const format of ["text", "json", "sarif", "junit", "markdown"] as const) {
      expect(renderers[format](r, { color: false })).not.toContain("tok_live_4f9a1c2e7b");
    }
  });

  test("diff-role-widened: s3:* is an AR-IAM-002 regression told as a grant; the wider table grant passes every rule but is a change", async () => {
    const r = await check("diff-role-widened");
    const [s3] = only(r, "AR-IAM-002", "aws_iam_role_policy.assets");
    expect(s3).toMatchObject({ delta: "introduced", regression: true });
    expect(s3!.what_changed).toEqual(["role aws_iam_role.instance now allows s3:* on arn:aws:s3:::orders-assets/* (statement 0 of aws_iam_role_policy.assets)"]);
    expect(r.changes).toHaveLength(1);
    expect(r.changes[0]).toMatchObject({ kind: "iam-widened", rule_id: "AR-IAM-003", resource: "aws_iam_role.instance", blocking: false });
    expect(r.changes[0]!.message).toContain("dynamodb:query");
    expect(r.changes[0]!.message).toContain("table/orders*");
    expect((await check("diff-role-widened", { failOnChanges: true, failOn: "critical" })).changes[0]!.blocking).toBe(false);
  });

  test("sem-incomplete-pass (a -target plan updating one role policy): only the pairs no prior grant covered are told", async () => {
    const r = await check("sem-incomplete-pass");
    expect(r.findings).toEqual([]);
    expect(r.changes.map((c) => c.message)).toEqual([
      "role aws_iam_role.instance is widened by this plan: now allows s3:getobject on arn:aws:s3:::catalog-images; s3:listbucket on arn:aws:s3:::catalog-images, arn:aws:s3:::catalog-images/* (statement 0 of aws_iam_role_policy.instance)",
    ]);
  });

  test("diff-service-deleted: the legacy service failed before the plan; its findings disappear and nothing is introduced", async () => {
    const [input] = loadInputs([plan("diff-service-deleted")]);
    const before = normalize(priorView(input!)!);
    const beforeFindings = engine.evaluate(before, engine.manifest.params);
    expect(new Set(beforeFindings.filter((f) => f.resource === "aws_apprunner_service.legacy").map((f) => f.rule_id))).toEqual(
      new Set(["AR-NET-001", "AR-NET-003", "AR-OPS-001", "AR-OPS-002", "AR-SEC-001", "AR-SEC-004", "AR-OPS-003"]),
    );
    const r = await check("diff-service-deleted");
    expect(r.findings).toEqual([]);
    expect(r.changes).toEqual([]);
    expect(r.summary).toMatchObject({ accepted: true, introduced: 0, regressions: 0 });
  });

  test("an input without prior state: every delta is unknown and the text says nothing about a prior state", async () => {
    const r = await runCheck({ paths: ["test/fixtures/reports/stack.cdk.tf.json"] });
    expect(r.findings.length).toBeGreaterThan(0);
    expect(r.findings.every((f) => f.delta === "unknown" && !f.regression && f.what_changed.length === 0)).toBe(true);
    expect(r.inputs[0]!.prior_state).toBe(false);
    expect(renderers.text(r, { color: false })).not.toContain("against the prior state");
  });
});

describe("what widens a role (grants compared by IAM wildcard matching)", () => {
  const st = (over: Partial<Statement>): Statement => ({
    sid: "",
    effect: "Allow",
    actions: [],
    not_actions: [],
    resources: [],
    not_resources: [],
    resource_refs: [],
    principals: {},
    not_principals: {},
    conditions: [],
    unknown: [],
    via: "aws_iam_role_policy.app",
    index: 0,
    ...over,
  });
  const table = "arn:aws:dynamodb:us-east-1:123456789012:table/orders";

  test.each<[string, Statement[], Statement[], string[]]>([
    ["the same grant", [st({ actions: ["dynamodb:getitem"], resources: [table] })], [st({ actions: ["dynamodb:getitem"], resources: [table] })], []],
    ["a narrower grant", [st({ actions: ["dynamodb:*"], resources: [`${table}*`] })], [st({ actions: ["dynamodb:getitem"], resources: [table] })], []],
    ["an action wildcard", [st({ actions: ["dynamodb:getitem"], resources: [table] })], [st({ actions: ["dynamodb:*"], resources: [table] })], [`now allows dynamodb:* on ${table} (statement 0 of aws_iam_role_policy.app)`]],
    ["a resource pattern", [st({ actions: ["dynamodb:getitem"], resources: [table] })], [st({ actions: ["dynamodb:getitem"], resources: [`${table}*`] })], [`now allows dynamodb:getitem on ${table}* (statement 0 of aws_iam_role_policy.app)`]],
    [
      "a condition dropped",
      [st({ actions: ["s3:getobject"], resources: ["*"], conditions: [{ test: "StringEquals", variable: "aws:SourceVpce", values: ["vpce-1"] }] })],
      [st({ actions: ["s3:getobject"], resources: ["*"] })],
      ["now allows s3:getobject on * (statement 0 of aws_iam_role_policy.app)"],
    ],
    [
      "a Deny removed",
      [st({ actions: ["*"], resources: ["*"] }), st({ effect: "Deny", actions: ["iam:*"], resources: ["*"], index: 1 })],
      [st({ actions: ["*"], resources: ["*"] })],
      ["no longer denies iam:* on * (was in aws_iam_role_policy.app)"],
    ],
    ["a statement unknown until apply is left to AR-META-001", [st({ actions: ["s3:getobject"], resources: [table] })], [st({ actions: ["s3:*"], resources: [], unknown: ["resources"] })], []],
  ])("%s", (_name, before, after, expected) => {
    expect(widenedGrants(before, after).map((w) => w.text)).toEqual(expected);
  });
});
