// Issue 9 classes 3-6 in cdktf / *.tf.json input, where an unknown value is a "${...}" token.
import { describe, expect, test } from "vitest";
import { runCheck } from "../../src/check.js";
import { modelFrom, tempJson } from "../helpers/model.js";

const trust = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "sts:AssumeRole", Principal: { Service: "tasks.apprunner.amazonaws.com" } }] });

const stack = (resource: Record<string, unknown>, data: Record<string, unknown> = {}) => ({
  "//": { metadata: { stackName: "app", version: "0.21.0", backend: "local" } },
  resource: {
    aws_apprunner_service: {
      api: { service_name: "api", instance_configuration: { instance_role_arn: "${aws_iam_role.app.arn}" } },
    },
    aws_iam_role: { app: { name: "app", assume_role_policy: trust } },
    ...resource,
  },
  data,
});

const statementsOf = (doc: unknown) => modelFrom(doc).iam.roles["aws_iam_role.app"]!;

async function ruleIds(doc: unknown): Promise<string[]> {
  const report = await runCheck({ paths: [tempJson(doc, "cdk.tf.json")], now: new Date("2026-11-23T00:00:00Z") });
  return [...new Set(report.findings.filter((f) => /^AR-(IAM|META|SEC-003)/.test(f.rule_id)).map((f) => `${f.rule_id} ${f.resource}`))].sort();
}

describe("statement-level unknowns in cdktf tokens (class 5)", () => {
  const policy = (statement: Record<string, unknown>) => ({
    aws_iam_role_policy: { app: { role: "${aws_iam_role.app.name}", policy: JSON.stringify({ Version: "2012-10-17", Statement: [statement] }) } },
  });

  test.each([
    ["Effect", { Effect: "${var.effect}", Action: "s3:GetObject", Resource: "arn:aws:s3:::b/*" }, ["effect"]],
    ["Action", { Effect: "Allow", Action: ["${var.actions}"], Resource: "arn:aws:s3:::b/*" }, ["actions"]],
    ["Resource", { Effect: "Allow", Action: "s3:GetObject", Resource: "${data.aws_ssm_parameter.arn.value}" }, ["resources"]],
    ["Condition", { Effect: "Allow", Action: "iam:PassRole", Resource: "arn:aws:iam::1:role/x", Condition: { StringEquals: { "iam:PassedToService": "${var.svc}" } } }, ["conditions"]],
  ])("%s from a token is unknown, and a rule that reads it cannot verify", async (_field, statement, unknown) => {
    const doc = stack(policy(statement));
    expect(statementsOf(doc).statements.map((s) => s.unknown)).toEqual([unknown]);
    expect(await ruleIds(doc)).toContain("AR-META-001 aws_iam_role_policy.app");
  });

  test("a Resource token that references a resource of the input names that resource", async () => {
    const doc = stack({
      ...policy({ Effect: "Allow", Action: "s3:GetObject", Resource: "${aws_s3_bucket.uploads.arn}/*" }),
      aws_s3_bucket: { uploads: { bucket: "uploads" } },
    });
    const [st] = statementsOf(doc).statements;
    expect([st!.unknown, st!.resource_refs]).toEqual([[], ["aws_s3_bucket.uploads"]]);
    expect(await ruleIds(doc)).toEqual([]);
  });
});

describe("known values, references and data sources in cdktf (classes 3, 4, 6)", () => {
  test("a token over two policies proves nothing; a token over one names it", () => {
    const policies = {
      aws_iam_policy: {
        a: { name: "a", policy: JSON.stringify({ Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::a/*" }] }) },
        b: { name: "b", policy: JSON.stringify({ Statement: [{ Effect: "Allow", Action: "s3:PutObject", Resource: "arn:aws:s3:::b/*" }] }) },
      },
    };
    const two = statementsOf(stack({ ...policies, aws_iam_role_policy_attachment: { x: { role: "app", policy_arn: "${var.a ? aws_iam_policy.a.arn : aws_iam_policy.b.arn}" } } }));
    expect([two.statements, two.unresolved.map((u) => u.reason)]).toEqual([[], [expect.stringContaining("references several policies (aws_iam_policy.a, aws_iam_policy.b)")]]);
    const one = statementsOf(stack({ ...policies, aws_iam_role_policy_attachment: { x: { role: "app", policy_arn: "${aws_iam_policy.b.arn}" } } }));
    expect(one.statements.map((s) => s.actions)).toEqual([["s3:putobject"]]);
  });

  test("a policy given a known role name reaches that role only", () => {
    const model = modelFrom(
      stack({
        aws_iam_role: { app: { name: "app", assume_role_policy: trust }, batch: { name: "batch", assume_role_policy: trust } },
        aws_iam_role_policy: { wide: { role: "batch", policy: JSON.stringify({ Statement: [{ Effect: "Allow", Action: "sqs:*", Resource: "*" }] }) } },
      }),
    );
    expect(model.iam.roles["aws_iam_role.app"]!.statements).toEqual([]);
    expect(model.iam.roles["aws_iam_role.batch"]!.statements.map((s) => s.via)).toEqual(["aws_iam_role_policy.wide"]);
  });

  test("a data.aws_iam_role is not a role of the model: the service's role is cannot-verify, not a role without policies", async () => {
    const doc = stack({}, { aws_iam_role: { shared: { name: "shared" } } });
    (doc.resource.aws_apprunner_service as Record<string, Record<string, unknown>>).api!.instance_configuration = { instance_role_arn: "${data.aws_iam_role.shared.arn}" };
    expect(Object.keys(modelFrom(doc).iam.roles)).toEqual(["aws_iam_role.app"]);
    expect(await ruleIds(doc)).toEqual(["AR-META-001 aws_apprunner_service.api"]);
  });

  test("AWS managed policies are expanded from the snapshot; the ECR access policy stays within image pull", () => {
    const role = statementsOf(stack({ aws_iam_role_policy_attachment: { ecr: { role: "app", policy_arn: "arn:aws:iam::aws:policy/service-role/AWSAppRunnerServicePolicyForECRAccess" } } }));
    expect(role.statements).toEqual([
      expect.objectContaining({
        actions: ["ecr:getdownloadurlforlayer", "ecr:batchgetimage", "ecr:describeimages", "ecr:getauthorizationtoken", "ecr:batchchecklayeravailability"],
        resources: ["*"],
        via: "aws_iam_role_policy_attachment.ecr",
        managed_policy: "arn:aws:iam::aws:policy/service-role/AWSAppRunnerServicePolicyForECRAccess",
      }),
    ]);
  });
});
