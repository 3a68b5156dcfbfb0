import { beforeAll, describe, expect, test } from "vitest";
import { runCheck } from "../../src/check.js";
import { loadInputs } from "../../src/load/index.js";
import { normalize } from "../../src/normalize/index.js";
import { tempJson } from "../helpers/model.js";
import { constant, plan, ref } from "../helpers/plan.js";
import { fixtures } from "../helpers/paths.js";

/** Distinct "RULE resource" pairs the pass reports for one input. */
async function pairs(path: string): Promise<string[]> {
  const report = await runCheck({ paths: [path], now: new Date("2026-11-23T00:00:00Z") });
  return [...new Set(report.findings.map((f) => `${f.rule_id} ${f.resource}`))].sort();
}

const plansDir = (name: string) => fixtures("plans", name);
const noTracingNoKms = (svc: string) => [`AR-OPS-001 ${svc}`, `AR-SEC-004 ${svc}`];

// Expected results per fixture, from test/fixtures/plans/README.md (which says why each is expected).
const expected: Record<string, string[]> = {
  "secure-public.json": [],
  "opentofu-secure-public.json": [],
  "secure-private.json": [],
  "insecure-iam.json": [
    "AR-IAM-001 aws_iam_role.instance",
    "AR-IAM-002 aws_iam_policy.s3_full",
    "AR-IAM-003 aws_iam_policy.s3_full",
    "AR-IAM-003 aws_iam_role.instance",
    "AR-IAM-003 aws_iam_role_policy.instance_passrole",
    "AR-IAM-004 aws_iam_role_policy_attachment.instance_admin",
    // AdministratorAccess judged by its document (the shipped snapshot of AWS managed policies) too.
    "AR-IAM-001 aws_iam_role_policy_attachment.instance_admin",
    "AR-IAM-003 aws_iam_role_policy_attachment.instance_admin",
    "AR-IAM-005 aws_iam_role_policy_attachment.instance_admin",
    "AR-SEC-003 aws_iam_role_policy_attachment.instance_admin",
    "AR-IAM-005 aws_iam_role.instance",
    "AR-IAM-005 aws_iam_role_policy.instance_passrole",
    "AR-IAM-006 aws_iam_role.access",
    "AR-IAM-006 aws_iam_role.shared",
    "AR-IAM-007 aws_apprunner_service.worker",
    "AR-IAM-007 aws_iam_role_policy.shared",
    "AR-NET-001 aws_apprunner_service.payments",
    "AR-NET-001 aws_apprunner_service.worker",
    ...noTracingNoKms("aws_apprunner_service.payments"),
    ...noTracingNoKms("aws_apprunner_service.worker"),
    // `*` on `*` can read every secret: reported even though this service injects none.
    "AR-SEC-003 aws_iam_role.instance",
  ],
  "insecure-secrets.json": [
    "AR-NET-001 aws_apprunner_service.signup",
    "AR-NET-001 aws_apprunner_service.signup_worker",
    ...noTracingNoKms("aws_apprunner_service.signup"),
    ...noTracingNoKms("aws_apprunner_service.signup_worker"),
    "AR-SEC-001 aws_apprunner_service.signup",
    "AR-SEC-002 aws_apprunner_service.signup",
    "AR-SEC-002 aws_apprunner_service.signup_worker",
    "AR-SEC-003 aws_iam_role.instance",
    "AR-SEC-003 data.aws_iam_policy_document.instance",
  ],
  "insecure-network.json": [
    "AR-NET-001 aws_apprunner_service.bastion",
    "AR-NET-002 aws_apprunner_service.bastion",
    "AR-NET-003 aws_apprunner_service.bastion",
    "AR-OPS-002 aws_apprunner_service.bastion",
    "AR-OPS-003 aws_apprunner_service.bastion",
    ...noTracingNoKms("aws_apprunner_service.bastion"),
  ],
  "waf-unknown-link.json": [
    "AR-NET-001 aws_apprunner_service.admin",
    ...noTracingNoKms("aws_apprunner_service.admin"),
    ...noTracingNoKms("aws_apprunner_service.web"),
  ],
  "modules.json": [
    "AR-IAM-001 module.app.aws_iam_role_policy.instance",
    "AR-IAM-005 module.app.aws_iam_role_policy.instance",
    "AR-NET-004 module.app.aws_apprunner_service.this",
    ...noTracingNoKms("module.app.aws_apprunner_service.this"),
  ],
  "replace-and-delete.json": ["AR-NET-004 aws_apprunner_service.api", "AR-OPS-001 aws_apprunner_service.api"],
  "managed-policy-arns.json": [
    "AR-IAM-004 aws_iam_role.instance",
    // PowerUserAccess and AmazonS3ReadOnlyAccess judged by their documents too.
    "AR-IAM-001 aws_iam_role.instance",
    "AR-IAM-002 aws_iam_role.instance",
    "AR-IAM-003 aws_iam_role.instance",
    "AR-IAM-005 aws_iam_role.instance",
    "AR-SEC-003 aws_iam_role.instance",
    "AR-NET-001 aws_apprunner_service.search",
    ...noTracingNoKms("aws_apprunner_service.search"),
  ],
  "code-repository.json": [
    "AR-NET-001 aws_apprunner_service.docs",
    "AR-SEC-001 aws_apprunner_service.docs",
    ...noTracingNoKms("aws_apprunner_service.docs"),
  ],
  "default-tags.json": ["AR-NET-004 aws_apprunner_service.login", ...noTracingNoKms("aws_apprunner_service.login")],
  "iam-unresolved.json": [
    "AR-META-001 aws_iam_role_policy.instance",
    "AR-NET-004 aws_apprunner_service.notify",
    ...noTracingNoKms("aws_apprunner_service.notify"),
  ],
};
expected["audit-parity-fail.json"] = [
  "AR-NET-001 aws_apprunner_service.catalog",
  "AR-OPS-004 aws_apprunner_service.catalog",
  ...noTracingNoKms("aws_apprunner_service.catalog"),
];
expected["audit-parity-pass.json"] = noTracingNoKms("aws_apprunner_service.ledger");
expected["audit-dual-stack.json"] = noTracingNoKms("aws_apprunner_service.storefront");
expected["opentofu-modules.json"] = expected["modules.json"]!;
expected["opentofu-replace-and-delete.json"] = expected["replace-and-delete.json"]!;

