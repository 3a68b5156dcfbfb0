import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { runCheck } from "../../src/check.js";
import { modelOf } from "../helpers/model.js";
import { buildApp, buildCrossStackApp, type AppOptions } from "../fixtures/cdktf/apps.js";

/**
 * Real `cdktf synth` output (the repo's cdktf) of small apps written with the raw provider classes:
 * Fn.jsonencode policies, an addOverride("dynamic.instance_configuration", ...) escape hatch,
 * TerraformIterator for_each, and a role from another stack.
 */
const root = mkdtempSync(join(tmpdir(), "arg-cdktf-tfjson-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function synth(name: string, build: (outdir: string) => { synth(): void }): string {
  const outdir = join(root, name, "cdktf.out");
  mkdirSync(outdir, { recursive: true });
  build(outdir).synth();
  return outdir;
}

const app = (name: string, options: AppOptions) => synth(name, (outdir) => buildApp(outdir, options));
const stack = (outdir: string) => join(outdir, "stacks", "guarded", "cdk.tf.json");

async function pairs(path: string): Promise<string[]> {
  const report = await runCheck({ paths: [path], now: new Date("2026-11-23T00:00:00Z") });
  return [...new Set(report.findings.map((f) => `${f.rule_id} ${f.resource}`))].sort();
}

describe("cdktf synth output read as Terraform reads it", () => {
  test("Fn.jsonencode with named actions on specific resources is accepted", async () => {
    const out = app("jsonencode-scoped", { actions: ["ssm:GetParameter"] });
    expect(await pairs(out)).toEqual([]);
    const role = modelOf(stack(out)).iam.roles["aws_iam_role.InstanceRole"]!;
    expect(role.unresolved).toEqual([]);
    expect(role.statements[0]).toMatchObject({ actions: ["ssm:getparameter"], resources: [], resource_refs: ["aws_ssm_parameter.Config"] });
  });

  test('the same with "s3:*" is rejected by AR-IAM-002', async () => {
    const out = app("jsonencode-s3-star", { actions: ["ssm:GetParameter", "s3:*"] });
    expect(await pairs(out)).toEqual(["AR-IAM-002 aws_iam_role_policy.InstancePolicy"]);
  });

  test('"*" in a jsonencode Action is AR-IAM-001, not a cannot-verify', async () => {
    const out = app("jsonencode-star", { actions: ["*"] });
    expect(await pairs(out)).toEqual(expect.arrayContaining(["AR-IAM-001 aws_iam_role_policy.InstancePolicy"]));
  });

  test("addOverride('dynamic.instance_configuration', ...) links the role it names; the service is not role-less", async () => {
    const out = app("dynamic", { actions: ["ssm:GetParameter"], dynamicInstanceConfiguration: true });
    const svc = modelOf(stack(out)).resources["aws_apprunner_service.Service"]!;
    expect(svc.values.instance_configuration).toEqual([{ cpu: "1024", memory: "2048" }]);
    expect(svc.refs["instance_configuration.0.instance_role_arn"]).toEqual(["aws_iam_role.InstanceRole"]);
    expect(await pairs(out)).toEqual([]);
    const bad = app("dynamic-s3-star", { actions: ["s3:*"], dynamicInstanceConfiguration: true });
    expect(await pairs(bad)).toEqual(["AR-IAM-002 aws_iam_role_policy.InstancePolicy"]);
  });

  test("TerraformIterator: one service per element, each association linked to the instance its each.value names", async () => {
    const out = app("iterator", { actions: ["ssm:GetParameter"], iterator: true });
    const model = modelOf(stack(out));
    expect(model.by_type.aws_apprunner_service).toEqual(['aws_apprunner_service.Service["admin"]', 'aws_apprunner_service.Service["api"]']);
    expect(model.resources['aws_apprunner_service.Service["admin"]']!.values.service_name).toBe("admin");
    for (const key of ["admin", "api"]) {
      expect(model.resources[`aws_wafv2_web_acl_association.WebAclAssociation["${key}"]`]!.refs.resource_arn).toEqual([`aws_apprunner_service.Service["${key}"]`]);
    }
    expect(await pairs(out)).toEqual([]);
  });

  test("a role from another stack (remote state) is cannot-verify for the IAM rules, never a pass", async () => {
    const out = synth("cross-stack", buildCrossStackApp);
    const report = await runCheck({ paths: [out], now: new Date("2026-11-23T00:00:00Z") });
    const meta = report.findings.filter((f) => f.rule_id === "AR-META-001");
    expect(meta.map((f) => f.resource)).toEqual(["aws_apprunner_service.Service"]);
    expect(meta[0]!.message).toMatch(/instance role ARN of aws_apprunner_service\.Service is unknown until apply and not linked to an aws_iam_role in the input: cannot verify AR-IAM-001/);
    expect(report.summary.accepted).toBe(false);
  });
});
