import { describe, expect, test } from "vitest";
import { modelFrom } from "../helpers/model.js";
import { constant, plan, ref } from "../helpers/plan.js";

const service = (name: string, extra: Record<string, unknown> = {}) => ({
  address: `aws_apprunner_service.${name}`,
  type: "aws_apprunner_service",
  name,
  after: { service_name: name, ...extra },
});

describe("plan normalization", () => {
  test("a resource whose only action is delete is left out; a replaced one stays", () => {
    const model = modelFrom(
      plan([
        { ...service("old"), actions: ["delete"] },
        { ...service("swapped"), actions: ["delete", "create"] },
      ]),
    );
    expect(Object.keys(model.resources)).toEqual(["aws_apprunner_service.swapped"]);
    expect(model.resources["aws_apprunner_service.swapped"]!.actions).toEqual(["delete", "create"]);
  });

  test("an unknown value the configuration sets is listed and linked by reference; provider-computed ones are not", () => {
    const model = modelFrom(
      plan([
        { address: "aws_iam_role.instance", type: "aws_iam_role", name: "instance", after: { name: "i" }, after_unknown: { arn: true } },
        {
          ...service("api"),
          after: { service_name: "api", instance_configuration: [{ cpu: "1024" }] },
          after_unknown: { arn: true, instance_configuration: [{ instance_role_arn: true }], network_configuration: true },
          expressions: {
            service_name: constant("api"),
            instance_configuration: [{ cpu: constant("1024"), instance_role_arn: ref("aws_iam_role.instance.arn", "aws_iam_role.instance") }],
          },
        },
      ]),
    );
    const api = model.resources["aws_apprunner_service.api"]!;
    expect(api.unknown).toEqual(["instance_configuration.0.instance_role_arn"]);
    expect(api.refs).toEqual({ "instance_configuration.0.instance_role_arn": ["aws_iam_role.instance"] });
    expect(api.values.instance_configuration).toEqual([{ cpu: "1024" }]);
    expect(model.referenced_by).toEqual({ "aws_iam_role.instance": ["aws_apprunner_service.api"] });
  });

  test("references through a module's input variable and output reach the resource inside the module", () => {
    const doc = plan([
      {
        address: "data.aws_iam_policy_document.app",
        mode: "data",
        type: "aws_iam_policy_document",
        name: "app",
        actions: ["read"],
        after: { statement: [{ actions: ["S3:GetObject"], resources: ["*"], effect: "Allow" }] },
        after_unknown: { json: true },
      },
      {
        address: "aws_wafv2_web_acl_association.api",
        type: "aws_wafv2_web_acl_association",
        name: "api",
        after: { web_acl_arn: "arn:aws:wafv2:us-east-1:123456789012:regional/webacl/x/1" },
        after_unknown: { resource_arn: true },
        expressions: { resource_arn: ref("module.app.service_arn", "module.app") },
      },
    ]);
    const rc = doc.resource_changes as Record<string, unknown>[];
    rc.push(
      {
        address: "module.app.aws_iam_role.instance",
        module_address: "module.app",
        mode: "managed",
        type: "aws_iam_role",
        name: "instance",
        change: { actions: ["create"], after: { name: "instance" }, after_unknown: { arn: true } },
      },
      {
        address: "module.app.aws_iam_role_policy.app",
        module_address: "module.app",
        mode: "managed",
        type: "aws_iam_role_policy",
        name: "app",
        change: { actions: ["create"], after: { name: "app" }, after_unknown: { policy: true, role: true } },
      },
      {
        address: "module.app.aws_apprunner_service.this",
        module_address: "module.app",
        mode: "managed",
        type: "aws_apprunner_service",
        name: "this",
        change: { actions: ["create"], after: { service_name: "api" }, after_unknown: { arn: true } },
      },
    );
    (doc.configuration as { root_module: { module_calls: unknown } }).root_module.module_calls = {
      app: {
        source: "./app",
        expressions: { policy_json: ref("data.aws_iam_policy_document.app.json", "data.aws_iam_policy_document.app") },
        module: {
          outputs: { service_arn: { expression: ref("aws_apprunner_service.this.arn", "aws_apprunner_service.this") } },
          resources: [
            { address: "aws_iam_role.instance", mode: "managed", type: "aws_iam_role", name: "instance", expressions: { name: constant("instance") } },
            {
              address: "aws_iam_role_policy.app",
              mode: "managed",
              type: "aws_iam_role_policy",
              name: "app",
              expressions: { policy: ref("var.policy_json"), role: ref("aws_iam_role.instance.id", "aws_iam_role.instance") },
            },
            { address: "aws_apprunner_service.this", mode: "managed", type: "aws_apprunner_service", name: "this", expressions: {} },
          ],
        },
      },
    };
    const model = modelFrom(doc);
    expect(model.resources["aws_wafv2_web_acl_association.api"]!.refs).toEqual({ resource_arn: ["module.app.aws_apprunner_service.this"] });
    expect(model.resources["module.app.aws_iam_role_policy.app"]!.refs).toEqual({
      policy: ["data.aws_iam_policy_document.app"],
      role: ["module.app.aws_iam_role.instance"],
    });
    expect(model.resources["module.app.aws_iam_role.instance"]!.module).toBe("module.app");
    // The document's json is unknown, so its statement blocks are read; actions are lower-cased.
    expect(model.iam.roles["module.app.aws_iam_role.instance"]!.statements).toEqual([
      expect.objectContaining({ actions: ["s3:getobject"], resources: ["*"], via: "data.aws_iam_policy_document.app" }),
    ]);
  });

  test("a literal ARN equal to another resource's known ARN counts as a reference", () => {
    const arn = "arn:aws:apprunner:us-east-1:123456789012:service/api/abc";
    const model = modelFrom(
      plan([
        { ...service("api", { arn }), actions: ["no-op"] },
        { address: "aws_wafv2_web_acl_association.api", type: "aws_wafv2_web_acl_association", name: "api", after: { resource_arn: arn, web_acl_arn: "arn:aws:wafv2:x" } },
      ]),
    );
    expect(model.resources["aws_wafv2_web_acl_association.api"]!.refs).toEqual({ resource_arn: ["aws_apprunner_service.api"] });
  });

  test.each([
    ["Action as a string", { Effect: "Allow", Action: "S3:*", Resource: "*" }],
    ["Action as a list", { Effect: "Allow", Action: ["s3:*"], Resource: ["*"] }],
    ["a single Statement object", { Resource: "*", Action: ["S3:*"], Effect: "Allow" }],
  ])("policy JSON: %s gives the same normalized statement", (_name, statement) => {
    const policy = _name === "a single Statement object" ? JSON.stringify({ Statement: statement }) : `{ "Statement" :\n\t[ ${JSON.stringify(statement)} ] , "Version":"2012-10-17"}`;
    const model = modelFrom(
      plan([
        { address: "aws_iam_role.r", type: "aws_iam_role", name: "r", after: { name: "r", assume_role_policy: JSON.stringify({ Statement: [{ Effect: "Allow", Principal: "*", Action: "sts:AssumeRole" }] }) } },
        { address: "aws_iam_role_policy.p", type: "aws_iam_role_policy", name: "p", after: { role: "r", policy } },
      ]),
    );
    const role = model.iam.roles["aws_iam_role.r"]!;
    expect(role.statements).toEqual([
      { sid: "", effect: "Allow", actions: ["s3:*"], not_actions: [], resources: ["*"], not_resources: [], resource_refs: [], principals: {}, not_principals: {}, conditions: [], unknown: [], via: "aws_iam_role_policy.p", index: 0 },
    ]);
    // Principal "*" means the same as {"AWS": "*"}.
    expect(role.trust[0]!.principals).toEqual({ AWS: ["*"] });
  });

  test("managed ARNs, exclusive attachments and unreadable documents: AWS managed listed, the rest unresolved", () => {
    const model = modelFrom(
      plan([
        {
          address: "aws_iam_role.r",
          type: "aws_iam_role",
          name: "r",
          after: { name: "r", managed_policy_arns: ["arn:aws:iam::aws:policy/AdministratorAccess", "arn:aws:iam::123456789012:policy/elsewhere"] },
        },
        { address: "aws_iam_role_policy_attachments_exclusive.r", type: "aws_iam_role_policy_attachments_exclusive", name: "r", after: { role_name: "r", policy_arns: ["arn:aws:iam::aws:policy/PowerUserAccess"] } },
        { address: "aws_iam_role_policy.bad", type: "aws_iam_role_policy", name: "bad", after: { role: "r", policy: "{not json" } },
        {
          address: "aws_iam_role_policy.later",
          type: "aws_iam_role_policy",
          name: "later",
          after: { role: "r" },
          after_unknown: { policy: true },
          expressions: { role: constant("r"), policy: ref("var.policy") },
        },
      ]),
    );
    const role = model.iam.roles["aws_iam_role.r"]!;
    expect(role.managed_policy_arns).toEqual([
      { arn: "arn:aws:iam::aws:policy/AdministratorAccess", via: "aws_iam_role.r" },
      { arn: "arn:aws:iam::aws:policy/PowerUserAccess", via: "aws_iam_role_policy_attachments_exclusive.r" },
    ]);
    expect(role.unresolved).toEqual([
      { via: "aws_iam_role.r", attribute: "managed_policy_arns", reason: "customer managed policy arn:aws:iam::123456789012:policy/elsewhere is not in this input, so its statements cannot be read" },
      { via: "aws_iam_role_policy.bad", attribute: "policy", reason: "policy document is not valid JSON" },
      { via: "aws_iam_role_policy.later", attribute: "policy", reason: "policy is unknown until apply and is not built from a policy document in this input" },
    ]);
  });
});

