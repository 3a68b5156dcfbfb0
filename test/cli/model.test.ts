import { readdirSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, test } from "vitest";
import { loadInputs } from "../../src/load/index.js";
import { normalize } from "../../src/normalize/index.js";
import { describeFirstError, validator } from "../../src/schemas/ajv.js";
import { exampleOut, fixtures } from "../helpers/paths.js";
import { cli, ensureBuilt } from "../helpers/cli.js";

beforeAll(() => ensureBuilt());

describe("apprunner-guard model", () => {
  test("prints the input model of a plan: valid against input-model.schema.json and equal to the normalizer's", async () => {
    const plan = fixtures("plans", "insecure-iam.json");
    const r = await cli(["model", plan]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const model = JSON.parse(r.stdout);
    const validate = validator("input-model");
    expect(validate(model), describeFirstError(validate.errors)).toBe(true);
    expect(model).toEqual(JSON.parse(JSON.stringify(normalize(loadInputs([plan])[0]!))));
    expect(Object.keys(model.resources).length).toBeGreaterThan(3);
  });

  test("--source: the model check sees, with the values read from the .tf source and valid against the schema", async () => {
    const plan = fixtures("plans", "src-jsonencode.json");
    const r = await cli(["model", plan, "--source", fixtures("hcl", "src-jsonencode")]);
    expect(r.code, r.stderr).toBe(0);
    const model = JSON.parse(r.stdout);
    const validate = validator("input-model");
    expect(validate(model), describeFirstError(validate.errors)).toBe(true);
    expect(model.source.source_values.read).toContain("aws_iam_role_policy.jobs policy");
    const jobs = model.iam.roles["aws_iam_role.instance"].statements.find((s: { via: string }) => s.via === "aws_iam_role_policy.jobs");
    expect(jobs).toMatchObject({ actions: ["sqs:*"], resource_refs: ["aws_sqs_queue.jobs"], unknown: [] });
    const without = JSON.parse((await cli(["model", plan])).stdout);
    expect(without.source.source_values).toBeUndefined();
    const unread = without.iam.roles["aws_iam_role.instance"].unresolved.map((u: { via: string }) => u.via);
    expect(unread).toContain("aws_iam_role_policy.jobs");
  });

  test("one stack of a cdktf.out by its cdk.tf.json; the folder with several stacks is refused with exit 2", async () => {
    const stacks = readdirSync(exampleOut("stacks")).sort();
    expect(stacks.length).toBeGreaterThan(1);
    const one = await cli(["model", exampleOut("stacks", stacks[0]!, "cdk.tf.json")]);
    expect(one.code).toBe(0);
    expect(JSON.parse(one.stdout).source).toMatchObject({ kind: "cdktf-stack", stack: stacks[0] });
    const all = await cli(["model", exampleOut()]);
    expect(all.code).toBe(2);
    expect(all.stderr).toMatch(new RegExp(`^apprunner-guard: ${exampleOut().replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: holds ${stacks.length} inputs \\(.*\\); a model is one input: pass one of .*cdk\\.tf\\.json.*\\n$`));
    expect(all.stdout).toBe("");
  });

  test("input that is not a plan or stack: exit 2, one line", async () => {
    const r = await cli(["model", join(fixtures("plans"), "README.md")]);
    expect(r.code).toBe(2);
    expect(r.stderr.split("\n")).toHaveLength(2);
    expect(r.stderr).toContain("README.md: not valid JSON");
  });
});
