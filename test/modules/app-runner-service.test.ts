import { describe, expect, test } from "vitest";
import { SecretsmanagerSecret } from "@cdktf/provider-aws/lib/secretsmanager-secret/index.js";
import {
  AppRunnerService,
  AutoScaling,
  Cpu,
  HealthCheck,
  Memory,
  Observability,
  PolicyStatement,
  Runtime,
  Secret,
  ServiceRole,
  Source,
  VpcConnector,
  WafProtection,
  XRAY_WRITE_ACTIONS,
} from "../../modules/index.js";
import { byId, only, resources, rolePolicy, synth, trustOf } from "../helpers/constructs.js";
import {
  CONNECTION_ARN,
  DIGEST,
  KEY_ARN,
  OTHER_SECRET_ARN,
  PARAM_ARN,
  REPO,
  SECRET_ARN,
  WEB_ACL_ARN,
} from "./fixtures.js";

describe("private ECR image, all options", () => {
  const json = synth((stack) => {
    const service = new AppRunnerService(stack, "Api", {
      serviceName: "orders-api",
      source: Source.fromEcr({ repository: REPO, tagOrDigest: DIGEST, imageConfiguration: { port: 3000, startCommand: "node server.js" } }),
      cpu: Cpu.of("2 vCPU"),
      memory: Memory.of("4 GB"),
      healthCheck: HealthCheck.http({ path: "/healthz", interval: 10, timeout: 4, healthyThreshold: 2, unhealthyThreshold: 3 }),
      environmentVariables: { LOG_LEVEL: "info" },
      environmentSecrets: { DB_PASSWORD: Secret.fromSecretsManager(SECRET_ARN, { jsonKey: "password", encryptionKey: KEY_ARN }) },
      autoScaling: new AutoScaling(stack, "Scaling", { minSize: 2, maxSize: 8, maxConcurrency: 50 }),
      observability: new Observability(stack, "Tracing"),
      vpcConnector: new VpcConnector(stack, "Conn", { subnets: ["subnet-1", "subnet-2"], securityGroups: ["sg-1"] }),
      waf: WafProtection.webAcl(WEB_ACL_ARN),
      encryptionKey: KEY_ARN,
      permissionsBoundary: "arn:aws:iam::123456789012:policy/boundary",
      tags: { Environment: "prod", Owner: "team-a" },
    });
    // Added after construction: must still reach the JSON and the grant.
    service.addEnvironmentVariable("FEATURE_X", "on");
    service.addSecret("STRIPE_KEY", Secret.fromSecretsManager(OTHER_SECRET_ARN, { versionStage: "AWSPREVIOUS" }));
    service.grantInstance(["dynamodb:GetItem", "dynamodb:PutItem"], "arn:aws:dynamodb:eu-west-1:123456789012:table/orders");
  });
  const svc = only(json, "aws_apprunner_service");

  test("service name, instance size, health check", () => {
    expect(svc.service_name).toBe("orders-api");
    expect(svc.instance_configuration).toEqual({
      cpu: "2 vCPU",
      memory: "4 GB",
      instance_role_arn: `\${aws_iam_role.${Object.keys(resources(json, "aws_iam_role")).find((k) => k.includes("InstanceRole"))}.arn}`,
    });
    expect(svc.health_check_configuration).toEqual({
      protocol: "HTTP",
      path: "/healthz",
      interval: 10,
      timeout: 4,
      healthy_threshold: 2,
      unhealthy_threshold: 3,
    });
  });

  test("image pinned by digest, access role wired, auto deploy off", () => {
    const src = svc.source_configuration;
    expect(src.image_repository.image_identifier).toBe(`${REPO.repositoryUrl}@${DIGEST}`);
    expect(src.image_repository.image_repository_type).toBe("ECR");
    expect(src.auto_deployments_enabled).toBe(false);
    expect(src.authentication_configuration.access_role_arn).toMatch(/^\$\{aws_iam_role\.Api_AccessRole_[A-F0-9]+\.arn\}$/);
    expect(src.image_repository.image_configuration.port).toBe("3000");
    expect(src.image_repository.image_configuration.start_command).toBe("node server.js");
  });

  test("plain variables stay plain, secrets use the App Runner value format", () => {
    const cfg = svc.source_configuration.image_repository.image_configuration;
    expect(cfg.runtime_environment_variables).toEqual({ LOG_LEVEL: "info", FEATURE_X: "on" });
    expect(cfg.runtime_environment_secrets).toEqual({
      DB_PASSWORD: `${SECRET_ARN}:password::`,
      STRIPE_KEY: `${OTHER_SECRET_ARN}::AWSPREVIOUS:`,
    });
  });

  test("network: VPC egress through the connector, public ingress, WAF association", () => {
    expect(svc.network_configuration.egress_configuration).toEqual({
      egress_type: "VPC",
      vpc_connector_arn: `\${aws_apprunner_vpc_connector.${Object.keys(resources(json, "aws_apprunner_vpc_connector"))[0]}.arn}`,
    });
    expect(svc.network_configuration.ingress_configuration).toEqual({ is_publicly_accessible: true });
    const assoc = only(json, "aws_wafv2_web_acl_association");
    expect(assoc).toEqual({ resource_arn: "${aws_apprunner_service.Api_F70053CD.arn}", web_acl_arn: WEB_ACL_ARN });
  });

  test("autoscaling, observability, encryption, tags", () => {
    expect(svc.auto_scaling_configuration_arn).toMatch(/^\$\{aws_apprunner_auto_scaling_configuration_version\.Scaling_[A-F0-9]+\.arn\}$/);
    expect(svc.observability_configuration).toEqual({
      observability_enabled: true,
      observability_configuration_arn: expect.stringMatching(/^\$\{aws_apprunner_observability_configuration\.Tracing_[A-F0-9]+\.arn\}$/),
    });
    expect(svc.encryption_configuration).toEqual({ kms_key: KEY_ARN });
    expect(svc.tags).toEqual({ Environment: "prod", Owner: "team-a" });
  });

  test("both roles carry the trust principal, boundary and tags", () => {
    expect(trustOf(json, "AccessRole")).toEqual([
      { Effect: "Allow", Principal: { Service: "build.apprunner.amazonaws.com" }, Action: "sts:AssumeRole" },
    ]);
    expect(trustOf(json, "InstanceRole")).toEqual([
      { Effect: "Allow", Principal: { Service: "tasks.apprunner.amazonaws.com" }, Action: "sts:AssumeRole" },
    ]);
    for (const role of Object.values(resources(json, "aws_iam_role"))) {
      expect(role.permissions_boundary).toBe("arn:aws:iam::123456789012:policy/boundary");
      expect(role.tags).toEqual({ Environment: "prod", Owner: "team-a" });
    }
    expect(Object.keys(resources(json, "aws_iam_role"))).toHaveLength(2);
  });

  test("access role: token on *, pull only from the one repository", () => {
    expect(rolePolicy(json, "AccessRole")).toEqual([
      { Effect: "Allow", Action: "ecr:GetAuthorizationToken", Resource: "*" },
      {
        Effect: "Allow",
        Action: ["ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage", "ecr:DescribeImages"],
        Resource: REPO.arn,
      },
    ]);
  });

  test("instance role: X-Ray, each secret, its key, the user grant; nothing else", () => {
    expect(rolePolicy(json, "InstanceRole")).toEqual([
      { Effect: "Allow", Action: [...XRAY_WRITE_ACTIONS], Resource: "*" },
      { Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: SECRET_ARN },
      { Effect: "Allow", Action: "kms:Decrypt", Resource: KEY_ARN },
      { Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: OTHER_SECRET_ARN },
      {
        Effect: "Allow",
        Action: ["dynamodb:GetItem", "dynamodb:PutItem"],
        Resource: "arn:aws:dynamodb:eu-west-1:123456789012:table/orders",
      },
    ]);
  });
});