describe("real plans (terraform 1.11 / tofu 1.10 show -json) give exactly the expected findings", () => {
  test.each(Object.keys(expected).sort())("%s", async (name) => {
    expect(await pairs(plansDir(name))).toEqual([...expected[name]!].sort());
  });
});

describe("★ rules fire on plan JSON where the value they need is unknown until apply", () => {
  const unknownAndLinked = (file: string, address: string, path: string, target: string) => {
    const [input] = loadInputs([plansDir(file)]);
    const resource = normalize(input!).resources[address]!;
    expect(resource.unknown).toContain(path);
    expect(resource.refs[path]).toEqual([target]);
  };

  test("AR-IAM-001..004: the instance role ARN is unknown and reaches the role only by reference", async () => {
    unknownAndLinked("insecure-iam.json", "aws_apprunner_service.payments", "instance_configuration.0.instance_role_arn", "aws_iam_role.instance");
    const found = await pairs(plansDir("insecure-iam.json"));
    for (const id of ["AR-IAM-001", "AR-IAM-002", "AR-IAM-003", "AR-IAM-004"]) expect(found.some((p) => p.startsWith(id))).toBe(true);
  });

  test("AR-NET-001: the association's resource_arn is unknown; only the reference tells which service it protects", async () => {
    unknownAndLinked("waf-unknown-link.json", "aws_wafv2_web_acl_association.web", "resource_arn", "aws_apprunner_service.web");
    const found = await pairs(plansDir("waf-unknown-link.json"));
    expect(found).toContain("AR-NET-001 aws_apprunner_service.admin");
    expect(found).not.toContain("AR-NET-001 aws_apprunner_service.web");
  });

  test("AR-SEC-002: a wholly unknown secrets map whose reference is an SSM parameter", async () => {
    const path = "source_configuration.0.image_repository.0.image_configuration.0.runtime_environment_secrets";
    unknownAndLinked("insecure-secrets.json", "aws_apprunner_service.signup", path, "aws_ssm_parameter.db_token");
    const report = await runCheck({ paths: [plansDir("insecure-secrets.json")] });
    expect(report.findings.filter((f) => f.rule_id === "AR-SEC-002" && f.resource === "aws_apprunner_service.signup").map((f) => f.message)).toEqual([
      "aws_apprunner_service.signup injects (name unknown until apply) from aws_ssm_parameter.db_token from SSM Parameter Store (allow_ssm_for_secret_names is false); the map is unknown as a whole because a value in it is unknown until apply, and the input shows its references, not its names, so the name cannot be shown not to be secret-like: use a Secrets Manager secret",
    ]);
  });

  test("AR-SEC-001: a plain variable whose value is a generated password, unknown until apply", async () => {
    const envPath = "source_configuration.0.image_repository.0.image_configuration.0.runtime_environment_variables";
    const doc = plan([
      { address: "random_password.db", type: "random_password", name: "db", after: { length: 32 }, after_unknown: { result: true } },
      {
        address: "aws_apprunner_service.api",
        type: "aws_apprunner_service",
        name: "api",
        after: { service_name: "api", source_configuration: [{ image_repository: [{ image_identifier: "public.ecr.aws/a/b:1.0", image_repository_type: "ECR_PUBLIC", image_configuration: [{ port: "8080" }] }] }] },
        after_unknown: { arn: true, source_configuration: [{ image_repository: [{ image_configuration: [{ runtime_environment_variables: true }] }] }] },
        expressions: {
          service_name: constant("api"),
          source_configuration: [{ image_repository: [{ image_configuration: [{ port: constant("8080"), runtime_environment_variables: ref("random_password.db.result", "random_password.db") }] }] }],
        },
      },
    ]);
    const path = tempJson(doc, "plan.json");
    const [input] = loadInputs([path]);
    expect(normalize(input!).resources["aws_apprunner_service.api"]!.refs[envPath]).toEqual(["random_password.db"]);
    expect(await pairs(path)).toContain("AR-SEC-001 aws_apprunner_service.api");
  });

  test("AR-NET-002: ports from variables are known in a plan, so the rule fires although the configuration only references var.port", async () => {
    expect(await pairs(plansDir("insecure-network.json"))).toContain("AR-NET-002 aws_apprunner_service.bastion");
  });
});

