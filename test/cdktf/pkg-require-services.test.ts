import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App, TerraformStack } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider/index.js";
import { SqsQueue } from "@cdktf/provider-aws/lib/sqs-queue/index.js";
import { describe, expect, test } from "vitest";
import { applyGuard } from "../../src/cdktf/index.js";

function queueOnlyApp(): App {
  const app = new App({ outdir: mkdtempSync(join(tmpdir(), "pkg-noservice-")) });
  const stack = new TerraformStack(app, "queues");
  new AwsProvider(stack, "aws", { region: "eu-west-1" });
  new SqsQueue(stack, "Orders", { name: "orders" });
  return app;
}

describe("applyGuard on an app with no App Runner service", () => {
  test("accepted, with the report saying nothing was checked", () => {
    const app = queueOnlyApp();
    const guard = applyGuard(app, { reportDir: false });
    expect(() => app.synth()).not.toThrow();
    expect(guard.report!.summary.services).toBe(0);
  });

  test("requireServices: synth fails with one line saying so", () => {
    const app = queueOnlyApp();
    const guard = applyGuard(app, { reportDir: false, requireServices: true });
    expect(() => app.synth()).toThrow(/apprunner-guard: requireServices: the app synthesizes no aws_apprunner_service, so nothing was checked/);
    expect(guard.validate()).toEqual(["apprunner-guard: requireServices: the app synthesizes no aws_apprunner_service, so nothing was checked"]);
  });
});
