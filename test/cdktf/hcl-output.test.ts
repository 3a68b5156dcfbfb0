import { createHash } from "node:crypto";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App, TerraformStack } from "cdktf";
import { ApprunnerService } from "@cdktf/provider-aws/lib/apprunner-service/index.js";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider/index.js";
import { expect, test } from "vitest";
import { applyGuard } from "../../src/cdktf/index.js";

// With hclOutput cdktf writes cdk.tf, not cdk.tf.json: the guard checks the stack's JSON from memory (the input path names the cdk.tf cdktf wrote),
// with the same rules and an input identity that is the sha256 of that JSON text.
test("an app synthesized as HCL is checked from the stack in memory and still fails synth", () => {
  const dir = mkdtempSync(join(tmpdir(), "ag-cdktf-hcl-"));
  const app = new App({ outdir: dir, hclOutput: true });
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
  const guard = applyGuard(app, { reportDir: false });
  expect(() => app.synth()).toThrow(/AR-SEC-001 \(critical\) aws_apprunner_service\.Api \[payments\/Api\]/);

  expect(existsSync(join(dir, "stacks", "payments", "cdk.tf.json"))).toBe(false);
  const input = guard.report!.inputs[0]!;
  expect(input).toMatchObject({ kind: "cdktf-stack", stack: "payments", path: expect.stringMatching(/stacks\/payments\/cdk\.tf$/) });
  const text = JSON.stringify(stack.toTerraform(), null, 2);
  expect(input.sha256).toBe(createHash("sha256").update(text).digest("hex"));
});
