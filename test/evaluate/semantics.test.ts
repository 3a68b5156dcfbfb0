import { describe, expect, test } from "vitest";
import { runCheck } from "../../src/check.js";
import { loadManifest } from "../../src/evaluate/rules.js";
import { loadInputs } from "../../src/load/index.js";
import { normalize, type InputModel } from "../../src/normalize/index.js";
import { fixtures } from "../helpers/paths.js";

// Issue 9, plan-side classes: real plans (terraform 1.11, scripts/gen-plans.sh) of
// test/fixtures/hcl/sem-*/, each in a failing and a correct form. test/fixtures/plans/README.md
// says why each finding is expected.

const file = (name: string) => fixtures("plans", `${name}.json`);

async function check(name: string) {
  return runCheck({ paths: [file(name)], now: new Date("2026-11-23T00:00:00Z") });
}

async function pairs(name: string): Promise<string[]> {
  return [...new Set((await check(name)).findings.map((f) => `${f.rule_id} ${f.resource}`))].sort();
}

function model(name: string): InputModel {
  const [input] = loadInputs([file(name)]);
  return normalize(input!);
}

const ledger = "module.ledger.aws_apprunner_service.this[0]";
const reports = "module.reports.aws_apprunner_service.this[0]";
const noHealthTracingKms = (svc: string) => [`AR-NET-003 ${svc}`, `AR-OPS-001 ${svc}`, `AR-SEC-004 ${svc}`];

const expected: Record<string, string[]> = {
  // 1. dynamic blocks: the link to the prior-state admin role is recovered from the known ARN; the
  // role the module creates is hidden by the dynamic block (cannot verify).
  "sem-dynamic-fail": [
    "AR-IAM-001 aws_iam_role_policy.admin",
    "AR-IAM-003 aws_iam_role_policy.admin",
    "AR-IAM-005 aws_iam_role_policy.admin",
    "AR-SEC-003 aws_iam_role_policy.admin",
    `AR-META-001 ${reports}`,
    `AR-NET-001 ${ledger}`,
    `AR-NET-001 ${reports}`,
    `AR-NET-002 ${ledger}`,
    ...noHealthTracingKms(ledger),
    ...noHealthTracingKms(reports),
  ],
  "sem-dynamic-pass": [],
  // 2. instances: an association for one instance protects that instance only.
  "sem-instances-fail": [
    'AR-NET-001 aws_apprunner_service.site["blog"]',
    "AR-NET-001 aws_apprunner_service.worker[1]",
    'AR-NET-004 aws_apprunner_service.internal["ops"]',
  ],
  "sem-instances-pass": [],
  // 3. known values beat references; several candidates prove nothing.
  "sem-links-fail": [
    "AR-META-001 aws_apprunner_service.storefront",
    "AR-META-001 aws_wafv2_web_acl_association.checkout_or_search",
    "AR-META-001 aws_wafv2_web_acl_association.partner",
    "AR-NET-001 aws_apprunner_service.checkout",
    "AR-NET-001 aws_apprunner_service.partner",
    "AR-NET-001 aws_apprunner_service.search",
    "AR-NET-001 aws_apprunner_service.storefront",
    "AR-NET-004 aws_apprunner_service.backoffice",
  ],
  "sem-links-pass": [],
  // 10. incomplete plans: judged with prior state, and never accepted.
  "sem-incomplete-fail": ["AR-IAM-002 aws_iam_role_policy.instance", "AR-META-001 aws_apprunner_service.catalog"],
  "sem-incomplete-pass": [],
  // 11. secrets.
  "sem-secrets-fail": ["AR-META-001 aws_apprunner_service.docs", "AR-SEC-001 aws_apprunner_service.reporting"],
  "sem-secrets-pass": [],
  // issue 16: a forgotten attachment stays in AWS; links hold only through the ARN and in one region.
  "sem-lifecycle-pass": [],
  "sem-precise-fail": [
    "AR-META-001 aws_wafv2_web_acl_association.api",
    "AR-META-001 aws_wafv2_web_acl_association.status",
    "AR-NET-001 aws_apprunner_service.api",
    "AR-NET-001 aws_apprunner_service.status",
  ],
  "sem-precise-pass": [],
};

describe("Terraform semantics on real plans: exactly the expected findings", () => {
  test.each(Object.keys(expected).sort())("%s", async (name) => {
    expect(await pairs(name)).toEqual([...expected[name]!].sort());
    const report = await check(name);
    expect(report.summary.accepted).toBe(name.endsWith("-pass"));
  });
});