describe("defaults", () => {
  const json = synth((stack) => {
    new AppRunnerService(stack, "Web", {
      source: Source.fromEcr({ repository: REPO, tagOrDigest: "v1.2.3" }),
      waf: WafProtection.webAcl(WEB_ACL_ARN),
    });
  });
  const svc = only(json, "aws_apprunner_service");

  test("1 vCPU / 2 GB, HTTP health check on /, port 8080, egress DEFAULT, generated name", () => {
    expect(svc.instance_configuration.cpu).toBe("1 vCPU");
    expect(svc.instance_configuration.memory).toBe("2 GB");
    expect(svc.health_check_configuration).toEqual({
      protocol: "HTTP",
      path: "/",
      interval: 5,
      timeout: 2,
      healthy_threshold: 1,
      unhealthy_threshold: 5,
    });
    expect(svc.source_configuration.image_repository.image_configuration).toEqual({ port: "8080" });
    expect(svc.source_configuration.image_repository.image_identifier).toBe(`${REPO.repositoryUrl}:v1.2.3`);
    expect(svc.network_configuration.egress_configuration).toEqual({ egress_type: "DEFAULT" });
    expect(svc.service_name).toMatch(/^Web-[0-9a-f]{8}$/);
    expect(svc).not.toHaveProperty("encryption_configuration");
    expect(svc).not.toHaveProperty("observability_configuration");
    expect(svc).not.toHaveProperty("auto_scaling_configuration_arn");
  });

  test("instance role exists with no policy when nothing is granted (no X-Ray without tracing)", () => {
    expect(Object.keys(resources(json, "aws_iam_role"))).toHaveLength(2);
    expect(rolePolicy(json, "InstanceRole")).toEqual([]);
    expect(Object.keys(resources(json, "aws_iam_role_policy"))).toHaveLength(1);
  });
});

