// Issue 12, source-aware evaluation: where the plan does not know a value, the .tf source it was made
// from shows its structure (jsonencode policies over resources the same plan creates, maps with literal
// keys). Real plans (terraform 1.11 + the offline stub provider) of test/fixtures/hcl/src-jsonencode*/.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { runCheck } from "../../src/check.js";
import { attachSources, loadInputs } from "../../src/load/index.js";
import { normalize } from "../../src/normalize/index.js";
import { renderers } from "../../src/report/index.js";
import { fixtures } from "../helpers/paths.js";

const NOW = new Date("2026-12-03T00:00:00Z");
const plan = (name: string) => fixtures("plans", `${name}.json`);
const hcl = (name: string) => fixtures("hcl", name);

async function pairs(name: string, source: string | null): Promise<string[]> {
  const report = await runCheck({ paths: [plan(name)], ...(source === null ? { findSource: false } : { source }), now: NOW });
  return [...new Set(report.findings.map((f) => `${f.rule_id} ${f.resource}`))].sort();
}

const POLICIES = [
  "aws_iam_role_policy.db",
  "aws_iam_role_policy.jobs",
  'aws_iam_role_policy.topic["billing"]',
  'aws_iam_role_policy.topic["shipping"]',
  'module.lane["bulk"].aws_iam_role_policy.this',
  'module.lane["express"].aws_iam_role_policy.this',
  "module.worker.aws_iam_role_policy.this",
];

