import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { buildApp } from "../../examples/app.js";
import { buildInsecureApp, INSECURE_STACK } from "../../examples/insecure-app.js";
import { statementsOf, type Statement, type TfJson } from "../helpers/constructs.js";

const outdir = mkdtempSync(join(tmpdir(), "apprunner-guard-example-"));
const insecureOutdir = mkdtempSync(join(tmpdir(), "apprunner-guard-insecure-"));
let stacks: Record<string, TfJson> = {};
let insecure: TfJson;

function readStacks(dir: string): Record<string, TfJson> {
  const out: Record<string, TfJson> = {};
  for (const name of readdirSync(join(dir, "stacks"))) {
    out[name] = JSON.parse(readFileSync(join(dir, "stacks", name, "cdk.tf.json"), "utf8"));
  }
  return out;
}

const ref = (expr: string) => new RegExp(`^\\$\\{${expr.replace(/\./g, "\\.")}\\}$`);
const list = (v: string | string[]) => (Array.isArray(v) ? v : [v]);

beforeAll(() => {
  buildApp(outdir).synth();
  stacks = readStacks(outdir);
  buildInsecureApp(insecureOutdir);
  insecure = readStacks(insecureOutdir)[INSECURE_STACK]!;
});

afterAll(() => {
  rmSync(outdir, { recursive: true, force: true });
  rmSync(insecureOutdir, { recursive: true, force: true });
});

test("cdktf.json runs examples/app.ts into cdktf.out", () => {
  const cfg = JSON.parse(readFileSync(new URL("../../cdktf.json", import.meta.url), "utf8"));
  expect(cfg.app).toBe("npx tsx examples/app.ts");
  expect(cfg.output).toBe("cdktf.out");
  expect(cfg.terraformProviders).toEqual([]);
});

test("the example app writes the two stacks", () => {
  expect(Object.keys(stacks).sort()).toEqual(["apprunner-api", "apprunner-internal"]);
});

test("together they contain every required resource type", () => {
  const types = new Set(Object.values(stacks).flatMap((s) => Object.keys(s.resource)));
  for (const type of [
    "aws_apprunner_service",
    "aws_iam_role",
    "aws_apprunner_vpc_connector",
    "aws_apprunner_vpc_ingress_connection",
    "aws_wafv2_web_acl_association",
    "aws_apprunner_auto_scaling_configuration_version",
    "aws_apprunner_observability_configuration",
  ]) {
    expect(types, type).toContain(type);
  }
});

