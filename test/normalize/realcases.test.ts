import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { modelOf } from "../helpers/model.js";
import { hasRealcases, noteRealcasesSkipped, realcase, realcases } from "../helpers/paths.js";

function plans(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return plans(path);
    return /tfplan\.json$|_infra\.json$/.test(name) ? [path] : [];
  });
}

noteRealcasesSkipped("test/normalize/realcases.test.ts");

describe.skipIf(!hasRealcases)("real plans from Terraform 0.12 to 1.10", () => {
  const files = hasRealcases ? plans(realcases) : [];

  test("the corpus is there (a missing shared/ must not pass silently)", () => {
    expect(files.length).toBeGreaterThanOrEqual(10);
  });

  test.each(files.map((f) => [f.slice(realcases.length + 1), f]))("%s normalizes to a schema-valid model", (_name, file) => {
    const model = modelOf(file);
    expect(model.source.kind).toBe("terraform-plan");
    expect(Object.keys(model.resources).length).toBeGreaterThan(0);
    for (const [type, addresses] of Object.entries(model.by_type)) {
      for (const a of addresses) expect(model.resources[a]!.type).toBe(type);
    }
  });

  test("the App Runner plan keeps blocks as lists and treats provider-computed blocks as absent, not unknown", () => {
    const model = modelOf(realcase("bridgecrewio__checkov/tests/terraform/image_referencer/resources/aws/apprunner_tfplan.json"));
    const service = model.resources["aws_apprunner_service.example"]!;
    expect(service.values.source_configuration).toEqual([
      expect.objectContaining({
        image_repository: [
          {
            image_configuration: [{ port: "8000" }],
            image_identifier: "public.ecr.aws/aws-containers/hello-app-runner:latest",
            image_repository_type: "ECR_PUBLIC",
          },
        ],
      }),
    ]);
    // health_check / network / instance configuration are wholly unknown in after_unknown but the user set none of them.
    expect(service.values.network_configuration).toBeUndefined();
    expect(service.unknown).toEqual([]);
    expect(service.origin.line).toBeGreaterThan(0);
  });

  test("a policy built from data.aws_iam_policy_document reaches the role through configuration references", () => {
    const model = modelOf(realcase("bridgecrewio__checkov/tests/terraform/runner/resources/plan_with_iam_policies/tfplan.json"));
    const role = model.iam.roles["aws_iam_role.example"]!;
    expect(role.statements).toEqual([
      expect.objectContaining({ effect: "Allow", actions: ["iam:*"], resources: ["*"], via: "aws_iam_role_policy.fail_1" }),
    ]);
    expect(role.trust[0]).toMatchObject({ actions: ["sts:assumerole"], principals: { Service: ["lambda.amazonaws.com"] } });
    expect(model.resources["aws_iam_role_policy.fail_1"]!.refs).toMatchObject({
      policy: ["data.aws_iam_policy_document.fail_1"],
      role: ["aws_iam_role.example"],
    });
    expect(model.referenced_by["aws_iam_role.example"]).toContain("aws_iam_role_policy.fail_1");
  });

  test("a customer policy attached by aws_iam_role_policy_attachment contributes its statements (Terraform 1.10 plan)", () => {
    const model = modelOf(realcase("Andr1yK__aws_devops_task_5_use_iam_roles/tfplan.json"));
    const role = model.iam.roles["aws_iam_role.grafana"]!;
    expect(role.statements.length).toBeGreaterThanOrEqual(3);
    expect(new Set(role.statements.map((s) => s.via))).toEqual(new Set(["aws_iam_policy.this"]));
    expect(role.statements[0]).toMatchObject({ sid: "AllowReadingMetricsFromCloudWatch", resources: ["*"] });
    expect(role.statements[0]!.actions).toContain("cloudwatch:listmetrics");
  });

  test("format 0.1 plans (Terraform 0.13) resolve inline role policies", () => {
    const model = modelOf(realcase("fugue__regula/rego/tests/rules/tf/aws/iam/inputs/admin_policy_infra.json"));
    const statements = model.iam.roles["aws_iam_role.my_test_role"]!.statements;
    expect(statements.map((s) => [s.via, s.actions])).toEqual([
      ["aws_iam_role_policy.invalid_role_policy", ["*"]],
      ["aws_iam_role_policy.valid_role_policy", ["ec2:describe*"]],
    ]);
  });

  test("a real cdktf.out directory loads every stack in its manifest with construct paths", () => {
    const model = modelOf(realcase("bdchatham__obsidian-attestation-manager/cdktf.out"));
    expect(model.source).toMatchObject({ kind: "cdktf-stack", stack: "attestation-manager" });
    const project = Object.values(model.resources).find((r) => r.type === "aws_codebuild_project")!;
    expect(project.origin.construct_path).toBe("attestation-manager/attestation-manager-build");
    expect(project.origin.line).toBeGreaterThan(1);
    // cdktf writes single blocks as objects; only the known block table is reshaped, so this type stays as written.
    expect(project.values.artifacts).toEqual({ type: "NO_ARTIFACTS" });
    expect(project.unknown).toContain("environment.environment_variable.0.value");
    expect(project.refs["environment.environment_variable.0.value"]).toEqual(["aws_s3_bucket.attestation-manager-binaries"]);
  });
});