describe("AWS Config parity rules on real plans, switched on by config", () => {
  const PARITY = ["AR-NET-005", "AR-NET-006", "AR-NET-007", "AR-OPS-004", "AR-OPS-005"];
  let config: string;
  const check = (name: string) => runCheck({ paths: [plansDir(name)], configPath: config, now: new Date("2026-11-23T00:00:00Z") });
  const parityPairs = async (name: string) =>
    [...new Set((await check(name)).findings.filter((f) => PARITY.includes(f.rule_id)).map((f) => `${f.rule_id} ${f.resource}`))].sort();

  beforeAll(() => {
    config = tempJson({
      params: { require_vpc_egress: true, require_private_ingress: true, ip_address_type: "DUAL_STACK", vpc_connector_required_tags: ["Environment", "Owner"] },
    });
  });

  test("audit-parity-fail breaks every parity rule", async () => {
    expect(await parityPairs("audit-parity-fail.json")).toEqual([
      "AR-NET-005 aws_apprunner_service.catalog",
      "AR-NET-006 aws_apprunner_service.catalog",
      "AR-NET-007 aws_apprunner_service.catalog",
      "AR-OPS-004 aws_apprunner_service.catalog",
      "AR-OPS-005 aws_apprunner_vpc_connector.db",
    ]);
  });

  test("audit-parity-pass passes them, the connector's Owner coming from default_tags (tags_all); private: AR-NET-001/007 not-applicable", async () => {
    expect(await parityPairs("audit-parity-pass.json")).toEqual([]);
    const report = await check("audit-parity-pass.json");
    const status = (rule: string, resource: string) => report.evaluations.find((e) => e.rule_id === rule && e.resource === resource)?.status;
    for (const rule of ["AR-NET-005", "AR-NET-006", "AR-OPS-004"]) expect(status(rule, "aws_apprunner_service.ledger"), rule).toBe("pass");
    expect(status("AR-OPS-005", "aws_apprunner_vpc_connector.egress")).toBe("pass");
    expect(status("AR-NET-001", "aws_apprunner_service.ledger")).toBe("not-applicable");
    expect(status("AR-NET-007", "aws_apprunner_service.ledger")).toBe("not-applicable");
  });

  test("audit-dual-stack passes AR-NET-007 (and, being public, breaks AR-NET-005/006)", async () => {
    expect(await parityPairs("audit-dual-stack.json")).toEqual(["AR-NET-005 aws_apprunner_service.storefront", "AR-NET-006 aws_apprunner_service.storefront"]);
  });

  test("with default parameters the optional parity rules examine nothing (not-applicable everywhere)", async () => {
    const report = await runCheck({ paths: [plansDir("audit-parity-fail.json")], now: new Date("2026-11-23T00:00:00Z") });
    for (const rule of ["AR-NET-005", "AR-NET-006", "AR-NET-007", "AR-OPS-005"]) {
      const rows = report.evaluations.filter((e) => e.rule_id === rule);
      expect(rows.length, rule).toBeGreaterThan(0);
      expect(new Set(rows.map((e) => e.status)), rule).toEqual(new Set(["not-applicable"]));
    }
  });
});