describe("1. dynamic blocks", () => {
  test("the plan's configuration leaves dynamic blocks out; their values are still read from the planned values", () => {
    const m = model("sem-dynamic-pass");
    const svc = m.resources["module.api.aws_apprunner_service.this[0]"]!;
    // Nothing of the service's blocks is in configuration, yet the known values are there ...
    expect(svc.values.source_configuration).toEqual([
      expect.objectContaining({ image_repository: [expect.objectContaining({ image_identifier: "public.ecr.aws/payments/billing-api:1.4.2" })] }),
    ]);
    // ... and the known ARNs link the service to the role, key, secret and tracing configuration.
    expect(svc.refs["instance_configuration.0.instance_role_arn"]).toEqual(["aws_iam_role.instance"]);
    expect(svc.refs["observability_configuration.0.observability_configuration_arn"]).toEqual(["aws_apprunner_observability_configuration.tracing"]);
    // network_configuration is a block the provider computes and the module wrote none of: the provider default.
    expect(svc.unknown).not.toContain("network_configuration");
  });

  test("an unknown value inside a dynamic block is kept, with the reason, not dropped as 'not configured'", async () => {
    const m = model("sem-dynamic-fail");
    const svc = m.resources[reports]!;
    expect(svc.unknown).toContain("instance_configuration.0.instance_role_arn");
    expect(svc.unknown_reasons?.["instance_configuration.0.instance_role_arn"]).toMatch(/dynamic block/);
    const meta = (await check("sem-dynamic-fail")).findings.filter((f) => f.rule_id === "AR-META-001");
    expect(meta.map((f) => [f.resource, f.attribute, f.blocks])).toEqual([
      [reports, "instance_configuration.0.instance_role_arn", ["AR-IAM-001", "AR-IAM-002", "AR-IAM-003", "AR-IAM-004", "AR-IAM-005", "AR-IAM-006", "AR-SEC-003"]],
    ]);
    expect(meta[0]!.message).toContain("it is set in a dynamic block");
  });
});

describe("2. instances", () => {
  test('x["k"], x[count.index], x[each.key] and each.value link the one instance they name', () => {
    const pass = model("sem-instances-pass");
    expect(pass.resources['aws_wafv2_web_acl_association.site["blog"]']!.refs.resource_arn).toEqual(['aws_apprunner_service.site["blog"]']);
    expect(pass.resources["aws_wafv2_web_acl_association.worker[1]"]!.refs.resource_arn).toEqual(["aws_apprunner_service.worker[1]"]);
    expect(pass.resources['aws_apprunner_vpc_ingress_connection.internal["ops"]']!.refs.service_arn).toEqual(['aws_apprunner_service.internal["ops"]']);
    const fail = model("sem-instances-fail");
    expect(fail.resources["aws_wafv2_web_acl_association.shop"]!.refs.resource_arn).toEqual(['aws_apprunner_service.site["shop"]']);
    expect(fail.referenced_by['aws_apprunner_service.site["blog"]'] ?? []).not.toContain("aws_wafv2_web_acl_association.shop");
  });
});