describe("ECR Public source", () => {
  const json = synth((stack) => {
    new AppRunnerService(stack, "Hello", {
      source: Source.fromEcrPublic({
        imageIdentifier: "public.ecr.aws/aws-containers/hello-app-runner:v1",
        imageConfiguration: { port: 8000 },
      }),
      healthCheck: HealthCheck.tcp({ interval: 20 }),
      waf: WafProtection.webAcl(WEB_ACL_ARN),
    });
  });
  const svc = only(json, "aws_apprunner_service");

  test("no access role, auto deploy forced off, ECR_PUBLIC", () => {
    expect(svc.source_configuration).toEqual({
      auto_deployments_enabled: false,
      image_repository: {
        image_identifier: "public.ecr.aws/aws-containers/hello-app-runner:v1",
        image_repository_type: "ECR_PUBLIC",
        image_configuration: { port: "8000" },
      },
    });
    expect(Object.keys(resources(json, "aws_iam_role"))).toEqual([expect.stringContaining("InstanceRole")]);
  });

  test("TCP health check has no path", () => {
    expect(svc.health_check_configuration).toEqual({
      protocol: "TCP",
      interval: 20,
      timeout: 2,
      healthy_threshold: 1,
      unhealthy_threshold: 5,
    });
  });
});

describe("source code repository", () => {
  const json = synth((stack) => {
    new AppRunnerService(stack, "Code", {
      source: Source.fromCodeRepository({
        repositoryUrl: "https://github.com/acme/api",
        branch: "main",
        connectionArn: CONNECTION_ARN,
        sourceDirectory: "services/api",
        codeConfigurationValues: {
          runtime: Runtime.NODEJS_18,
          port: 3000,
          buildCommand: "npm ci && npm run build",
          startCommand: "node dist/server.js",
          environmentVariables: { NODE_ENV: "production" },
          environmentSecrets: { FLAGS: Secret.fromSsmParameter(PARAM_ARN, { encryptionKey: KEY_ARN }) },
        },
      }),
      autoDeploymentsEnabled: true,
      waf: WafProtection.webAcl(WEB_ACL_ARN),
    });
  });
  const svc = only(json, "aws_apprunner_service");

  test("code repository block with connection and code configuration", () => {
    expect(svc.source_configuration).toEqual({
      auto_deployments_enabled: true,
      authentication_configuration: { connection_arn: CONNECTION_ARN },
      code_repository: {
        repository_url: "https://github.com/acme/api",
        source_directory: "services/api",
        source_code_version: { type: "BRANCH", value: "main" },
        code_configuration: {
          configuration_source: "API",
          code_configuration_values: {
            runtime: "NODEJS_18",
            port: "3000",
            build_command: "npm ci && npm run build",
            start_command: "node dist/server.js",
            runtime_environment_variables: { NODE_ENV: "production" },
            runtime_environment_secrets: { FLAGS: PARAM_ARN },
          },
        },
      },
    });
  });

  test("no access role; SSM grant is ssm:GetParameters on the one parameter plus its key", () => {
    expect(Object.keys(resources(json, "aws_iam_role"))).toHaveLength(1);
    expect(rolePolicy(json, "InstanceRole")).toEqual([
      { Effect: "Allow", Action: "ssm:GetParameters", Resource: PARAM_ARN },
      { Effect: "Allow", Action: "kms:Decrypt", Resource: KEY_ARN },
    ]);
  });

  test("configurationSource REPOSITORY leaves values to apprunner.yaml", () => {
    const repoJson = synth((stack) => {
      new AppRunnerService(stack, "Yaml", {
        source: Source.fromCodeRepository({ repositoryUrl: "https://github.com/acme/api", branch: "main", connectionArn: CONNECTION_ARN }),
        waf: WafProtection.webAcl(WEB_ACL_ARN),
      });
    });
    expect(only(repoJson, "aws_apprunner_service").source_configuration.code_repository.code_configuration).toEqual({
      configuration_source: "REPOSITORY",
    });
  });
});

