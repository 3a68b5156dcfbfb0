import { Annotations, Lazy, Token } from "cdktf";
import { Construct } from "constructs";
import {
  ApprunnerService,
  type ApprunnerServiceSourceConfiguration,
} from "@cdktf/provider-aws/lib/apprunner-service/index.js";
import type { AutoScaling } from "./auto-scaling.js";
import { HealthCheck } from "./health-check.js";
import { Cpu, Memory, validateCpuMemory } from "./instance-size.js";
import type { Observability } from "./observability.js";
import { PolicyStatement } from "./policy.js";
import { arnOf, type ArnLike, Secret } from "./secrets.js";
import { type IServiceRole, ServiceRole } from "./service-roles.js";
import type { Source } from "./source.js";
import type { VpcConnector } from "./vpc-connector.js";
import { VpcIngressConnection } from "./vpc-ingress-connection.js";
import { WafProtection, WebAclAssociation } from "./waf.js";
import {
  credentialLikeValue,
  isToken,
  physicalName,
  secretLikeName,
  validateEnvName,
  validateName,
  validateOneOf,
  validateOwnership,
  type ConstructWaiver,
  type WaiverOwnership,
  ConstructError,
  scoped,
} from "./private/validate.js";

/** The X-Ray write actions (AWSXRayDaemonWriteAccess); AWS does not scope them by resource. */
export const XRAY_WRITE_ACTIONS: readonly string[] = [
  "xray:PutTraceSegments",
  "xray:PutTelemetryRecords",
  "xray:GetSamplingRules",
  "xray:GetSamplingTargets",
  "xray:GetSamplingStatisticSummaries",
];

/** The image-pull actions the access role gets on the one repository. */
export const ECR_PULL_ACTIONS: readonly string[] = [
  "ecr:BatchCheckLayerAvailability",
  "ecr:GetDownloadUrlForLayer",
  "ecr:BatchGetImage",
  "ecr:DescribeImages",
];

/** `network_configuration.ip_address_type` of an App Runner service. */
export const IpAddressType = {
  IPV4: "IPV4",
  DUAL_STACK: "DUAL_STACK",
} as const;
export type IpAddressType = (typeof IpAddressType)[keyof typeof IpAddressType];
const IP_ADDRESS_TYPES: readonly IpAddressType[] = [IpAddressType.IPV4, IpAddressType.DUAL_STACK];

export interface PrivateIngressProps {
  /** VPC the private service is reached from. */
  readonly vpcId: string;
  /** Interface VPC endpoint for `com.amazonaws.<region>.apprunner.requests`. */
  readonly vpcEndpointId: string;
  /** @default - derived from the construct path */
  readonly name?: string;
}

export interface EnvironmentVariableOptions extends Partial<WaiverOwnership> {
  /**
   * Why a variable whose name looks secret-like (e.g. `AUTH_MODE`) holds no secret. Needs `owner` and
   * `expires`: the service writes it as a waiver of rule AR-SEC-001 for this one variable into the
   * synthesized JSON, which the policy pass reports as waived with this justification.
   * @default - secret-like names are refused
   */
  readonly notASecret?: string;
}