describe("list elements unknown until apply", () => {
  test("a managed_policy_arns element that is not a policy reference is unresolved, not dropped", () => {
    const model = modelFrom(
      plan([
        { address: "aws_ssm_parameter.extra", type: "aws_ssm_parameter", name: "extra", after: { name: "extra" }, after_unknown: { value: true } },
        {
          address: "aws_iam_role.r",
          type: "aws_iam_role",
          name: "r",
          after: { name: "r", managed_policy_arns: ["arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess", null] },
          after_unknown: { managed_policy_arns: [false, true] },
          expressions: { name: constant("r"), managed_policy_arns: ref("aws_ssm_parameter.extra.value", "aws_ssm_parameter.extra") },
        },
      ]),
    );
    const role = model.iam.roles["aws_iam_role.r"]!;
    expect(role.managed_policy_arns).toEqual([{ arn: "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess", via: "aws_iam_role.r" }]);
    expect(role.unresolved).toEqual([
      { via: "aws_iam_role.r", attribute: "managed_policy_arns", reason: "managed_policy_arns is unknown until apply and names no aws_iam_policy in this input" },
    ]);
  });
});

describe("policy JSON with a key twice in one object", () => {
  test.each([
    ['{"Statement":[{"Effect":"Deny","Effect":"Allow","Action":"*","Resource":"*"}]}', "Effect"],
    ['{"Statement":[{"Effect":"Allow","Action":"s3:GetObject","\\u0041ction":"*","Resource":"*"}]}', "Action"],
  ])("%s is unresolved (AR-META-001 then blocks the IAM rules), not read as JSON.parse's last value", (policy, key) => {
    const model = modelFrom(
      plan([
        { address: "aws_iam_role.r", type: "aws_iam_role", name: "r", after: { name: "r" } },
        { address: "aws_iam_role_policy.p", type: "aws_iam_role_policy", name: "p", after: { role: "r", policy } },
      ]),
    );
    const role = model.iam.roles["aws_iam_role.r"]!;
    expect(role.statements).toEqual([]);
    expect(role.unresolved).toEqual([
      { via: "aws_iam_role_policy.p", attribute: "policy", reason: `policy document has the key "${key}" twice in one object, so which value AWS reads is not certain` },
    ]);
  });
});
