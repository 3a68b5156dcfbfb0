import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { runCheck } from "../../src/check.js";
import { loadInputs } from "../../src/load/index.js";
import { normalize } from "../../src/normalize/index.js";

/** One Terraform module split over two files, as modules usually are: main.tf.json and iam.tf.json. */
function splitModule(): string {
  const dir = mkdtempSync(join(tmpdir(), "arg-module-"));
  writeFileSync(
    join(dir, "main.tf.json"),
    JSON.stringify(
      {
        resource: {
          aws_iam_role: { instance: { name: "instance", assume_role_policy: JSON.stringify({ Statement: [{ Effect: "Allow", Action: "sts:AssumeRole", Principal: { Service: "tasks.apprunner.amazonaws.com" } }] }) } },
          aws_apprunner_service: {
            api: {
              service_name: "api",
              instance_configuration: { instance_role_arn: "${aws_iam_role.instance.arn}" },
              network_configuration: { ingress_configuration: { is_publicly_accessible: false } },
              source_configuration: { image_repository: { image_identifier: "public.ecr.aws/a/api:1.2.3", image_repository_type: "ECR_PUBLIC", image_configuration: { port: "8080" } } },
            },
          },
        },
      },
      null,
      2,
    ),
  );
  writeFileSync(
    join(dir, "iam.tf.json"),
    JSON.stringify(
      { resource: { aws_iam_role_policy: { everything: { role: "${aws_iam_role.instance.name}", policy: JSON.stringify({ Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] }) } } } },
      null,
      2,
    ),
  );
  return dir;
}

describe("a folder of *.tf.json files is one module", () => {
  test("its files become one input, and each resource keeps the file it came from", () => {
    const dir = splitModule();
    const inputs = loadInputs([dir]);
    expect(inputs).toHaveLength(1);
    expect(inputs[0]!.path).toBe(dir);
    const model = normalize(inputs[0]!);
    expect(model.resources["aws_iam_role_policy.everything"]!.origin).toMatchObject({ file: join(dir, "iam.tf.json"), line: 4 });
    expect(model.resources["aws_apprunner_service.api"]!.origin.file).toBe(join(dir, "main.tf.json"));
  });

  test("a policy in one file reaches the role in another: the pass rejects, it does not pass file by file", async () => {
    const report = await runCheck({ paths: [splitModule()] });
    expect(report.findings.filter((f) => f.rule_id === "AR-IAM-001").map((f) => [f.resource, f.location.file.endsWith("iam.tf.json")])).toEqual([
      ["aws_iam_role_policy.everything", true],
    ]);
    expect(report.summary.accepted).toBe(false);
  });
});

describe("inputs named more than once", () => {
  test("the same file twice, or a folder and a file in it, is checked once", () => {
    const dir = splitModule();
    expect(loadInputs([join(dir, "main.tf.json"), join(dir, "main.tf.json")])).toHaveLength(1);
    const both = loadInputs([dir, join(dir, "iam.tf.json")]);
    expect(both.map((i) => i.path)).toEqual([dir]);
  });
});

describe("a folder of plan JSON files is an estate: one input per file", () => {
  test("each plan is its own input, next to the *.tf.json module of the same folder; variable files are not inputs", () => {
    const dir = splitModule();
    writeFileSync(join(dir, "prod.json"), readFileSync("test/fixtures/plans/diff-waf-removed.json"));
    writeFileSync(join(dir, "staging.json"), readFileSync("test/fixtures/plans/secure-public.json"));
    writeFileSync(join(dir, "terraform.tfvars.json"), JSON.stringify({ region: "eu-west-1" }));
    const inputs = loadInputs([dir]);
    expect(inputs.map((i) => [i.path, i.kind])).toEqual([
      [dir, "terraform-json"],
      [join(dir, "prod.json"), "terraform-plan"],
      [join(dir, "staging.json"), "terraform-plan"],
    ]);
  });
});
