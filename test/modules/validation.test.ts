import { describe, expect, test } from "vitest";
import { TerraformVariable, type TerraformStack } from "cdktf";
import {
  AppRunnerService,
  type AppRunnerServiceProps,
  AutoScaling,
  ConstructError,
  Cpu,
  HealthCheck,
  IpAddressType,
  Memory,
  Observability,
  PolicyStatement,
  Runtime,
  Secret,
  ServiceRole,
  Source,
  VpcConnector,
  WafProtection,
} from "../../modules/index.js";
import { newStack, only, synth } from "../helpers/constructs.js";
import { CONNECTION_ARN, DIGEST, PARAM_ARN, REPO, SECRET_ARN, WEB_ACL_ARN } from "./fixtures.js";

const ecr = () => Source.fromEcr({ repository: REPO, tagOrDigest: DIGEST });
const waf = WafProtection.webAcl(WEB_ACL_ARN);

function service(extra: Partial<AppRunnerServiceProps> = {}, stack: TerraformStack = newStack()): AppRunnerService {
  return new AppRunnerService(stack, "Svc", { source: ecr(), waf, ...extra });
}

/** A construct's error: its path once, then the problem. */
const at = (path: string, message: string) => `${path}: ${message}`;

const FORBIDDEN = "21, 22, 23, 25, 53, 110, 111, 135, 139, 143, 389, 445, 636, 1433, 1521, 2049, 2375, 2376, 3306, 3389, 5432, 5672, 5900, 6379, 9042, 9092, 11211, 27017";
const NAME_RULE = "^[A-Za-z0-9][A-Za-z0-9_-]*$";
const LONG_ARN = `arn:aws:secretsmanager:eu-west-1:123456789012:secret:${"x".repeat(2048)}`;