describe("3. known values beat references", () => {
  test("a conditional known at plan time is the value; the reference in its other branch links nothing", () => {
    const m = model("sem-links-fail");
    const association = m.resources["aws_wafv2_web_acl_association.storefront"]!;
    expect(association.values.resource_arn).toMatch(/^arn:aws:apprunner:us-east-1:123456789012:service\/edge\//);
    expect(association.refs.resource_arn).toBeUndefined();
    expect(m.resources["aws_apprunner_service.storefront"]!.refs["observability_configuration.0.observability_configuration_arn"]).toBeUndefined();
  });

  test("coalesce(a.arn, b.arn) proves nothing about either: cannot verify, and both are unprotected", async () => {
    const m = model("sem-links-fail");
    const association = m.resources["aws_wafv2_web_acl_association.checkout_or_search"]!;
    expect(association.refs.resource_arn).toBeUndefined();
    expect(association.unknown_reasons?.resource_arn).toMatch(/several aws_apprunner_service .*proves nothing/);
    const meta = (await check("sem-links-fail")).findings.find((f) => f.resource === "aws_wafv2_web_acl_association.checkout_or_search")!;
    expect(meta.blocks).toEqual(["AR-NET-001"]);
    expect(meta.message).toContain("aws_apprunner_service.checkout, aws_apprunner_service.search");
  });
});

test("flag ? local.x : svc.arn with the value unknown: the local may be the unknown branch, so svc is not proven protected", () => {
  const association = model("sem-links-fail").resources["aws_wafv2_web_acl_association.partner"]!;
  expect(association.refs.resource_arn).toBeUndefined();
  expect(association.unknown_reasons?.resource_arn).toContain("also local.edge_arn");
  // The same shape with a variable the plan knows is no doubt: a known branch cannot be the unknown value.
  expect(model("sem-links-pass").resources["aws_wafv2_web_acl_association.storefront"]!.refs.resource_arn).toEqual(["aws_apprunner_service.storefront"]);
});

describe("10. incomplete plans", () => {
  test("-target: complete is false; resources only in prior_state are judged as they are; every rule is blocked once", async () => {
    const m = model("sem-incomplete-fail");
    expect(m.source.incomplete).toMatch(/complete: false/);
    expect(m.resources["aws_apprunner_service.catalog"]!.actions).toEqual(["no-op"]);
    const meta = (await check("sem-incomplete-fail")).findings.filter((f) => f.rule_id === "AR-META-001");
    expect(meta).toHaveLength(1);
    // every rule that is on: all but AR-META-001 itself and the opt-in AWS Config parity rules (off by default)
    const optIn = ["AR-NET-005", "AR-NET-006", "AR-NET-007", "AR-OPS-005"];
    expect(meta[0]!.blocks).toEqual(loadManifest().rules.map((r) => r.id).filter((id) => id !== "AR-META-001" && !optIn.includes(id)).sort());
    expect(meta[0]!.severity).toBe("critical");
  });

  test("a complete plan that changes only the role's policy is judged with the unchanged service", () => {
    const m = model("sem-incomplete-pass");
    expect(m.source.incomplete).toBeUndefined();
    expect(m.resources["aws_apprunner_service.catalog"]!.actions).toEqual(["no-op"]);
  });
});

describe("11. secrets", () => {
  test("an empty user name still carries a password; a sensitive variable copied into a plain variable is a secret", async () => {
    const messages = (await check("sem-secrets-fail")).findings.filter((f) => f.rule_id === "AR-SEC-001").map((f) => f.attribute.split(".").pop() + ": " + f.message);
    expect(messages).toEqual([
      'CACHE_URL: aws_apprunner_service.reporting sets "CACHE_URL" in plain runtime_environment_variables to a value that looks like a URL with a password',
      'PARTNER_DB: aws_apprunner_service.reporting sets "PARTNER_DB" in plain runtime_environment_variables to a value Terraform marks sensitive (a secret or a sensitive variable); inject it with runtime_environment_secrets',
    ]);
  });

  test('configuration_source = "REPOSITORY" blocks the rules that read the runtime configuration', async () => {
    const meta = (await check("sem-secrets-fail")).findings.find((f) => f.rule_id === "AR-META-001")!;
    expect(meta.blocks).toEqual(["AR-NET-002", "AR-SEC-001", "AR-SEC-002", "AR-SEC-003"]);
    expect(meta.message).toContain("apprunner.yaml");
  });
});

describe("issue 16: lifecycle and precise links", () => {
  test("sem-lifecycle-fail: the forgotten AdministratorAccess attachment is still reported, and only IAM findings on it", async () => {
    const found = await pairs("sem-lifecycle-fail");
    // (With managed policies judged by content, AR-IAM-001/003/005 and AR-SEC-003 join AR-IAM-004.)
    expect(found).toContain("AR-IAM-004 aws_iam_role_policy_attachment.admin");
    expect(found.every((p) => / aws_iam_role_policy_attachment\.admin$/.test(p))).toBe(true);
    expect((await check("sem-lifecycle-fail")).summary.accepted).toBe(false);
  });

  test("removed { lifecycle { destroy = false } } is a forget: the attachment keeps counting, read from before", () => {
    const m = model("sem-lifecycle-fail");
    const attachment = m.resources["aws_iam_role_policy_attachment.admin"]!;
    expect(attachment.actions).toEqual(["forget"]);
    expect(attachment.values.policy_arn).toBe("arn:aws:iam::aws:policy/AdministratorAccess");
    expect(model("sem-lifecycle-pass").resources["aws_iam_role_policy_attachment.admin"]).toBeUndefined();
  });

  test("ignore_changes: the planned value is what stays deployed (the pinned prior image, not the configured latest)", () => {
    const svc = model("sem-lifecycle-pass").resources["aws_apprunner_service.catalog"]!;
    const source = svc.values.source_configuration as { image_repository: { image_identifier: string }[] }[];
    expect(source[0]!.image_repository[0]!.image_identifier).toBe("public.ecr.aws/web/catalog:3.1.0");
  });

  test("service_id is not an ARN; a region other than the service's is not a link", () => {
    const m = model("sem-precise-fail");
    expect(m.resources["aws_wafv2_web_acl_association.status"]!.unknown_reasons?.resource_arn).toContain("aws_apprunner_service.status.service_id");
    expect(m.resources["aws_wafv2_web_acl_association.api"]!.unknown_reasons?.resource_arn).toBe(
      "it is in us-west-2 but references aws_apprunner_service.api in us-east-1",
    );
    expect(model("sem-precise-pass").resources["aws_wafv2_web_acl_association.status"]!.refs.resource_arn).toEqual(["aws_apprunner_service.status"]);
  });
});