describe("private service", () => {
  const json = synth((stack) => {
    new AppRunnerService(stack, "Internal", {
      source: Source.fromEcr({ repository: REPO, tagOrDigest: DIGEST }),
      isPubliclyAccessible: false,
      privateIngress: { vpcId: "vpc-123", vpcEndpointId: "vpce-456", name: "internal-ingress" },
      tags: { Exposure: "internal" },
    });
  });

  test("not publicly accessible, with a VPC ingress connection and no WAF", () => {
    const svc = only(json, "aws_apprunner_service");
    expect(svc.network_configuration.ingress_configuration).toEqual({ is_publicly_accessible: false });
    expect(only(json, "aws_apprunner_vpc_ingress_connection")).toEqual({
      name: "internal-ingress",
      service_arn: "${aws_apprunner_service.Internal_606E9597.arn}",
      ingress_vpc_configuration: { vpc_id: "vpc-123", vpc_endpoint_id: "vpce-456" },
      tags: { Exposure: "internal" },
    });
    expect(resources(json, "aws_wafv2_web_acl_association")).toEqual({});
  });
});

describe("WAF opt-out", () => {
  const json = synth(
    (stack) => {
      new AppRunnerService(stack, "Edge", {
        source: Source.fromEcr({ repository: REPO, tagOrDigest: DIGEST }),
        waf: WafProtection.disabled("served only through CloudFront with its own web ACL", { owner: "edge-team", expires: "2027-06-30" }),
      });
    },
    { keepMetadata: true },
  );

  test("records the justification next to the service and creates no association", () => {
    const svc = only(json, "aws_apprunner_service");
    expect(svc["//"].apprunner_guard).toEqual({
      waf_disabled: "served only through CloudFront with its own web ACL",
      waivers: [{ rule: "AR-NET-001", justification: "served only through CloudFront with its own web ACL", owner: "edge-team", expires: "2027-06-30" }],
    });
    expect(resources(json, "aws_wafv2_web_acl_association")).toEqual({});
  });
});