export interface AppRunnerServiceProps {
  /** What to run: `Source.fromEcr`, `Source.fromEcrPublic` or `Source.fromCodeRepository`. Exactly one. */
  readonly source: Source;
  /** @default - derived from the construct path, 4–40 characters */
  readonly serviceName?: string;
  /** @default Cpu.ONE_VCPU */
  readonly cpu?: Cpu;
  /** @default Memory.TWO_GB */
  readonly memory?: Memory;
  /** Plain environment variables; secret-like names are refused, use `environmentSecrets`. @default - none */
  readonly environmentVariables?: Record<string, string>;
  /** Secrets injected as environment variables; each is granted to the instance role. @default - none */
  readonly environmentSecrets?: Record<string, Secret>;
  /** @default HealthCheck.http({ path: "/" }) - an HTTP check, so a hung app is replaced (rule AR-NET-003) */
  readonly healthCheck?: HealthCheck;
  /** @default - App Runner's default auto scaling configuration (1–25 instances, 100 concurrent requests) */
  readonly autoScaling?: AutoScaling;
  /** @default - no tracing, and no X-Ray permissions on the instance role */
  readonly observability?: Observability;
  /** @default - egress type DEFAULT (internet only, no VPC access) */
  readonly vpcConnector?: VpcConnector;
  /** @default true */
  readonly isPubliclyAccessible?: boolean;
  /**
   * IP address type of the public endpoint: `IpAddressType.IPV4` or `IpAddressType.DUAL_STACK` (IPv4 and IPv6).
   * App Runner offers dual stack only on a public endpoint.
   * @default - not set: App Runner uses IPV4
   */
  readonly ipAddressType?: IpAddressType;
  /**
   * Required when `isPubliclyAccessible` is false: creates the `aws_apprunner_vpc_ingress_connection`.
   * @default - none (a public service)
   */
  readonly privateIngress?: PrivateIngressProps;
  /**
   * WAF for the service. Required for a public service: a web ACL, or `WafProtection.disabled("why")`.
   * @default - none; a construct-time error for a public service
   */
  readonly waf?: WafProtection;
  /**
   * Customer managed KMS key for the service's data at rest (ARN or `KmsKey`).
   * @default - an AWS owned key (reported by rule AR-SEC-004)
   */
  readonly encryptionKey?: ArnLike;
  /**
   * Deploy when a new image is pushed / a commit lands. Must be false for ECR Public.
   * @default false - deployments go through Terraform, where the policy pass runs
   */
  readonly autoDeploymentsEnabled?: boolean;
  /**
   * Role App Runner pulls a private ECR image with.
   * @default - for Source.fromEcr, a new role trusted by build.apprunner.amazonaws.com that can pull only from that repository; none otherwise
   */
  readonly accessRole?: IServiceRole;
  /**
   * Role the service code runs as.
   * @default - a new role trusted by tasks.apprunner.amazonaws.com, granted only what this service reads
   */
  readonly instanceRole?: IServiceRole;
  /**
   * Managed policy ARN set as permissions boundary on the roles this construct creates.
   * @default - no boundary
   */
  readonly permissionsBoundary?: string;
  /** Tags for the service and the resources this construct creates. @default - no tags */
  readonly tags?: Record<string, string>;
}

/**
 * An App Runner service with least-privilege roles generated from what it
 * uses, refusing at construction what the apprunner-guard policy pass rejects.
 */
export class AppRunnerService extends Construct {
  readonly resource: ApprunnerService;
  readonly serviceArn: string;
  readonly serviceId: string;
  readonly serviceUrl: string;
  readonly serviceName: string;
  readonly instanceRole: IServiceRole;
  /** Undefined unless the source is a private ECR image (or you passed one). */
  readonly accessRole?: IServiceRole;
  /** Set for a private service. */
  readonly ingressConnection?: VpcIngressConnection;
  /** Set when a web ACL is associated. */
  readonly webAclAssociation?: WebAclAssociation;

  private readonly source: Source;
  private readonly variables: Record<string, string> = {};
  private readonly secrets: Record<string, Secret> = {};
  private readonly waivers: ConstructWaiver[] = [];

