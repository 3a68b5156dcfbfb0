import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App, TerraformStack } from "cdktf";
import { ApprunnerService } from "@cdktf/provider-aws/lib/apprunner-service/index.js";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider/index.js";
import { describe, expect, test } from "vitest";
import { buildApp } from "../../examples/app.js";
import { applyGuard } from "../../src/cdktf/index.js";
import { expectValidJsonReport } from "../report/validate.js";

const outdir = () => mkdtempSync(join(tmpdir(), "ag-cdktf-"));

/** Raw provider resources, no secure-default constructs: a secret in plain env vars, an unpinned image, no WAF. */
function violatingApp(dir: string): App {
  const app = new App({ outdir: dir });
  const stack = new TerraformStack(app, "payments");
  new AwsProvider(stack, "aws", { region: "eu-west-1" });
  new ApprunnerService(stack, "Api", {
    serviceName: "payments-api",
    sourceConfiguration: {
      autoDeploymentsEnabled: false,
      imageRepository: {
        imageIdentifier: "public.ecr.aws/example/payments:latest",
        imageRepositoryType: "ECR_PUBLIC",
        imageConfiguration: { port: "8080", runtimeEnvironmentVariables: { DB_PASSWORD: "hunter2" } },
      },
    },
  });
  return app;
}

const sha256 = (path: string) => createHash("sha256").update(readFileSync(path)).digest("hex");

describe("applyGuard: the policy pass inside cdktf synth", () => {
  test("a violating construct fails synth, naming the rule ids, and the report lands in cdktf.out", () => {
    const dir = outdir();
    const app = violatingApp(dir);
    const guard = applyGuard(app);
    let message = "";
    try {
      app.synth();
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/AR-SEC-001 \(critical\) aws_apprunner_service\.Api \[payments\/Api\] at test\/cdktf\/guard\.test\.ts:\d+: .*DB_PASSWORD/);
    expect(message).toContain("AR-NET-001 (high)");
    expect(message).toMatch(/apprunner-guard REJECTED: \d+ blocking findings at or above high; report: .*apprunner-guard\/report\.md/);

    const reportPath = join(dir, "apprunner-guard", "report.json");
    for (const file of ["report.json", "report.sarif", "report.junit.xml", "report.md", "report.html"]) expect(existsSync(join(dir, "apprunner-guard", file))).toBe(true);
    const json = readFileSync(reportPath, "utf8");
    expectValidJsonReport(json);
    const report = JSON.parse(json);
    expect(report.summary.accepted).toBe(false);
    // the same bytes cdktf wrote: the pass read stacks/payments/cdk.tf.json through the CLI's loader
    const stackFile = join(dir, "stacks", "payments", "cdk.tf.json");
    expect(report.inputs).toEqual([expect.objectContaining({ kind: "cdktf-stack", stack: "payments", sha256: sha256(stackFile) })]);
    const secret = report.findings.find((f: { rule_id: string }) => f.rule_id === "AR-SEC-001");
    // on the line of this file that created the service (test/cdktf/ts-lines.test.ts covers the switch-off fallback to cdk.tf.json)
    const created = readFileSync(new URL(import.meta.url), "utf8").split("\n").findIndex((l) => l.includes('new ApprunnerService(stack, "Api"')) + 1;
    expect(secret.location).toEqual({ file: "test/cdktf/guard.test.ts", line: created, construct_path: "payments/Api" });
    expect(guard.report?.summary.blocking).toBe(report.summary.blocking);
  });

  test("the bundled compliant example synthesizes, and its report says accepted", () => {
    const dir = outdir();
    const app = buildApp(dir);
    const guard = applyGuard(app);
    expect(() => app.synth()).not.toThrow();
    expect(guard.report?.summary).toMatchObject({ accepted: true, blocking: 0 });
    expect(guard.report?.inputs.length).toBeGreaterThanOrEqual(2);
    expect(JSON.parse(readFileSync(join(dir, "apprunner-guard", "report.json"), "utf8")).summary.accepted).toBe(true);
  });

  test("waivers and failOn come from the same config file as check --config", () => {
    const dir = outdir();
    const config = join(dir, "guard.json");
    writeFileSync(
      config,
      JSON.stringify({
        fail_on: "critical",
        waivers: [{ rule: "AR-SEC-001", resource: "aws_apprunner_service.*", justification: "rotating this week", owner: "payments", expires: "2099-01-01" }],
      }),
    );
    const app = violatingApp(dir);
    const guard = applyGuard(app, { configPath: config, reportDir: false });
    expect(() => app.synth()).not.toThrow();
    expect(guard.report?.summary).toMatchObject({ accepted: true, waived: 1 });
    expect(existsSync(join(dir, "apprunner-guard"))).toBe(false);
  });

  test("fails closed: a missing or tampered policy bundle fails synth instead of passing", () => {
    const dir = outdir();
    const app = violatingApp(dir);
    applyGuard(app, { engine: { distDir: join(dir, "no-bundle-here") } });
    expect(() => app.synth()).toThrow(/apprunner-guard: .*rules\.json: cannot read the rule manifest.*nothing is accepted/);
  });

  test("a bad config file fails synth with the same one-line message the CLI gives", () => {
    const dir = outdir();
    const config = join(dir, "bad.json");
    writeFileSync(config, JSON.stringify({ waivers: [{ rule: "AR-SEC-001", resource: "x", justification: "j", owner: "o", expires: "soon" }] }));
    const app = violatingApp(dir);
    applyGuard(app, { configPath: config });
    expect(() => app.synth()).toThrow(`apprunner-guard: ${config}: invalid config: /waivers/0/expires must match format "date"`);
  });
});
