import { describe, expect, test } from "vitest";
import { modelFrom } from "../helpers/model.js";

const stack = (resource: Record<string, unknown>, data: Record<string, unknown> = {}) => ({
  "//": { metadata: { stackName: "app", version: "0.21.0", backend: "local" } },
  resource,
  data,
});

describe("cdktf stack normalization", () => {
  const doc = stack(
    {
      aws_apprunner_service: {
        api_Resource_1A2B: {
          "//": { metadata: { path: "app/api/Resource", uniqueId: "api_Resource_1A2B" } },
          service_name: "api",
          instance_configuration: { instance_role_arn: "${aws_iam_role.api_InstanceRole_C3D4.arn}" },
          source_configuration: {
            image_repository: {
              image_identifier: "123456789012.dkr.ecr.us-east-1.amazonaws.com/api@sha256:" + "a".repeat(64),
              image_repository_type: "ECR",
              image_configuration: {
                port: "8080",
                runtime_environment_variables: { LOG_LEVEL: "info" },
                runtime_environment_secrets: { DB_PASSWORD: "${aws_secretsmanager_secret.db.arn}" },
              },
            },
          },
          tags: { Environment: "prod", Owner: "${var.owner}" },
        },
      },
      aws_iam_role: {
        api_InstanceRole_C3D4: {
          name: "api-instance",
          assume_role_policy: "${data.aws_iam_policy_document.trust.json}",
          inline_policy: { name: "secrets", policy: JSON.stringify({ Statement: [{ Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: "${aws_secretsmanager_secret.db.arn}" }] }) },
        },
      },
      aws_secretsmanager_secret: { db: { name: "db" } },
    },
    {
      aws_iam_policy_document: {
        trust: { statement: { actions: ["sts:AssumeRole"], principals: { type: "Service", identifiers: ["tasks.apprunner.amazonaws.com"] } } },
      },
    },
  );

  test("single blocks written as objects become lists; map attributes stay maps", () => {
    const model = modelFrom(doc);
    const api = model.resources["aws_apprunner_service.api_Resource_1A2B"]!;
    const image = (api.values.source_configuration as any)[0].image_repository[0];
    expect(image.image_configuration).toEqual([{ port: "8080", runtime_environment_variables: { LOG_LEVEL: "info" }, runtime_environment_secrets: {} }]);
    expect(api.values.tags).toEqual({ Environment: "prod" });
    expect(api.origin).toMatchObject({ construct_path: "app/api/Resource" });
  });

  test("${...} values are unknown and referenced per map key", () => {
    const model = modelFrom(doc);
    const api = model.resources["aws_apprunner_service.api_Resource_1A2B"]!;
    expect(api.unknown).toEqual([
      "instance_configuration.0.instance_role_arn",
      "source_configuration.0.image_repository.0.image_configuration.0.runtime_environment_secrets.DB_PASSWORD",
      "tags.Owner",
    ]);
    expect(api.refs).toEqual({
      "instance_configuration.0.instance_role_arn": ["aws_iam_role.api_InstanceRole_C3D4"],
      "source_configuration.0.image_repository.0.image_configuration.0.runtime_environment_secrets.DB_PASSWORD": ["aws_secretsmanager_secret.db"],
    });
    expect(model.referenced_by["aws_secretsmanager_secret.db"]).toEqual(["aws_apprunner_service.api_Resource_1A2B", "aws_iam_role.api_InstanceRole_C3D4"]);
  });

  test("trust from a policy document data source, inline policy JSON with a token resource", () => {
    const role = modelFrom(doc).iam.roles["aws_iam_role.api_InstanceRole_C3D4"]!;
    expect(role.trust).toEqual([
      expect.objectContaining({ effect: "Allow", actions: ["sts:assumerole"], principals: { Service: ["tasks.apprunner.amazonaws.com"] }, via: "data.aws_iam_policy_document.trust" }),
    ]);
    // The Resource token names aws_secretsmanager_secret.db of the input: one specific secret whose ARN is not known yet, not an unknown Resource.
    expect(role.statements).toEqual([
      expect.objectContaining({ actions: ["secretsmanager:getsecretvalue"], resources: [], resource_refs: ["aws_secretsmanager_secret.db"], unknown: [], via: "aws_iam_role.api_InstanceRole_C3D4" }),
    ]);
    expect(role.unresolved).toEqual([]);
  });

  test("a plain *.tf.json (list form) is read like a stack, without construct paths", () => {
    const model = modelFrom({ resource: [{ aws_iam_role: { r: { name: "r", assume_role_policy: "{\"Statement\":[]}" } } }] });
    expect(model.source.kind).toBe("terraform-json");
    expect(model.resources["aws_iam_role.r"]!.origin.construct_path).toBeNull();
    expect(model.iam.roles["aws_iam_role.r"]).toEqual({ trust: [], statements: [], managed_policy_arns: [], unresolved: [] });
  });
});

describe("provider default_tags in cdktf / *.tf.json", () => {
  test("become tags_all under the resource's own tags, per provider alias, like a plan's tags_all", () => {
    const model = modelFrom({
      "//": { metadata: { stackName: "app", version: "0.21.0", backend: "local" } },
      provider: {
        aws: [
          { region: "eu-west-1", default_tags: [{ tags: { Environment: "prod", Owner: "team-a", CostCenter: "${var.cc}" } }] },
          { alias: "us", region: "us-east-1", default_tags: [{ tags: { Environment: "staging" } }] },
        ],
      },
      resource: {
        aws_apprunner_service: {
          api: { service_name: "api", tags: { Owner: "team-b" } },
          edge: { service_name: "edge", provider: "aws.us" },
        },
        aws_iam_role_policy: { p: { role: "r", policy: "{}" } },
      },
    });
    expect(model.resources["aws_apprunner_service.api"]!.values.tags_all).toEqual({ Environment: "prod", Owner: "team-b" });
    expect(model.resources["aws_apprunner_service.edge"]!.values.tags_all).toEqual({ Environment: "staging" });
    // Not taggable as far as this input can tell: no tags set, not an App Runner resource.
    expect(model.resources["aws_iam_role_policy.p"]!.values.tags_all).toBeUndefined();
  });
});

describe("booleans written as strings in *.tf.json", () => {
  test('"false" is false, as Terraform converts it: a private service is not reported as public', () => {
    const model = modelFrom({
      resource: {
        aws_apprunner_service: {
          api: { service_name: "api", network_configuration: { ingress_configuration: { is_publicly_accessible: "false" } }, observability_configuration: { observability_enabled: "true" } },
        },
      },
    });
    const values = model.resources["aws_apprunner_service.api"]!.values as any;
    expect(values.network_configuration[0].ingress_configuration[0].is_publicly_accessible).toBe(false);
    expect(values.observability_configuration[0].observability_enabled).toBe(true);
  });
});