  constructor(scope: Construct, id: string, props: AppRunnerServiceProps) {
    super(scope, id);
    try {
      if (!props.source) {
        throw new ConstructError(
          "source undefined is missing; allowed: exactly one of Source.fromEcr(...), Source.fromEcrPublic(...), Source.fromCodeRepository(...)",
        );
      }
      this.source = props.source;
      validateName("serviceName", props.serviceName, 4, 40);
      const cpu = props.cpu ?? Cpu.ONE_VCPU;
      const memory = props.memory ?? Memory.TWO_GB;
      validateCpuMemory(cpu, memory);

      if (props.source.kind === "ecr-public" && props.autoDeploymentsEnabled === true) {
        throw new ConstructError(
          "autoDeploymentsEnabled true is not supported for Source.fromEcrPublic; allowed: false (App Runner cannot watch ECR Public)",
        );
      }
      const isPublic = props.isPubliclyAccessible ?? true;
      if (!isPublic && !props.privateIngress) {
        throw new ConstructError(
          "privateIngress undefined on a private service (isPubliclyAccessible false); allowed: { vpcId, vpcEndpointId } so the service is reachable through an aws_apprunner_vpc_ingress_connection",
        );
      }
      validateOneOf("ipAddressType", props.ipAddressType, IP_ADDRESS_TYPES);
      if (!isPublic && props.ipAddressType === IpAddressType.DUAL_STACK) {
        throw new ConstructError(
          'ipAddressType "DUAL_STACK" is not supported on a private service (isPubliclyAccessible false); allowed: IPV4, or isPubliclyAccessible true',
        );
      }
      if (isPublic && props.privateIngress) {
        throw new ConstructError("privateIngress is set on a public service (isPubliclyAccessible true); allowed: isPubliclyAccessible false with privateIngress");
      }
      if (isPublic && !props.waf) {
        throw new ConstructError(
          'waf undefined on a public service (isPubliclyAccessible true); allowed: WafProtection.webAcl(webAclArn), WafProtection.disabled("justification"), or isPubliclyAccessible false',
        );
      }

      const tags = props.tags;
      this.instanceRole =
        props.instanceRole ??
        new ServiceRole(this, "InstanceRole", { kind: "instance", permissionsBoundary: props.permissionsBoundary, tags });
      if (props.source.kind === "ecr") {
        this.accessRole =
          props.accessRole ??
          new ServiceRole(this, "AccessRole", { kind: "access", permissionsBoundary: props.permissionsBoundary, tags });
        // GetAuthorizationToken has no resource-level scoping in IAM; everything else is pinned to the repository.
        this.accessRole.addToPolicy(new PolicyStatement({ actions: ["ecr:GetAuthorizationToken"], resources: ["*"] }));
        this.accessRole.addToPolicy(
          new PolicyStatement({ actions: [...ECR_PULL_ACTIONS], resources: [props.source.ecrRepositoryArn as string] }),
        );
      } else {
        this.accessRole = props.accessRole;
      }

      const observability = props.observability;
      if (observability?.traceVendor === "AWSXRAY") {
        this.addToInstancePolicy(new PolicyStatement({ actions: [...XRAY_WRITE_ACTIONS], resources: ["*"] }));
      }

      const healthCheck = props.healthCheck ?? HealthCheck.http({ path: "/" });
      this.serviceName = props.serviceName ?? physicalName(this, 40);

      this.resource = new ApprunnerService(this, "Resource", {
        serviceName: this.serviceName,
        sourceConfiguration: this.renderSource(props),
        instanceConfiguration: {
          cpu: cpu.value,
          memory: memory.value,
          instanceRoleArn: this.instanceRole.roleArn,
        },
        healthCheckConfiguration: {
          protocol: healthCheck.protocol,
          path: healthCheck.path,
          interval: healthCheck.interval,
          timeout: healthCheck.timeout,
          healthyThreshold: healthCheck.healthyThreshold,
          unhealthyThreshold: healthCheck.unhealthyThreshold,
        },
        autoScalingConfigurationArn: props.autoScaling?.autoScalingConfigurationArn,
        observabilityConfiguration: observability
          ? { observabilityEnabled: true, observabilityConfigurationArn: observability.observabilityConfigurationArn }
          : undefined,
        networkConfiguration: {
          egressConfiguration: props.vpcConnector
            ? { egressType: "VPC", vpcConnectorArn: props.vpcConnector.vpcConnectorArn }
            : { egressType: "DEFAULT" },
          ingressConfiguration: { isPubliclyAccessible: isPublic },
          ipAddressType: props.ipAddressType,
        },
        encryptionConfiguration: props.encryptionKey ? { kmsKey: arnOf(props.encryptionKey) } : undefined,
        tags,
      });
      this.serviceArn = this.resource.arn;
      this.serviceId = this.resource.serviceId;
      this.serviceUrl = this.resource.serviceUrl;

      if (props.privateIngress) {
        this.ingressConnection = new VpcIngressConnection(this, "IngressConnection", {
          service: this,
          vpcId: props.privateIngress.vpcId,
          vpcEndpointId: props.privateIngress.vpcEndpointId,
          vpcIngressConnectionName: props.privateIngress.name,
          tags,
        });
      }
      if (props.waf?.webAclArn) {
        this.webAclAssociation = new WebAclAssociation(this, "WebAclAssociation", {
          resourceArn: this.serviceArn,
          webAclArn: props.waf.webAclArn,
        });
      } else if (props.waf?.disabledJustification && props.waf.disabledOwnership) {
        // Kept in the synthesized JSON next to the service: a reviewer sees the reason, the policy pass a waiver.
        this.resource.addOverride("//.apprunner_guard.waf_disabled", props.waf.disabledJustification);
        this.recordWaiver({ rule: "AR-NET-001", justification: props.waf.disabledJustification, ...props.waf.disabledOwnership });
        Annotations.of(this).addWarning(`WAF disabled for this service: ${props.waf.disabledJustification}`);
      }

      const fromSource = props.source.sourceEnvironment;
      for (const [name, value] of Object.entries({ ...fromSource.variables, ...(props.environmentVariables ?? {}) })) {
        this.addEnvironmentVariable(name, value);
      }
      for (const [name, secret] of Object.entries({ ...fromSource.secrets, ...(props.environmentSecrets ?? {}) })) {
        this.addSecret(name, secret);
      }
    } catch (error) {
      throw scoped(this, error);
    }
  }