describe("bring your own roles", () => {
  const json = synth((stack) => {
    const service = new AppRunnerService(stack, "Byo", {
      source: Source.fromEcr({ repository: REPO, tagOrDigest: DIGEST }),
      waf: WafProtection.webAcl(WEB_ACL_ARN),
      accessRole: ServiceRole.fromRoleArn(stack, "Pull", "arn:aws:iam::123456789012:role/shared-ecr-pull"),
      instanceRole: ServiceRole.fromRoleArn(stack, "Run", "arn:aws:iam::123456789012:role/teams/orders-runtime", { mutable: true }),
    });
    service.addSecret("DB_PASSWORD", Secret.fromSecretsManager(SECRET_ARN));
  });

  test("no roles are created; grants land on the mutable imported role only", () => {
    expect(resources(json, "aws_iam_role")).toEqual({});
    const svc = only(json, "aws_apprunner_service");
    expect(svc.instance_configuration.instance_role_arn).toBe("arn:aws:iam::123456789012:role/teams/orders-runtime");
    expect(svc.source_configuration.authentication_configuration.access_role_arn).toBe(
      "arn:aws:iam::123456789012:role/shared-ecr-pull",
    );
    const policies = Object.values(resources(json, "aws_iam_role_policy"));
    expect(policies).toHaveLength(1);
    expect(policies[0].role).toBe("orders-runtime");
    expect(JSON.parse(policies[0].policy).Statement).toEqual([
      { Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: SECRET_ARN },
    ]);
  });
});

describe("tokens", () => {
  const json = synth((stack) => {
    const secret = new SecretsmanagerSecret(stack, "Secret", { name: "db" });
    const service = new AppRunnerService(stack, "Tok", {
      source: Source.fromEcr({ repository: REPO, tagOrDigest: DIGEST }),
      waf: WafProtection.webAcl(WEB_ACL_ARN),
    });
    service.addSecret("DB_PASSWORD", Secret.fromSecretsManager(secret));
    service.addToInstancePolicy(
      new PolicyStatement({ actions: ["secretsmanager:DescribeSecret"], resources: [secret.arn] }),
    );
  });

  test("resource references pass through as Terraform expressions", () => {
    const cfg = only(json, "aws_apprunner_service").source_configuration.image_repository.image_configuration;
    expect(cfg.runtime_environment_secrets).toEqual({ DB_PASSWORD: "${aws_secretsmanager_secret.Secret.arn}" });
    expect(rolePolicy(json, "InstanceRole")).toEqual([
      { Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: "${aws_secretsmanager_secret.Secret.arn}" },
      { Effect: "Allow", Action: "secretsmanager:DescribeSecret", Resource: "${aws_secretsmanager_secret.Secret.arn}" },
    ]);
  });

  test("a token role ARN yields the role name through Terraform functions", () => {
    const j = synth((stack) => {
      const secret = new SecretsmanagerSecret(stack, "S", { name: "x" });
      const role = ServiceRole.fromRoleArn(stack, "R", secret.arn, { mutable: true });
      role.addToPolicy(new PolicyStatement({ actions: ["s3:GetObject"], resources: ["arn:aws:s3:::b/k"] }));
    });
    expect(only(j, "aws_iam_role_policy").role).toBe('${element(reverse(split("/", aws_secretsmanager_secret.S.arn)), 0)}');
  });
});

test("byId helper distinguishes roles (guards the other assertions)", () => {
  const json = synth((stack) => {
    new AppRunnerService(stack, "A", { source: Source.fromEcr({ repository: REPO, tagOrDigest: DIGEST }), waf: WafProtection.webAcl(WEB_ACL_ARN) });
  });
  expect(() => byId(json, "aws_iam_role", "Role")).toThrow(/expected one aws_iam_role matching Role/);
});