describe.each(["apprunner-api", "apprunner-internal"])("%s follows RULES.md with default parameters", (name) => {
  const stack = () => stacks[name]!;
  const service = () => {
    const all = Object.entries(stack().resource.aws_apprunner_service ?? {});
    expect(all).toHaveLength(1);
    return { id: all[0]![0], svc: all[0]![1] as any };
  };
  const roleOf = (arnExpr: string) => {
    const id = /aws_iam_role\.([^.]+)\.arn/.exec(arnExpr)?.[1];
    expect(id, `role reference in ${arnExpr}`).toBeTruthy();
    return { id: id!, role: stack().resource.aws_iam_role![id!] as any };
  };
  const inline = (roleId: string): Statement[] =>
    Object.values(stack().resource.aws_iam_role_policy ?? {})
      .filter((p: any) => p.role === `\${aws_iam_role.${roleId}.name}`)
      .flatMap((p: any) => statementsOf(p.policy));

  test("two roles per service with the App Runner trust principals", () => {
    const { svc } = service();
    const instance = roleOf(svc.instance_configuration.instance_role_arn);
    const access = roleOf(svc.source_configuration.authentication_configuration.access_role_arn);
    expect(instance.id).not.toBe(access.id);
    expect(Object.keys(stack().resource.aws_iam_role!)).toHaveLength(2);
    expect(statementsOf(instance.role.assume_role_policy)[0]!.Principal).toEqual({ Service: "tasks.apprunner.amazonaws.com" });
    expect(statementsOf(access.role.assume_role_policy)[0]!.Principal).toEqual({ Service: "build.apprunner.amazonaws.com" });
  });

  test("instance role: no wildcard actions, * only for X-Ray, each secret read granted on its ARN", () => {
    const { svc } = service();
    const statements = inline(roleOf(svc.instance_configuration.instance_role_arn).id);
    expect(statements.length).toBeGreaterThan(0);
    for (const s of statements) {
      expect(s.Effect).toBe("Allow");
      for (const a of list(s.Action)) expect(a).not.toMatch(/[*?]/);
      if (list(s.Resource).includes("*")) for (const a of list(s.Action)) expect(a).toMatch(/^xray:/);
    }
    const secrets = svc.source_configuration.image_repository.image_configuration.runtime_environment_secrets as Record<string, string>;
    expect(Object.keys(secrets).length).toBeGreaterThan(0);
    for (const value of Object.values(secrets)) {
      const secretRef = /^\$\{aws_secretsmanager_secret\.[^.]+\.arn\}/.exec(value)?.[0];
      expect(secretRef, value).toBeTruthy();
      expect(statements).toContainEqual({ Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: secretRef });
    }
    expect(statements.flatMap((s) => list(s.Action))).not.toContain("ssm:GetParameters");
  });

  test("access role pulls only from its repository", () => {
    const { svc } = service();
    const statements = inline(roleOf(svc.source_configuration.authentication_configuration.access_role_arn).id);
    expect(statements).toEqual([
      { Effect: "Allow", Action: "ecr:GetAuthorizationToken", Resource: "*" },
      { Effect: "Allow", Action: expect.arrayContaining(["ecr:BatchGetImage"]), Resource: expect.stringMatching(/^arn:aws:ecr:eu-west-1:123456789012:repository\/example-(api|internal)$/) },
    ]);
  });

  test("pinned image, HTTP health check with path, KMS key, X-Ray, tags, allowed port, no plain secrets", () => {
    const { svc } = service();
    const image = svc.source_configuration.image_repository;
    expect(image.image_identifier).toMatch(/@sha256:[a-f0-9]{64}$/);
    expect(svc.health_check_configuration.protocol).toBe("HTTP");
    expect(svc.health_check_configuration.path).toMatch(/^\/.+/);
    expect(svc.encryption_configuration.kms_key).toMatch(ref("aws_kms_key.Key.arn"));
    expect(svc.observability_configuration.observability_enabled).toBe(true);
    const obsId = /aws_apprunner_observability_configuration\.([^.]+)\.arn/.exec(svc.observability_configuration.observability_configuration_arn)![1]!;
    expect(stack().resource.aws_apprunner_observability_configuration![obsId]!.trace_configuration).toEqual({ vendor: "AWSXRAY" });
    expect(svc.tags).toMatchObject({ Environment: expect.any(String), Owner: expect.any(String) });
    expect([8080, 8000]).toContain(Number(image.image_configuration.port));
    for (const n of Object.keys(image.image_configuration.runtime_environment_variables ?? {})) {
      expect(n).not.toMatch(/password|passwd|secret|token|api[_-]?key|private[_-]?key|access[_-]?key|credential|auth/i);
    }
  });

  test("public service has a WAF association on its ARN; private one an ingress connection", () => {
    const { id, svc } = service();
    const isPublic = svc.network_configuration.ingress_configuration.is_publicly_accessible;
    const assoc = Object.values(stack().resource.aws_wafv2_web_acl_association ?? {}) as any[];
    const ingress = Object.values(stack().resource.aws_apprunner_vpc_ingress_connection ?? {}) as any[];
    if (name === "apprunner-api") {
      expect(isPublic).toBe(true);
      expect(assoc).toHaveLength(1);
      expect(assoc[0].resource_arn).toBe(`\${aws_apprunner_service.${id}.arn}`);
      expect(assoc[0].web_acl_arn).toMatch(ref("aws_wafv2_web_acl.WebAcl.arn"));
      expect(svc.network_configuration.egress_configuration.egress_type).toBe("VPC");
      expect(svc.auto_scaling_configuration_arn).toMatch(/aws_apprunner_auto_scaling_configuration_version/);
    } else {
      expect(isPublic).toBe(false);
      expect(ingress).toHaveLength(1);
      expect(ingress[0].service_arn).toBe(`\${aws_apprunner_service.${id}.arn}`);
      expect(ingress[0].ingress_vpc_configuration.vpc_endpoint_id).toMatch(ref("aws_vpc_endpoint.RequestsEndpoint.id"));
    }
  });
});

describe("insecure example", () => {
  test("breaks the starred rules through raw resources", () => {
    const r = insecure.resource;
    const policy = statementsOf((Object.values(r.aws_iam_role_policy!)[0] as any).policy);
    expect(policy.map((s) => [s.Action, s.Resource])).toEqual([
      ["*", "*"],
      ["s3:*", "*"],
      [["dynamodb:GetItem"], "*"],
    ]);
    expect((Object.values(r.aws_iam_role_policy_attachment!)[0] as any).policy_arn).toBe("arn:aws:iam::aws:policy/AdministratorAccess");
    const svc = Object.values(r.aws_apprunner_service!)[0] as any;
    const cfg = svc.source_configuration.image_repository.image_configuration;
    expect(cfg.port).toBe("22");
    expect(cfg.runtime_environment_variables.DB_PASSWORD).toBe("hunter2");
    expect(cfg.runtime_environment_secrets.API_TOKEN).toMatch(ref("aws_ssm_parameter.ApiToken.arn"));
    expect(svc.network_configuration.ingress_configuration.is_publicly_accessible).toBe(true);
    expect(r.aws_wafv2_web_acl_association).toBeUndefined();
  });
});