const cases: Array<[string, () => unknown, string]> = [
  // instance size
  ["cpu/memory pair", () => service({ cpu: Cpu.ONE_VCPU, memory: Memory.EIGHT_GB }), at("stack/Svc", 'cpu "1 vCPU" cannot pair with memory "8 GB"; allowed: 2 GB, 3 GB, 4 GB')],
  ["0.25 vCPU with 2 GB", () => service({ cpu: Cpu.QUARTER_VCPU, memory: Memory.TWO_GB }), at("stack/Svc", 'cpu "0.25 vCPU" cannot pair with memory "2 GB"; allowed: 0.5 GB, 1 GB')],
  ["0.5 vCPU with 2 GB", () => service({ cpu: Cpu.HALF_VCPU, memory: Memory.TWO_GB }), at("stack/Svc", 'cpu "0.5 vCPU" cannot pair with memory "2 GB"; allowed: 1 GB')],
  ["2 vCPU with 8 GB", () => service({ cpu: Cpu.TWO_VCPU, memory: Memory.of("8 GB") }), at("stack/Svc", 'cpu "2 vCPU" cannot pair with memory "8 GB"; allowed: 4 GB, 6 GB')],
  ["4 vCPU with 6 GB", () => service({ cpu: Cpu.of("4 vCPU"), memory: Memory.SIX_GB }), at("stack/Svc", 'cpu "4 vCPU" cannot pair with memory "6 GB"; allowed: 8 GB, 10 GB, 12 GB')],
  ["default cpu with 1 GB", () => service({ memory: Memory.ONE_GB }), at("stack/Svc", 'cpu "1 vCPU" cannot pair with memory "1 GB"; allowed: 2 GB, 3 GB, 4 GB')],
  ["unknown cpu", () => Cpu.of("3 vCPU"), 'cpu "3 vCPU" is not supported; allowed: 0.25 vCPU, 0.5 vCPU, 1 vCPU, 2 vCPU, 4 vCPU'],
  ["unknown memory", () => Memory.of("2048"), 'memory "2048" is not supported; allowed: 0.5 GB, 1 GB, 2 GB, 3 GB, 4 GB, 6 GB, 8 GB, 10 GB, 12 GB'],
  // health check
  ["interval 0", () => HealthCheck.http({ interval: 0 }), "healthCheck.interval 0 is out of range; allowed: an integer from 1 to 20"],
  ["interval 21", () => HealthCheck.tcp({ interval: 21 }), "healthCheck.interval 21 is out of range; allowed: an integer from 1 to 20"],
  ["interval 2.5", () => HealthCheck.http({ interval: 2.5 }), "healthCheck.interval 2.5 is out of range; allowed: an integer from 1 to 20"],
  ["timeout 21", () => HealthCheck.http({ timeout: 21 }), "healthCheck.timeout 21 is out of range; allowed: an integer from 1 to 20"],
  ["healthyThreshold 0", () => HealthCheck.http({ healthyThreshold: 0 }), "healthCheck.healthyThreshold 0 is out of range; allowed: an integer from 1 to 20"],
  ["unhealthyThreshold 21", () => HealthCheck.tcp({ unhealthyThreshold: 21 }), "healthCheck.unhealthyThreshold 21 is out of range; allowed: an integer from 1 to 20"],
  ["empty path", () => HealthCheck.http({ path: "" }), 'healthCheck.path "" has 0 characters; allowed: 1 to 51200 characters'],
  // autoscaling
  ["minSize 0", () => new AutoScaling(newStack(), "A", { minSize: 0 }), at("stack/A", "autoScaling.minSize 0 is out of range; allowed: an integer from 1 to 25")],
  ["maxSize 26", () => new AutoScaling(newStack(), "A", { maxSize: 26 }), at("stack/A", "autoScaling.maxSize 26 is out of range; allowed: an integer from 1 to 25")],
  ["maxConcurrency 201", () => new AutoScaling(newStack(), "A", { maxConcurrency: 201 }), at("stack/A", "autoScaling.maxConcurrency 201 is out of range; allowed: an integer from 1 to 200")],
  ["maxConcurrency 0", () => new AutoScaling(newStack(), "A", { maxConcurrency: 0 }), at("stack/A", "autoScaling.maxConcurrency 0 is out of range; allowed: an integer from 1 to 200")],
  ["min > max", () => new AutoScaling(newStack(), "A", { minSize: 5, maxSize: 2 }), at("stack/A", "autoScaling.minSize 5 is greater than maxSize 2; allowed: minSize <= maxSize")],
  // names
  ["service name too short", () => service({ serviceName: "abc" }), at("stack/Svc", `serviceName "abc" is invalid; allowed: 4 to 40 characters matching ${NAME_RULE}`)],
  ["service name too long", () => service({ serviceName: "a".repeat(41) }), at("stack/Svc", `serviceName "${"a".repeat(41)}" is invalid; allowed: 4 to 40 characters matching ${NAME_RULE}`)],
  ["service name leading dash", () => service({ serviceName: "-api-1" }), at("stack/Svc", `serviceName "-api-1" is invalid; allowed: 4 to 40 characters matching ${NAME_RULE}`)],
  ["service name with space", () => service({ serviceName: "my api" }), at("stack/Svc", `serviceName "my api" is invalid; allowed: 4 to 40 characters matching ${NAME_RULE}`)],
  ["vpc connector name", () => new VpcConnector(newStack(), "C", { vpcConnectorName: "db.conn", subnets: ["s"], securityGroups: ["g"] }), at("stack/C", `vpcConnectorName "db.conn" is invalid; allowed: 4 to 40 characters matching ${NAME_RULE}`)],
  ["autoscaling name 33", () => new AutoScaling(newStack(), "A", { autoScalingConfigurationName: "a".repeat(33) }), at("stack/A", `autoScalingConfigurationName "${"a".repeat(33)}" is invalid; allowed: 4 to 32 characters matching ${NAME_RULE}`)],
  ["observability name", () => new Observability(newStack(), "O", { observabilityConfigurationName: "obs" }), at("stack/O", `observabilityConfigurationName "obs" is invalid; allowed: 4 to 32 characters matching ${NAME_RULE}`)],
  ["vpc connector no subnets", () => new VpcConnector(newStack(), "C", { subnets: [], securityGroups: ["g"] }), at("stack/C", "vpcConnector.subnets [] is empty; allowed: one or more subnet ids")],
  ["vpc connector no groups", () => new VpcConnector(newStack(), "C", { subnets: ["s"], securityGroups: [] }), at("stack/C", "vpcConnector.securityGroups [] is empty; allowed: one or more security group ids")],
  // port
  ["port 0", () => Source.fromEcr({ repository: REPO, tagOrDigest: DIGEST, imageConfiguration: { port: 0 } }), "imageConfiguration.port 0 is out of range; allowed: an integer from 1 to 65535"],
  ["port 65536", () => Source.fromEcrPublic({ imageIdentifier: "public.ecr.aws/x/y:1", imageConfiguration: { port: 65536 } }), "imageConfiguration.port 65536 is out of range; allowed: an integer from 1 to 65535"],
  ["port 80.5", () => Source.fromEcr({ repository: REPO, tagOrDigest: DIGEST, imageConfiguration: { port: 80.5 } }), "imageConfiguration.port 80.5 is out of range; allowed: an integer from 1 to 65535"],
  ["port 22", () => Source.fromEcr({ repository: REPO, tagOrDigest: DIGEST, imageConfiguration: { port: 22 } }), `imageConfiguration.port 22 is a well-known non-HTTP service port; allowed: an HTTP port from 1 to 65535 other than ${FORBIDDEN}`],
  ["code port 5432", () => Source.fromCodeRepository({ repositoryUrl: "https://github.com/a/b", branch: "main", connectionArn: CONNECTION_ARN, codeConfigurationValues: { runtime: Runtime.PYTHON_3, port: 5432 } }), `codeConfigurationValues.port 5432 is a well-known non-HTTP service port; allowed: an HTTP port from 1 to 65535 other than ${FORBIDDEN}`],
  // environment
  ["reserved env name", () => service({ environmentVariables: { AWSAPPRUNNER_REGION: "x" } }), at("stack/Svc", 'environment variable "AWSAPPRUNNER_REGION" is reserved by App Runner; allowed: names not starting with AWSAPPRUNNER')],
  ["reserved secret name", () => service().addSecret("awsapprunnerDb", Secret.fromSecretsManager(SECRET_ARN)), at("stack/Svc", 'secret "awsapprunnerDb" is reserved by App Runner; allowed: names not starting with AWSAPPRUNNER')],
  ["empty env name", () => service().addEnvironmentVariable("", "x"), at("stack/Svc", 'environment variable "" is empty; allowed: a non-empty name not starting with AWSAPPRUNNER')],
  ["secret-like plain variable", () => service({ environmentVariables: { DB_PASSWORD: "hunter2" } }), at("stack/Svc", 'environment variable "DB_PASSWORD" looks like a secret (matches /password/i); allowed: addSecret("DB_PASSWORD", Secret.fromSecretsManager(...)), or { notASecret: "why", owner, expires } if it holds none')],
  ["credential-like value", () => service().addEnvironmentVariable("UPSTREAM", "AKIAABCDEFGHIJKLMNOP"), at("stack/Svc", 'environment variable "UPSTREAM" has a value that looks like a credential; allowed: addSecret("UPSTREAM", Secret.fromSecretsManager(...))')],
  ["ssm for secret-like name", () => service().addSecret("API_TOKEN", Secret.fromSsmParameter(PARAM_ARN)), at("stack/Svc", 'secret "API_TOKEN" is secret-like (matches /token/i) but comes from SSM Parameter Store; allowed: Secret.fromSecretsManager(...) for secret-like names')],
  ["duplicate name", () => { const s = service({ environmentVariables: { MODE: "a" } }); s.addSecret("MODE", Secret.fromSecretsManager(SECRET_ARN)); }, at("stack/Svc", 'environment variable "MODE" is already set; allowed: each name once across variables and secrets')],
  ["env with REPOSITORY config", () => service({ source: Source.fromCodeRepository({ repositoryUrl: "https://github.com/a/b", branch: "main", connectionArn: CONNECTION_ARN }) }).addEnvironmentVariable("MODE", "a"), at("stack/Svc", 'addEnvironmentVariable "MODE" is not possible with configurationSource "REPOSITORY"; allowed: set it in apprunner.yaml, or use configurationSource "API"')],
  // secrets
  ["secret value too long", () => Secret.fromSecretsManager(LONG_ARN), `secret value ${JSON.stringify(LONG_ARN.slice(0, 40))}... has ${LONG_ARN.length} characters; allowed: 1 to 2048 characters`],
  ["not a secrets manager ARN", () => Secret.fromSecretsManager("prod/db"), 'Secret.fromSecretsManager secret "prod/db" is not a Secrets Manager secret ARN; allowed: arn:<partition>:secretsmanager:<region>:<account>:secret:<name>-<suffix>'],
  ["stage and version id", () => Secret.fromSecretsManager(SECRET_ARN, { versionStage: "AWSCURRENT", versionId: "v1" }), 'Secret.fromSecretsManager versionStage "AWSCURRENT" and versionId "v1" are both set; allowed: at most one of them'],
  ["not an SSM ARN", () => Secret.fromSsmParameter(SECRET_ARN), `Secret.fromSsmParameter parameter "${SECRET_ARN}" is not an SSM parameter ARN; allowed: arn:<partition>:ssm:<region>:<account>:parameter/<name>`],
  // source
  ["no source", () => service({ source: undefined as unknown as Source }), at("stack/Svc", "source undefined is missing; allowed: exactly one of Source.fromEcr(...), Source.fromEcrPublic(...), Source.fromCodeRepository(...)")],
  ["latest tag", () => Source.fromEcr({ repository: REPO, tagOrDigest: "latest" }), 'Source.fromEcr tagOrDigest "latest" is not a pinned image; allowed: a digest "sha256:<64 hex>" or an immutable tag other than latest'],
  ["bad digest", () => Source.fromEcr({ repository: REPO, tagOrDigest: "sha256:abc" }), 'Source.fromEcr tagOrDigest "sha256:abc" is not a valid digest; allowed: "sha256:" followed by 64 lowercase hex characters'],
  ["API config without values", () => Source.fromCodeRepository({ repositoryUrl: "https://github.com/a/b", branch: "main", connectionArn: CONNECTION_ARN, configurationSource: "API" }), 'Source.fromCodeRepository configurationSource "API" has no codeConfigurationValues; allowed: codeConfigurationValues with a runtime, or configurationSource "REPOSITORY"'],
  ["REPOSITORY config with values", () => Source.fromCodeRepository({ repositoryUrl: "https://github.com/a/b", branch: "main", connectionArn: CONNECTION_ARN, configurationSource: "REPOSITORY", codeConfigurationValues: { runtime: Runtime.GO_1 } }), 'Source.fromCodeRepository configurationSource "REPOSITORY" ignores codeConfigurationValues; allowed: configurationSource "API" with codeConfigurationValues, or no codeConfigurationValues'],
  ["auto deploy on ECR Public", () => service({ source: Source.fromEcrPublic({ imageIdentifier: "public.ecr.aws/x/y:1" }), autoDeploymentsEnabled: true }), at("stack/Svc", "autoDeploymentsEnabled true is not supported for Source.fromEcrPublic; allowed: false (App Runner cannot watch ECR Public)")],
  // network
  ["public without waf", () => service({ waf: undefined }), at("stack/Svc", 'waf undefined on a public service (isPubliclyAccessible true); allowed: WafProtection.webAcl(webAclArn), WafProtection.disabled("justification"), or isPubliclyAccessible false')],
  ["empty waf justification", () => WafProtection.disabled("  ", { owner: "edge", expires: "2027-01-31" }), 'WafProtection.disabled justification "" is empty; allowed: a sentence saying why this public service needs no WAF'],
  ["waf opt-out without owner", () => WafProtection.disabled("behind CloudFront", { owner: " ", expires: "2027-01-31" }), 'WafProtection.disabled owner " " is missing; allowed: the team or person answerable for the exception, with expires "YYYY-MM-DD"'],
  ["waf opt-out with a bad expiry", () => WafProtection.disabled("behind CloudFront", { owner: "edge", expires: "2027-02-30" }), 'WafProtection.disabled expires "2027-02-30" is not a date; allowed: the last day the exception holds, "YYYY-MM-DD"'],
  ["notASecret without owner", () => service().addEnvironmentVariable("AUTH_MODE", "oidc", { notASecret: "a mode switch" }), at("stack/Svc", 'environment variable "AUTH_MODE" notASecret owner undefined is missing; allowed: the team or person answerable for the exception, with expires "YYYY-MM-DD"')],
  ["notASecret without expiry", () => service().addEnvironmentVariable("AUTH_MODE", "oidc", { notASecret: "a mode switch", owner: "platform" }), at("stack/Svc", 'environment variable "AUTH_MODE" notASecret expires undefined is not a date; allowed: the last day the exception holds, "YYYY-MM-DD"')],
  ["ip address type", () => service({ ipAddressType: "IPV6" as IpAddressType }), at("stack/Svc", 'ipAddressType "IPV6" is not supported; allowed: IPV4, DUAL_STACK')],
  ["dual stack on a private service", () => service({ ipAddressType: IpAddressType.DUAL_STACK, isPubliclyAccessible: false, privateIngress: { vpcId: "v", vpcEndpointId: "e" } }), at("stack/Svc", 'ipAddressType "DUAL_STACK" is not supported on a private service (isPubliclyAccessible false); allowed: IPV4, or isPubliclyAccessible true')],
  ["private without ingress", () => service({ isPubliclyAccessible: false }), at("stack/Svc", "privateIngress undefined on a private service (isPubliclyAccessible false); allowed: { vpcId, vpcEndpointId } so the service is reachable through an aws_apprunner_vpc_ingress_connection")],
  ["ingress on public service", () => service({ privateIngress: { vpcId: "vpc-1", vpcEndpointId: "vpce-1" } }), at("stack/Svc", "privateIngress is set on a public service (isPubliclyAccessible true); allowed: isPubliclyAccessible false with privateIngress")],
  // instance policy guard
  ["action *", () => service().grantInstance(["*"], "*"), at("stack/Svc/InstanceRole", 'instance role policy action "*" allows every action; allowed: named actions such as "s3:GetObject"')],
  ["action *:*", () => service().grantInstance(["*:*"], "arn:aws:s3:::b"), at("stack/Svc/InstanceRole", 'instance role policy action "*:*" allows every action; allowed: named actions such as "s3:GetObject"')],
  ["service wildcard", () => service().grantInstance(["s3:*"], "arn:aws:s3:::b"), at("stack/Svc/InstanceRole", 'instance role policy action "s3:*" is a wildcard; allowed: named actions without * or ?')],
  ["pattern wildcard", () => service().grantInstance(["dynamodb:Put*"], "arn:aws:dynamodb:eu-west-1:123456789012:table/t"), at("stack/Svc/InstanceRole", 'instance role policy action "dynamodb:Put*" is a wildcard; allowed: named actions without * or ?')],
  ["resource *", () => service().grantInstance(["s3:GetObject", "xray:PutTraceSegments"], "*"), at("stack/Svc/InstanceRole", 'instance role policy resource "*" with actions "s3:GetObject"; allowed: resource "*" only for xray:PutTraceSegments, xray:PutTelemetryRecords, xray:GetSamplingRules, xray:GetSamplingTargets, xray:GetSamplingStatisticSummaries, cloudwatch:PutMetricData, ecr:GetAuthorizationToken')],
  ["escalation", () => service().grantInstance(["apprunner:UpdateService"], "arn:aws:apprunner:eu-west-1:123456789012:service/x/y"), at("stack/Svc/InstanceRole", 'instance role policy action "apprunner:UpdateService" lets the service escalate its own privileges; allowed: actions that do not change IAM or App Runner services')],
  ["pass role without condition", () => service().grantInstance(["iam:PassRole"], "arn:aws:iam::123456789012:role/r"), at("stack/Svc/InstanceRole", 'instance role policy action "iam:PassRole" needs an "iam:PassedToService" condition; allowed: iam:PassRole scoped with conditions')],
  ["empty actions", () => new PolicyStatement({ actions: [], resources: ["*"] }), "PolicyStatement actions [] is empty; allowed: one or more IAM actions"],
  ["empty resources", () => new PolicyStatement({ actions: ["s3:GetObject"], resources: [] }), "PolicyStatement resources [] is empty; allowed: one or more resource ARNs"],
  ["mutable imported role guarded", () => ServiceRole.fromRoleArn(newStack(), "R", "arn:aws:iam::123456789012:role/r", { mutable: true }).addToPolicy(new PolicyStatement({ actions: ["*"], resources: ["*"] })), at("stack/R", 'imported role policy action "*" allows every action; allowed: named actions such as "s3:GetObject"')],
];

