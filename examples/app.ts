/**
 * The bundled example: a public API and a private internal service, both
 * built with the apprunner-guard constructs and passing every rule in
 * RULES.md with default parameters. `cdktf synth` runs this file.
 */
import { pathToFileURL } from "node:url";
import { App, TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider/index.js";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key/index.js";
import { SecretsmanagerSecret } from "@cdktf/provider-aws/lib/secretsmanager-secret/index.js";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group/index.js";
import { Subnet } from "@cdktf/provider-aws/lib/subnet/index.js";
import { Vpc } from "@cdktf/provider-aws/lib/vpc/index.js";
import { VpcEndpoint } from "@cdktf/provider-aws/lib/vpc-endpoint/index.js";
import { Wafv2WebAcl } from "@cdktf/provider-aws/lib/wafv2-web-acl/index.js";
import {
  AppRunnerService,
  AutoScaling,
  Cpu,
  HealthCheck,
  Memory,
  Observability,
  Secret,
  Source,
  VpcConnector,
  WafProtection,
} from "../modules/index.js";

export const REGION = "eu-west-1";
/** Image digests are what CI would write after pushing; pinning by digest makes the deploy reproducible. */
export const API_IMAGE_DIGEST = "sha256:3b0c7f1d8f5a4e2b9c6d1a0e7f4b2c9d8e1f0a3b6c5d4e7f2a1b0c9d8e7f6a5b";
export const INTERNAL_IMAGE_DIGEST = "sha256:9f8e7d6c5b4a39281706f5e4d3c2b1a09f8e7d6c5b4a39281706f5e4d3c2b1a0";

const TAGS = { Environment: "production", Owner: "platform-team", Project: "apprunner-guard-example" };

interface Network {
  vpc: Vpc;
  subnets: Subnet[];
}

function network(scope: Construct, cidr: string, tags: Record<string, string>): Network {
  const vpc = new Vpc(scope, "Vpc", { cidrBlock: `${cidr}.0.0/16`, enableDnsHostnames: true, enableDnsSupport: true, tags });
  const subnets = ["a", "b"].map(
    (az, i) =>
      new Subnet(scope, `PrivateSubnet${az.toUpperCase()}`, {
        vpcId: vpc.id,
        cidrBlock: `${cidr}.${10 + i}.0/24`,
        availabilityZone: `${REGION}${az}`,
        tags: { ...tags, Tier: "database" },
      }),
  );
  return { vpc, subnets };
}

/**
 * Images live in the platform's shared registry (its own stack; CI pushes before this deploys), so the image
 * URL is a literal here and the digest pin is visible to the policy pass at synth and plan time.
 */
export const REGISTRY_ACCOUNT = "123456789012";
function sharedRegistryRepository(name: string): { repositoryUrl: string; arn: string } {
  return {
    repositoryUrl: `${REGISTRY_ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/${name}`,
    arn: `arn:aws:ecr:${REGION}:${REGISTRY_ACCOUNT}:repository/${name}`,
  };
}

function encryptionKey(scope: Construct, description: string, tags: Record<string, string>): KmsKey {
  return new KmsKey(scope, "Key", { description, enableKeyRotation: true, deletionWindowInDays: 30, tags });
}

/** Public HTTP API: private ECR image by digest, DB password from Secrets Manager, WAF, X-Ray, autoscaling, VPC egress to the database subnets. */
export class ApiStack extends TerraformStack {
  readonly service: AppRunnerService;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    new AwsProvider(this, "aws", { region: REGION });
    const tags = { ...TAGS, Exposure: "public" };

    const key = encryptionKey(this, "apprunner-guard example: API service and its secrets", tags);
    const repository = sharedRegistryRepository("example-api");
    const dbSecret = new SecretsmanagerSecret(this, "DbCredentials", {
      name: "example-api/db-credentials",
      kmsKeyId: key.arn,
      tags,
    });

    const { vpc, subnets } = network(this, "10.20", tags);
    // Egress only to PostgreSQL inside the VPC: the connector is for the database, not a general NAT.
    const dbClient = new SecurityGroup(this, "DbClient", {
      name: "example-api-db-client",
      description: "App Runner API egress to the database",
      vpcId: vpc.id,
      egress: [
        { description: "PostgreSQL", protocol: "tcp", fromPort: 5432, toPort: 5432, cidrBlocks: [vpc.cidrBlock] },
      ],
      tags,
    });

    const webAcl = new Wafv2WebAcl(this, "WebAcl", {
      name: "example-api",
      scope: "REGIONAL",
      defaultAction: { allow: {} },
      visibilityConfig: { cloudwatchMetricsEnabled: true, metricName: "example-api", sampledRequestsEnabled: true },
      rule: [
        managedRuleGroup("AWSManagedRulesCommonRuleSet", 10),
        managedRuleGroup("AWSManagedRulesKnownBadInputsRuleSet", 20),
        {
          name: "rate-limit",
          priority: 30,
          action: { block: {} },
          statement: { rate_based_statement: { limit: 2000, aggregate_key_type: "IP" } },
          visibilityConfig: { cloudwatchMetricsEnabled: true, metricName: "rate-limit", sampledRequestsEnabled: true },
        },
      ],
      tags,
    });

    this.service = new AppRunnerService(this, "Api", {
      serviceName: "example-api",
      source: Source.fromEcr({
        repository,
        tagOrDigest: API_IMAGE_DIGEST,
        imageConfiguration: { port: 8080 },
      }),
      cpu: Cpu.ONE_VCPU,
      memory: Memory.TWO_GB,
      healthCheck: HealthCheck.http({ path: "/healthz", interval: 10, timeout: 5 }),
      environmentVariables: { LOG_LEVEL: "info", DB_NAME: "api" },
      environmentSecrets: {
        DB_PASSWORD: Secret.fromSecretsManager(dbSecret, { jsonKey: "password", encryptionKey: key }),
      },
      autoScaling: new AutoScaling(this, "Scaling", {
        autoScalingConfigurationName: "example-api",
        minSize: 2,
        maxSize: 10,
        maxConcurrency: 80,
        tags,
      }),
      observability: new Observability(this, "Tracing", { observabilityConfigurationName: "example-api", tags }),
      vpcConnector: new VpcConnector(this, "DbConnector", {
        vpcConnectorName: "example-api-db",
        subnets: subnets.map((s) => s.id),
        securityGroups: [dbClient.id],
        tags,
      }),
      waf: WafProtection.webAcl(webAcl),
      encryptionKey: key,
      tags,
    });
  }
}