  /** Adds a plain environment variable. Secret-like names and credential-looking values are refused. */
  addEnvironmentVariable(name: string, value: string, options: EnvironmentVariableOptions = {}): void {
    try {
      this.checkEnvironmentVariable(name, value, options);
    } catch (error) {
      throw scoped(this, error);
    }
    this.variables[name] = value;
    if (options.notASecret && secretLikeName(name)) {
      this.recordWaiver({
        rule: "AR-SEC-001",
        attribute: `*.runtime_environment_variables.${name}`,
        justification: options.notASecret,
        ...validateOwnership("notASecret", options),
      });
    }
  }

  /**
   * Writes a construct-level exception next to the service resource, where the policy pass reads it as
   * a waiver of that rule on this service (and attribute), owned and expiring like a config waiver.
   */
  private recordWaiver(waiver: ConstructWaiver): void {
    this.waivers.push(waiver);
    this.resource.addOverride("//.apprunner_guard.waivers", this.waivers.map((w) => ({ ...w })));
  }

  private checkEnvironmentVariable(name: string, value: string, options: EnvironmentVariableOptions): void {
    this.assertAcceptsEnvironment("addEnvironmentVariable", name);
    validateEnvName("environment variable", name);
    this.assertNewName(name);
    const pattern = secretLikeName(name);
    if (pattern && !options.notASecret) {
      throw new ConstructError(
        `environment variable "${name}" looks like a secret (matches /${pattern.source}/i); allowed: addSecret("${name}", Secret.fromSecretsManager(...)), or { notASecret: "why", owner, expires } if it holds none`,
      );
    }
    if (pattern && options.notASecret) validateOwnership(`environment variable "${name}" notASecret`, options);
    if (credentialLikeValue(value)) {
      throw new ConstructError(
        `environment variable "${name}" has a value that looks like a credential; allowed: addSecret("${name}", Secret.fromSecretsManager(...))`,
      );
    }
  }

  /**
   * Injects a secret as an environment variable and grants the instance role
   * read access to exactly that secret (and decrypt on its key, when given).
   */
  addSecret(name: string, secret: Secret): void {
    try {
      this.checkSecret(name, secret);
    } catch (error) {
      throw scoped(this, error);
    }
    this.secrets[name] = secret;
    this.grantSecretRead(secret);
  }