describe("construct-time validation", () => {
  test.each(cases)("%s", (_label, fn, message) => {
    let caught: unknown;
    try {
      fn();
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConstructError);
    expect((caught as Error).message).toBe(message);
    // One line, no frames into the package's files: the message names the construct and the problem.
    expect((caught as Error).stack).toBe(`ConstructError: ${message}`);
  });
});

describe("accepted edge values", () => {
  test.each<[string, () => unknown]>([
    ["health check bounds 1 and 20", () => HealthCheck.http({ interval: 1, timeout: 20, healthyThreshold: 20, unhealthyThreshold: 1 })],
    ["autoscaling 1..25, concurrency 200, min == max", () => new AutoScaling(newStack(), "A", { minSize: 25, maxSize: 25, maxConcurrency: 200 })],
    ["name of 4 and 40 characters", () => { service({ serviceName: "a_b-" }); service({ serviceName: "A".repeat(40) }); }],
    ["ports 1 and 65535", () => { Source.fromEcrPublic({ imageIdentifier: "i", imageConfiguration: { port: 1 } }); Source.fromEcrPublic({ imageIdentifier: "i", imageConfiguration: { port: 65535 } }); }],
    ["every documented cpu/memory pair", () => {
      const pairs: Array<[Cpu, Memory]> = [
        [Cpu.QUARTER_VCPU, Memory.HALF_GB], [Cpu.QUARTER_VCPU, Memory.ONE_GB], [Cpu.HALF_VCPU, Memory.ONE_GB],
        [Cpu.ONE_VCPU, Memory.TWO_GB], [Cpu.ONE_VCPU, Memory.THREE_GB], [Cpu.ONE_VCPU, Memory.FOUR_GB],
        [Cpu.TWO_VCPU, Memory.FOUR_GB], [Cpu.TWO_VCPU, Memory.SIX_GB],
        [Cpu.FOUR_VCPU, Memory.EIGHT_GB], [Cpu.FOUR_VCPU, Memory.TEN_GB], [Cpu.FOUR_VCPU, Memory.TWELVE_GB],
      ];
      for (const [cpu, memory] of pairs) service({ cpu, memory });
    }],
    ["secret-like name with a justification", () => service().addEnvironmentVariable("AUTH_MODE", "oidc", { notASecret: "a mode switch, not a credential", owner: "platform", expires: "2027-01-31" })],
    ["dual stack and IPv4 on a public service", () => { service({ ipAddressType: IpAddressType.DUAL_STACK }); service({ ipAddressType: IpAddressType.IPV4 }); }],
    ["SSM for a non-secret name", () => service().addSecret("FEATURE_FLAGS", Secret.fromSsmParameter(PARAM_ARN))],
    ["iam:PassRole with PassedToService", () => service().addToInstancePolicy(new PolicyStatement({ actions: ["iam:PassRole"], resources: ["arn:aws:iam::123456789012:role/r"], conditions: { StringEquals: { "iam:PassedToService": "lambda.amazonaws.com" } } }))],
    ["Deny with wildcards", () => service().addToInstancePolicy(new PolicyStatement({ effect: "Deny", actions: ["s3:*"], resources: ["*"] }))],
    ["a private service without WAF", () => service({ waf: undefined, isPubliclyAccessible: false, privateIngress: { vpcId: "v", vpcEndpointId: "e" } })],
  ])("%s", (_label, fn) => {
    expect(fn).not.toThrow();
  });
});