function managedRuleGroup(name: string, priority: number) {
  return {
    name,
    priority,
    overrideAction: { none: {} },
    // `statement` is untyped in the provider bindings, so its keys are written as Terraform spells them.
    statement: { managed_rule_group_statement: { name, vendor_name: "AWS" } },
    visibilityConfig: { cloudwatchMetricsEnabled: true, metricName: name, sampledRequestsEnabled: true },
  };
}

/** Internal service: reachable only through an interface endpoint in its VPC. */
export class InternalStack extends TerraformStack {
  readonly service: AppRunnerService;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    new AwsProvider(this, "aws", { region: REGION });
    const tags = { ...TAGS, Exposure: "internal" };

    const key = encryptionKey(this, "apprunner-guard example: internal service and its secrets", tags);
    const repository = sharedRegistryRepository("example-internal");
    const apiToken = new SecretsmanagerSecret(this, "UpstreamToken", {
      name: "example-internal/upstream-token",
      kmsKeyId: key.arn,
      tags,
    });

    const { vpc, subnets } = network(this, "10.30", tags);
    const endpointSg = new SecurityGroup(this, "EndpointSg", {
      name: "example-internal-apprunner-endpoint",
      description: "HTTPS from inside the VPC to the App Runner requests endpoint",
      vpcId: vpc.id,
      ingress: [{ description: "HTTPS", protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: [vpc.cidrBlock] }],
      tags,
    });
    const endpoint = new VpcEndpoint(this, "RequestsEndpoint", {
      vpcId: vpc.id,
      serviceName: `com.amazonaws.${REGION}.apprunner.requests`,
      vpcEndpointType: "Interface",
      subnetIds: subnets.map((s) => s.id),
      securityGroupIds: [endpointSg.id],
      tags,
    });

    this.service = new AppRunnerService(this, "Internal", {
      serviceName: "example-internal",
      source: Source.fromEcr({ repository, tagOrDigest: INTERNAL_IMAGE_DIGEST, imageConfiguration: { port: 8000 } }),
      cpu: Cpu.HALF_VCPU,
      memory: Memory.ONE_GB,
      healthCheck: HealthCheck.http({ path: "/ready" }),
      environmentVariables: { LOG_LEVEL: "info" },
      environmentSecrets: { UPSTREAM_TOKEN: Secret.fromSecretsManager(apiToken, { encryptionKey: key }) },
      observability: new Observability(this, "Tracing", { observabilityConfigurationName: "example-internal", tags }),
      isPubliclyAccessible: false,
      privateIngress: { vpcId: vpc.id, vpcEndpointId: endpoint.id, name: "example-internal" },
      encryptionKey: key,
      tags,
    });
  }
}

/** Builds (does not synthesize) the example app. */
export function buildApp(outdir?: string): App {
  const app = new App(outdir ? { outdir } : {});
  new ApiStack(app, "apprunner-api");
  new InternalStack(app, "apprunner-internal");
  return app;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  buildApp().synth();
}