  private checkSecret(name: string, secret: Secret): void {
    this.assertAcceptsEnvironment("addSecret", name);
    validateEnvName("secret", name);
    this.assertNewName(name);
    const pattern = secretLikeName(name);
    if (secret.kind === "ssm" && pattern) {
      throw new ConstructError(
        `secret "${name}" is secret-like (matches /${pattern.source}/i) but comes from SSM Parameter Store; allowed: Secret.fromSecretsManager(...) for secret-like names`,
      );
    }
  }

  /** Grants the instance role read access to a secret without injecting it (e.g. one the code fetches itself). */
  grantSecretRead(secret: Secret): void {
    this.addToInstancePolicy(new PolicyStatement({ actions: [secret.readAction], resources: [secret.grantArn] }));
    if (secret.encryptionKeyArn) {
      this.addToInstancePolicy(new PolicyStatement({ actions: ["kms:Decrypt"], resources: [secret.encryptionKeyArn] }));
    }
  }

  /** Adds a statement to the instance role; wildcards and privilege escalation are refused. */
  addToInstancePolicy(statement: PolicyStatement): boolean {
    return this.instanceRole.addToPolicy(statement);
  }

  /** Allows the service code `actions` on exactly `resources`. */
  grantInstance(actions: string[], ...resources: string[]): boolean {
    return this.addToInstancePolicy(new PolicyStatement({ actions, resources }));
  }

  private assertAcceptsEnvironment(method: string, name: string): void {
    if (!this.source.acceptsEnvironment) {
      throw new ConstructError(
        `${method} "${name}" is not possible with configurationSource "REPOSITORY"; allowed: set it in apprunner.yaml, or use configurationSource "API"`,
      );
    }
  }

  private assertNewName(name: string): void {
    if (name in this.variables || name in this.secrets) {
      throw new ConstructError(`environment variable "${name}" is already set; allowed: each name once across variables and secrets`);
    }
  }

  private renderSource(props: AppRunnerServiceProps): ApprunnerServiceSourceConfiguration {
    const source = props.source;
    // Lazy so that addEnvironmentVariable/addSecret after construction still land in the JSON.
    const variables = Lazy.anyValue({
      produce: () => (Object.keys(this.variables).length ? { ...this.variables } : undefined),
    }) as unknown as Record<string, string>;
    const secrets = Lazy.anyValue({
      produce: () =>
        Object.keys(this.secrets).length
          ? Object.fromEntries(Object.entries(this.secrets).map(([k, s]) => [k, s.value]))
          : undefined,
    }) as unknown as Record<string, string>;
    const port = isToken(source.port) ? Token.asString(source.port) : String(source.port);
    const autoDeploymentsEnabled = source.kind === "ecr-public" ? false : (props.autoDeploymentsEnabled ?? false);

    if (source.kind === "code") {
      const code = source.code!;
      const values = code.codeConfigurationValues;
      return {
        autoDeploymentsEnabled,
        authenticationConfiguration: { connectionArn: code.connectionArn },
        codeRepository: {
          repositoryUrl: code.repositoryUrl,
          sourceDirectory: code.sourceDirectory,
          sourceCodeVersion: { type: "BRANCH", value: code.branch },
          codeConfiguration: {
            configurationSource: code.configurationSource,
            codeConfigurationValues: values
              ? {
                  runtime: values.runtime.name,
                  port,
                  buildCommand: values.buildCommand,
                  startCommand: values.startCommand,
                  runtimeEnvironmentVariables: variables,
                  runtimeEnvironmentSecrets: secrets,
                }
              : undefined,
          },
        },
      };
    }
    return {
      autoDeploymentsEnabled,
      authenticationConfiguration: this.accessRole ? { accessRoleArn: this.accessRole.roleArn } : undefined,
      imageRepository: {
        imageIdentifier: source.imageIdentifier!,
        imageRepositoryType: source.kind === "ecr" ? "ECR" : "ECR_PUBLIC",
        imageConfiguration: {
          port,
          startCommand: source.image?.startCommand,
          runtimeEnvironmentVariables: variables,
          runtimeEnvironmentSecrets: secrets,
        },
      },
    };
  }
}