const scratch: string[] = [];
afterAll(() => scratch.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** A copy of a fixture's source with one edit, as a source edited after the plan was made would be. */
function editedSource(name: string, from: string, to: string): string {
  const dir = mkdtempSync(join(tmpdir(), "ag-src-"));
  scratch.push(dir);
  cpSync(hcl(name), dir, { recursive: true });
  const file = join(dir, "iam.tf");
  const text = readFileSync(file, "utf8");
  expect(text).toContain(from);
  writeFileSync(file, text.replace(from, to));
  return dir;
}

async function modelWith(name: string, source: string) {
  const inputs = loadInputs([plan(name)]);
  await attachSources(inputs, { source });
  return normalize(inputs[0]!);
}

describe("the plan alone cannot verify jsonencode policies over resources it creates", () => {
  test("src-jsonencode-ok without its source: every such policy is AR-META-001 and the plan is rejected", async () => {
    expect(await pairs("src-jsonencode-ok", null)).toEqual(POLICIES.map((p) => `AR-META-001 ${p}`).sort());
  });
});

describe("read with its source, the policies are judged", () => {
  test("src-jsonencode: sqs:* on one queue is AR-IAM-002 (not AR-IAM-003), the SSM-read actions stay AR-META-001, the hidden API_TOKEN name is AR-SEC-001", async () => {
    expect(await pairs("src-jsonencode", hcl("src-jsonencode"))).toEqual([
      "AR-IAM-002 aws_iam_role_policy.jobs",
      "AR-META-001 aws_iam_role_policy.extra",
      "AR-SEC-001 aws_apprunner_service.orders",
    ]);
  });

  test("the report lists each value read from the source, and the text report counts them", async () => {
    const report = await runCheck({ paths: [plan("src-jsonencode")], source: hcl("src-jsonencode"), now: NOW });
    const image = "source_configuration.0.image_repository.0.image_configuration.0";
    expect(report.inputs[0]!.source).toMatchObject({
      disagreed: [],
      values_read: [
        `aws_apprunner_service.orders ${image}.runtime_environment_secrets`,
        `aws_apprunner_service.orders ${image}.runtime_environment_variables`,
        ...["aws_iam_role_policy.db", "aws_iam_role_policy.extra", "aws_iam_role_policy.jobs", 'aws_iam_role_policy.topic["billing"]', 'aws_iam_role_policy.topic["shipping"]', "module.worker.aws_iam_role_policy.this"].map((a) => `${a} policy`),
      ],
    });
    expect(renderers.text(report, { color: false })).toContain("; 8 values the plan does not know read from it");
  });

  test("src-jsonencode-ok: accepted with no finding at all", async () => {
    const report = await runCheck({ paths: [plan("src-jsonencode-ok")], source: hcl("src-jsonencode-ok"), now: NOW });
    expect(report.findings).toEqual([]);
    expect(report.summary.accepted).toBe(true);
  });

  test("what is truly unknown stays cannot-verify: the message names the unknown actions, not the whole policy", async () => {
    const report = await runCheck({ paths: [plan("src-jsonencode")], source: hcl("src-jsonencode"), now: NOW });
    const meta = report.findings.filter((f) => f.rule_id === "AR-META-001").map((f) => f.message);
    expect(meta).toEqual([expect.stringContaining("statement 0 of aws_iam_role_policy.extra")]);
    expect(meta[0]).toContain("has actions unknown until apply");
  });

  test("each Resource is the one specific resource: instance keys of for_each and resources inside a module", async () => {
    const model = await modelWith("src-jsonencode-ok", hcl("src-jsonencode-ok"));
    const statements = model.iam.roles["aws_iam_role.instance"]!.statements;
    const byVia = (via: string) => statements.filter((s) => s.via === via);
    expect(byVia('aws_iam_role_policy.topic["shipping"]').map((s) => [s.actions, s.resource_refs, s.unknown])).toEqual([
      [["sqs:sendmessage"], ['aws_sqs_queue.topic["shipping"]'], []],
    ]);
    expect(byVia("module.worker.aws_iam_role_policy.this").map((s) => [s.resource_refs, s.unknown])).toEqual([[["module.worker.aws_sqs_queue.this"], []]]);
    // A module called with for_each is read once per instance the plan shows, each with its own each.key.
    expect(byVia('module.lane["bulk"].aws_iam_role_policy.this').map((s) => [s.resource_refs, s.unknown])).toEqual([[['module.lane["bulk"].aws_sqs_queue.this'], []]]);
    expect(byVia('module.lane["express"].aws_iam_role_policy.this').map((s) => s.resource_refs)).toEqual([['module.lane["express"].aws_sqs_queue.this']]);
    expect(byVia("aws_iam_role_policy.db").flatMap((s) => s.resource_refs)).toEqual(["aws_secretsmanager_secret.db", "aws_kms_key.main"]);
  });

  test("a map the plan writes as wholly unknown gets its literal keys, each linked to what its value references", async () => {
    const model = await modelWith("src-jsonencode", hcl("src-jsonencode"));
    const service = model.resources["aws_apprunner_service.orders"]!;
    const map = "source_configuration.0.image_repository.0.image_configuration.0.runtime_environment_secrets";
    expect(service.unknown).not.toContain(map);
    expect(service.refs[`${map}.DB_PASSWORD`]).toEqual(["aws_secretsmanager_secret.db"]);
  });

  test("an HCL override file (*_override.tf) is merged as Terraform merges it, not taken for a second definition", async () => {
    const dir = editedSource("src-jsonencode-ok", "# src-jsonencode-ok:", "# src-jsonencode-ok (with an override file):");
    writeFileSync(join(dir, "db_override.tf"), 'resource "aws_iam_role_policy" "db" {\n  name = "db"\n}\n');
    expect(await pairs("src-jsonencode-ok", dir)).toEqual([]);
  });

  test("the plan's variable values expand for_each, not the defaults written in the source", async () => {
    const dir = editedSource("src-jsonencode-ok", 'default = ["billing", "shipping"]', 'default = ["billing"]');
    expect(await pairs("src-jsonencode-ok", dir)).toEqual([]);
  });
});

describe("a source that disagrees with the plan is not used for that resource", () => {
  test("an expression that references another resource than the plan says (edited since): the policy stays AR-META-001", async () => {
    const dir = editedSource("src-jsonencode-ok", "Resource = aws_sqs_queue.jobs.arn", 'Resource = aws_sqs_queue.topic["billing"].arn');
    expect(await pairs("src-jsonencode-ok", dir)).toEqual(["AR-META-001 aws_iam_role_policy.jobs"]);
  });

  test("a known value that differs (name) marks the whole resource as not this plan's source, and the report says so", async () => {
    const dir = editedSource("src-jsonencode", 'name = "jobs"', 'name = "jobs-v2"');
    expect(await pairs("src-jsonencode", dir)).toEqual([
      "AR-META-001 aws_iam_role_policy.extra",
      "AR-META-001 aws_iam_role_policy.jobs",
      "AR-SEC-001 aws_apprunner_service.orders",
    ]);
    const report = await runCheck({ paths: [plan("src-jsonencode")], source: dir, now: NOW });
    expect(report.inputs[0]!.source).toMatchObject({ disagreed: ["aws_iam_role_policy.jobs"] });
    expect(renderers.text(report, { color: false })).toContain("the source disagrees with the plan for aws_iam_role_policy.jobs: not used for their values");
  });

  test("the source never replaces what the plan knows: a literal policy in the plan is read from the plan", async () => {
    // iam-resource-patterns has literal policies in its plan; its source read alongside changes nothing.
    const without = await pairs("iam-resource-patterns", null);
    expect(await pairs("iam-resource-patterns", hcl("iam-resource-patterns"))).toEqual(without);
  });
});