describe("unresolved tokens are skipped, not rejected", () => {
  const json = synth((stack) => {
    const num = (name: string) => new TerraformVariable(stack, name, { type: "number" }).numberValue;
    const str = (name: string) => new TerraformVariable(stack, name, { type: "string" }).stringValue;
    new AppRunnerService(stack, "Svc", {
      serviceName: str("name"),
      source: Source.fromEcr({ repository: REPO, tagOrDigest: str("tag"), imageConfiguration: { port: num("port") } }),
      cpu: Cpu.of(str("cpu")),
      memory: Memory.of(str("memory")),
      healthCheck: HealthCheck.http({ interval: num("interval") }),
      autoScaling: new AutoScaling(stack, "A", { minSize: num("min"), maxSize: num("max"), maxConcurrency: num("conc") }),
      environmentVariables: { [str("envname")]: "x" },
      waf,
    });
  });

  test("the service synthesizes with Terraform expressions in place of the values", () => {
    const svc = only(json, "aws_apprunner_service");
    expect(svc.service_name).toBe("${var.name}");
    expect(svc.instance_configuration.cpu).toBe("${var.cpu}");
    expect(svc.instance_configuration.memory).toBe("${var.memory}");
    expect(svc.source_configuration.image_repository.image_identifier).toBe(`${REPO.repositoryUrl}:\${var.tag}`);
    expect(svc.source_configuration.image_repository.image_configuration.port).toBe("${var.port}");
    expect(svc.health_check_configuration.interval).toBe("${var.interval}");
    const scaling = only(json, "aws_apprunner_auto_scaling_configuration_version");
    expect([scaling.min_size, scaling.max_size, scaling.max_concurrency]).toEqual(["${var.min}", "${var.max}", "${var.conc}"]);
  });
});
