import { readdirSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { runCheck } from "../../src/check.js";
import { fixtures } from "../helpers/paths.js";
import { modelFrom, modelOf, tempJson } from "../helpers/model.js";

/**
 * The tfjson-* cases are folders of *.tf.json under test/fixtures/hcl/, the same folders that
 * scripts/gen-plans.sh turns into real Terraform plans (test/fixtures/plans/tfjson-*.json). The
 * *.tf.json reader must judge each folder as Terraform will apply it.
 */
async function pairs(path: string): Promise<string[]> {
  const report = await runCheck({ paths: [path], now: new Date("2026-11-23T00:00:00Z") });
  return [...new Set(report.findings.map((f) => `${f.rule_id} ${f.resource}`))].sort();
}

const folder = (name: string) => fixtures("hcl", name);
const plan = (name: string) => fixtures("plans", `${name}.json`);

/** AdministratorAccess attached (judged by its content too: "*" on "*"). */
function adminFindings(via: string): string[] {
  return ["AR-IAM-001", "AR-IAM-003", "AR-IAM-004", "AR-IAM-005", "AR-SEC-003"].map((rule) => `${rule} ${via}`);
}

// What the *.tf.json reader reports for each folder, failing and correct forms side by side.
const expected: Record<string, string[]> = {
  // count = 0: the attachment will not exist; count = 1: it will, as instance [0].
  "tfjson-count-zero": [],
  "tfjson-count-one": adminFindings("aws_iam_role_policy_attachment.admin[0]"),
  // count from a variable: the JSON alone cannot tell whether the association exists.
  "tfjson-count-variable": ["AR-META-001 aws_wafv2_web_acl_association.orders", "AR-NET-001 aws_apprunner_service.orders"],
  // for_each: an association per service instance through each.value protects each; one for "orders" only leaves "billing".
  "tfjson-for-each-all": [],
  "tfjson-for-each-some": ['AR-NET-001 aws_apprunner_service.svc["billing"]'],
  // main_override.tf.json merged attribute by attribute over main.tf.json.
  "tfjson-override-safe": [],
  "tfjson-override-admin": [
    "AR-IAM-001 aws_iam_role_policy.instance",
    "AR-IAM-003 aws_iam_role_policy.instance",
    "AR-IAM-005 aws_iam_role_policy.instance",
    "AR-SEC-003 aws_iam_role_policy.instance",
  ],
  // instance_configuration written as a dynamic block: the role it names is linked.
  "tfjson-dynamic-role": [],
  "tfjson-dynamic-role-admin": adminFindings("aws_iam_role.admin"),
  // jsonencode() over resource ARNs: a policy document whose references are specific resources.
  "tfjson-jsonencode-scoped": [],
  "tfjson-jsonencode-s3-star": ["AR-IAM-002 aws_iam_role_policy.instance"],
  // A local JSON module creates the instance policy from the caller's arguments.
  "tfjson-module-scoped": [],
  "tfjson-module-s3-star": ["AR-IAM-002 module.app_iam.aws_iam_role_policy.this"],
};

describe("*.tf.json folders read as Terraform reads them", () => {
  test("every tfjson-* fixture folder has an expectation", () => {
    const cases = readdirSync(fixtures("hcl")).filter((d) => d.startsWith("tfjson-")).sort();
    expect(cases).toEqual(Object.keys(expected).sort());
  });

  test.each(Object.entries(expected))("%s", async (name, findings) => {
    expect(await pairs(folder(name))).toEqual(findings);
  });

  test("count and for_each instances get Terraform's addresses; count = 0 leaves none", () => {
    const zero = modelOf(folder("tfjson-count-zero"));
    expect(Object.keys(zero.resources).filter((a) => a.includes("attachment"))).toEqual([]);
    const forEach = modelOf(folder("tfjson-for-each-all"));
    expect(forEach.by_type.aws_apprunner_service).toEqual(['aws_apprunner_service.svc["billing"]', 'aws_apprunner_service.svc["orders"]']);
    expect(forEach.resources['aws_apprunner_service.svc["billing"]']!.values.service_name).toBe("billing");
    // each.value of a for_each over the services is one service instance per association.
    expect(forEach.resources['aws_wafv2_web_acl_association.svc["billing"]']!.refs.resource_arn).toEqual(['aws_apprunner_service.svc["billing"]']);
    const some = modelOf(folder("tfjson-for-each-some"));
    expect(some.resources['aws_wafv2_web_acl_association.svc["orders"]']!.refs.resource_arn).toEqual(['aws_apprunner_service.svc["orders"]']);
  });

  test("jsonencode: known actions and patterns are read, a reference is one specific resource", () => {
    const model = modelOf(folder("tfjson-jsonencode-scoped"));
    const statements = model.iam.roles["aws_iam_role.instance"]!.statements;
    expect(statements.map((s) => [s.actions, s.resources, s.resource_refs])).toEqual([
      [["ssm:getparameter", "ssm:getparameters"], [], ["aws_ssm_parameter.config"]],
      [["kms:decrypt"], [], ["aws_kms_key.main"]],
      [["xray:puttracesegments", "xray:puttelemetryrecords"], ["*"], []],
    ]);
    expect(model.iam.roles["aws_iam_role.instance"]!.unresolved).toEqual([]);
  });
});

/**
 * The same folders planned by real Terraform (scripts/gen-plans.sh, stub provider). Where both readers
 * can see a thing they must report the same; where they differ it is listed here with the reason, and
 * the *.tf.json reading is never the one that accepts something Terraform's plan shows to be wrong.
 */
const planDiffers: Record<string, { plan: string[]; stricter: "tfjson" | "plan" | "both reject"; why: string }> = {
  "tfjson-count-variable": {
    plan: [],
    stricter: "tfjson",
    why: "terraform plan knows var.waf_enabled (its default); the JSON alone does not, so the reader cannot verify AR-NET-001",
  },
  "tfjson-dynamic-role": {
    plan: ["AR-META-001 aws_apprunner_service.orders"],
    stricter: "plan",
    why: "plan configuration leaves dynamic blocks out, so the plan cannot link the instance role; the JSON source shows the dynamic block",
  },
  "tfjson-dynamic-role-admin": {
    plan: ["AR-META-001 aws_apprunner_service.orders"],
    stricter: "both reject",
    why: "as above: the plan cannot verify the role, the source shows it is an administrator",
  },
  "tfjson-jsonencode-scoped": {
    plan: ["AR-META-001 aws_iam_role_policy.instance"],
    stricter: "plan",
    why: "the plan hides a jsonencode() over resources it creates (policy unknown until apply); the JSON source shows its statements",
  },
  "tfjson-module-scoped": {
    plan: ["AR-META-001 module.app_iam.aws_iam_role_policy.this"],
    stricter: "plan",
    why: "the module's jsonencode() over the caller's resource ARNs is unknown in the plan; the module's JSON source shows it",
  },
  "tfjson-module-s3-star": {
    plan: ["AR-META-001 module.app_iam.aws_iam_role_policy.this"],
    stricter: "both reject",
    why: "as above; the source shows s3:*",
  },
  "tfjson-jsonencode-s3-star": {
    plan: ["AR-META-001 aws_iam_role_policy.instance"],
    stricter: "both reject",
    why: "as above: the plan cannot read the policy, the source shows s3:*; both reject",
  },
};

describe("the *.tf.json reading agrees with terraform plan of the same folder", () => {
  test.each(Object.keys(expected).filter((n) => !(n in planDiffers)))("%s: same findings", async (name) => {
    expect(await pairs(plan(name))).toEqual(await pairs(folder(name)));
  });

  test.each(Object.entries(planDiffers))("%s: differs, and only in the documented way", async (name, { plan: planFindings, stricter }) => {
    const planned = await pairs(plan(name));
    const tfjson = await pairs(folder(name));
    expect(planned).toEqual(planFindings);
    if (stricter === "tfjson") expect(tfjson).toEqual(expect.arrayContaining(planned));
    if (stricter === "plan") expect(planned).toEqual(expect.arrayContaining(tfjson));
    if (stricter === "both reject") expect([planned.length > 0, tfjson.length > 0]).toEqual([true, true]);
    expect(tfjson).not.toEqual(planned);
  });
});


describe("jsonencode policies stay fail-closed where a part is not one specific resource", () => {
  const withPolicy = (policy: string) => ({
    resource: {
      aws_ssm_parameter: { p: { name: "/p", type: "String", value: "x" } },
      aws_iam_role: { r: { name: "r", assume_role_policy: "{}" } },
      aws_iam_role_policy: { p: { role: "${aws_iam_role.r.id}", policy } },
    },
  });
  const statementOf = (policy: string) => modelFrom(withPolicy(policy)).iam.roles["aws_iam_role.r"]!.statements[0]!;

  test.each([
    ["a conditional with a literal \"*\" branch in Resource", '${jsonencode({Statement = [{Effect = "Allow", Action = "ssm:GetParameter", Resource = var.all ? "*" : aws_ssm_parameter.p.arn}]})}', ["resources"]],
    ["a reference in Action", '${jsonencode({Statement = [{Effect = "Allow", Action = var.action, Resource = aws_ssm_parameter.p.arn}]})}', ["actions"]],
    ["a reference in Effect", '${jsonencode({Statement = [{Effect = var.effect, Action = "ssm:GetParameter", Resource = aws_ssm_parameter.p.arn}]})}', ["effect"]],
    ["a variable ARN in Resource", '${jsonencode({Statement = [{Effect = "Allow", Action = "ssm:GetParameter", Resource = var.arn}]})}', ["resources"]],
  ])("%s is unknown", (_name, policy, unknown) => {
    expect(statementOf(policy).unknown).toEqual(unknown);
  });

  test("a reference followed by literal text is still that resource; the parameter's ARN is not \"*\"", () => {
    const s = statementOf('${jsonencode({Statement = [{Effect = "Allow", Action = ["ssm:GetParameter"], Resource = ["${aws_ssm_parameter.p.arn}/*"]}]})}');
    expect([s.unknown, s.resources, s.resource_refs]).toEqual([[], [], ["aws_ssm_parameter.p"]]);
  });

  test("Statement itself from a variable: the policy cannot be read", () => {
    const role = modelFrom(withPolicy("${jsonencode({Statement = var.statements})}")).iam.roles["aws_iam_role.r"]!;
    expect(role.statements).toEqual([]);
    expect(role.unresolved).toHaveLength(1);
  });
});

describe("module calls in *.tf.json", () => {
  const other = (name: string) => fixtures("tfjson", name);

  test("a local JSON module's resources get the module address, its variables the caller's arguments", () => {
    const model = modelOf(folder("tfjson-module-scoped"));
    const policy = model.resources["module.app_iam.aws_iam_role_policy.this"]!;
    expect(policy.module).toBe("module.app_iam");
    expect(policy.refs.role).toEqual(["aws_iam_role.instance"]);
    expect(model.iam.roles["aws_iam_role.instance"]!.statements[0]).toMatchObject({ actions: ["ssm:getparameter"], resource_refs: ["aws_ssm_parameter.config"], unknown: [] });
  });

  test("a downloaded module (.terraform/modules/modules.json) is read the same way", async () => {
    expect(await pairs(other("tfjson-module-downloaded"))).toEqual(["AR-IAM-002 module.app_iam.aws_iam_role_policy.this"]);
  });

  test.each([
    ["tfjson-module-not-downloaded", /module\.app_iam cannot be read: its source "acme\/app-iam\/aws" is not in the input \(not a local path, and not downloaded in .*modules\.json; run terraform init/],
    ["tfjson-module-native", /module\.app_iam cannot be read: it is written in Terraform's native syntax \(main\.tf\), which only a terraform plan shows/],
  ])("%s: what the module creates cannot be verified, and every rule says so", async (name, reason) => {
    const report = await runCheck({ paths: [other(name)], now: new Date("2026-11-23T00:00:00Z") });
    const meta = report.findings.filter((f) => f.rule_id === "AR-META-001");
    expect(meta).toHaveLength(1);
    expect(meta[0]!.message).toMatch(reason);
    expect(meta[0]!.message).toMatch(/cannot verify AR-IAM-001, .*AR-NET-001/);
    expect(report.summary.accepted).toBe(false);
  });
});

describe("what the JSON alone cannot determine is cannot-verify, with the reason", () => {
  test("an association whose count comes from a variable proves no protection", async () => {
    const report = await runCheck({ paths: [folder("tfjson-count-variable")], now: new Date("2026-11-23T00:00:00Z") });
    const meta = report.findings.find((f) => f.rule_id === "AR-META-001")!;
    expect(meta.message).toMatch(/resource_arn of aws_wafv2_web_acl_association\.orders is unknown until apply and not linked to a resource in the input \(aws_wafv2_web_acl_association\.orders has a count that the JSON alone does not determine, so Terraform may create none\): cannot verify AR-NET-001/);
  });

  test("a dynamic block with an unknown for_each: its literal parts are read, the block itself may be absent", async () => {
    const doc = {
      resource: {
        aws_apprunner_service: {
          api: {
            service_name: "api",
            dynamic: {
              network_configuration: {
                for_each: "${var.private ? [1] : []}",
                content: { ingress_configuration: { is_publicly_accessible: false } },
              },
            },
          },
        },
      },
    };
    const model = modelFrom(doc);
    const svc = model.resources["aws_apprunner_service.api"]!;
    expect(svc.values.network_configuration).toEqual([{ ingress_configuration: [{ is_publicly_accessible: false }] }]);
    expect(svc.unknown).toContain("network_configuration.0");
    const report = await runCheck({ paths: [tempJson(doc, "main.tf.json")], now: new Date("2026-11-23T00:00:00Z") });
    const meta = report.findings.filter((f) => f.rule_id === "AR-META-001" && f.attribute.startsWith("network_configuration"));
    expect(meta.map((f) => f.message)).toEqual([expect.stringMatching(/is unknown until apply \(it is set in a dynamic block whose for_each is not known before apply, so the block may be absent or repeated\): cannot verify AR-NET-001, AR-NET-004/)]);
  });

  test("a dynamic block's iterator: each element's literal and iterator values are read", () => {
    const model = modelFrom({
      resource: {
        aws_apprunner_service: {
          api: {
            service_name: "api",
            dynamic: {
              instance_configuration: {
                for_each: { a: "${aws_iam_role.r.arn}" },
                iterator: "role",
                content: { instance_role_arn: "${role.value}", cpu: "${role.key == \"a\" ? \"1024\" : \"2048\"}" },
              },
            },
          },
        },
        aws_iam_role: { r: { name: "r", assume_role_policy: "{}" } },
      },
    });
    const svc = model.resources["aws_apprunner_service.api"]!;
    expect(svc.values.instance_configuration).toEqual([{ cpu: "1024" }]);
    expect(svc.refs["instance_configuration.0.instance_role_arn"]).toEqual(["aws_iam_role.r"]);
    expect(svc.unknown).toEqual(["instance_configuration.0.instance_role_arn"]);
  });
});

describe("hostile *.tf.json", () => {
  test("a chain of 20,000 locals and a count that depends on itself are unknown, not a stack overflow", () => {
    const locals: Record<string, string> = { l0: "x" };
    for (let i = 1; i < 20_000; i++) locals[`l${i}`] = `\${local.l${i - 1}}`;
    const model = modelFrom({
      locals,
      resource: {
        aws_iam_role: { r: { name: "${local.l19999}", assume_role_policy: "{}" } },
        aws_iam_role_policy: { p: { count: "${length(aws_iam_role_policy.p)}", role: "r", policy: "{}" } },
      },
    });
    expect(model.resources["aws_iam_role.r"]!.unknown).toEqual(["name"]);
    expect(Object.keys(model.resources)).toContain("aws_iam_role_policy.p");
  });
});
