/**
 * The deliberately bad example: one stack that breaks every ★ rule of
 * RULES.md, for the policy-pass tests. Built from raw provider resources
 * because the apprunner-guard constructs refuse all of it. Not referenced by
 * cdktf.json; never deploy it.
 */
import { pathToFileURL } from "node:url";
import { App, TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider/index.js";
import { ApprunnerService } from "@cdktf/provider-aws/lib/apprunner-service/index.js";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role/index.js";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy/index.js";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment/index.js";
import { SsmParameter } from "@cdktf/provider-aws/lib/ssm-parameter/index.js";

export const INSECURE_STACK = "apprunner-insecure";

export class InsecureStack extends TerraformStack {
  readonly service: ApprunnerService;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    new AwsProvider(this, "aws", { region: "eu-west-1" });

    const role = new IamRole(this, "InstanceRole", {
      name: "insecure-apprunner-instance",
      assumeRolePolicy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: { Service: "tasks.apprunner.amazonaws.com" }, Action: "sts:AssumeRole" }],
      }),
    });
    // AR-IAM-001 (Action "*"), AR-IAM-002 ("s3:*"), AR-IAM-003 (Resource "*").
    new IamRolePolicy(this, "InstancePolicy", {
      role: role.name,
      policy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          { Sid: "Everything", Effect: "Allow", Action: "*", Resource: "*" },
          { Sid: "AllOfS3", Effect: "Allow", Action: "s3:*", Resource: "*" },
          { Sid: "ReadAnyTable", Effect: "Allow", Action: ["dynamodb:GetItem"], Resource: "*" },
        ],
      }),
    });
    // AR-IAM-004.
    new IamRolePolicyAttachment(this, "Admin", {
      role: role.name,
      policyArn: "arn:aws:iam::aws:policy/AdministratorAccess",
    });
    // AR-SEC-002: a secret-like name served from Parameter Store.
    const token = new SsmParameter(this, "ApiToken", {
      name: "/insecure/api-token",
      type: "SecureString",
      value: "placeholder-rotated-out-of-band",
    });

    // AR-NET-001: public and no aws_wafv2_web_acl_association; AR-NET-002: port 22; AR-SEC-001: DB_PASSWORD in plain text.
    this.service = new ApprunnerService(this, "Service", {
      serviceName: "insecure-service",
      sourceConfiguration: {
        autoDeploymentsEnabled: false,
        imageRepository: {
          imageIdentifier: "public.ecr.aws/aws-containers/hello-app-runner:latest",
          imageRepositoryType: "ECR_PUBLIC",
          imageConfiguration: {
            port: "22",
            runtimeEnvironmentVariables: { DB_PASSWORD: "hunter2", LOG_LEVEL: "debug" },
            runtimeEnvironmentSecrets: { API_TOKEN: token.arn },
          },
        },
      },
      instanceConfiguration: { cpu: "1 vCPU", memory: "2 GB", instanceRoleArn: role.arn },
      networkConfiguration: { ingressConfiguration: { isPubliclyAccessible: true } },
    });
  }
}

/** Builds the insecure app and synthesizes it into `outdir` (stack `apprunner-insecure`); returns the App. */
export function buildInsecureApp(outdir: string): App {
  const app = new App({ outdir });
  new InsecureStack(app, INSECURE_STACK);
  app.synth();
  return app;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  buildInsecureApp(process.argv[2] ?? "cdktf.out/insecure");
}
