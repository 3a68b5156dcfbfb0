import { isToken, validateLength, ConstructError } from "./private/validate.js";

/** Anything with an ARN: a provider resource (`SecretsmanagerSecret`, `SsmParameter`, `KmsKey`, a data source) or a literal. */
export interface HasArn {
  readonly arn: string;
}

export type ArnLike = string | HasArn;

export function arnOf(value: ArnLike): string {
  return typeof value === "string" ? value : value.arn;
}

export interface SecretsManagerSecretOptions {
  /**
   * A key of the secret's JSON value; App Runner injects only that key.
   * @default - the whole secret value
   */
  readonly jsonKey?: string;
  /**
   * Staging label to read, e.g. `AWSCURRENT`. Mutually exclusive with `versionId`.
   * @default - the AWSCURRENT version
   */
  readonly versionStage?: string;
  /**
   * Version id to read. Mutually exclusive with `versionStage`.
   * @default - the AWSCURRENT version
   */
  readonly versionId?: string;
  /**
   * The customer managed KMS key the secret is encrypted with; the instance role gets `kms:Decrypt` on it.
   * @default - no KMS grant (right for secrets under the AWS managed key `aws/secretsmanager`)
   */
  readonly encryptionKey?: ArnLike;
}

export interface SsmParameterOptions {
  /**
   * The customer managed KMS key of a SecureString parameter; the instance role gets `kms:Decrypt` on it.
   * @default - no KMS grant (right for String parameters and the AWS managed key `aws/ssm`)
   */
  readonly encryptionKey?: ArnLike;
}

export type SecretSourceKind = "secretsmanager" | "ssm";

const SECRETS_MANAGER_ARN = /^arn:[a-z-]+:secretsmanager:[a-z0-9-]+:\d{12}:secret:.+$/;
const SSM_PARAMETER_ARN = /^arn:[a-z-]+:ssm:[a-z0-9-]+:\d{12}:parameter\/.+$/;

/**
 * A value App Runner injects into the container as an environment variable at
 * start, read with the instance role. The grant is derived from it: `grantArn`
 * is exactly what the role is allowed to read.
 */
export class Secret {
  /**
   * A Secrets Manager secret, whole or one JSON key, optionally pinned to a version.
   * Pass the complete ARN (with the 6-character suffix) or the `SecretsmanagerSecret` resource.
   */
  static fromSecretsManager(secret: ArnLike, options: SecretsManagerSecretOptions = {}): Secret {
    const arn = arnOf(secret);
    if (!isToken(arn) && !SECRETS_MANAGER_ARN.test(arn)) {
      throw new ConstructError(
        `Secret.fromSecretsManager secret ${JSON.stringify(arn)} is not a Secrets Manager secret ARN; allowed: arn:<partition>:secretsmanager:<region>:<account>:secret:<name>-<suffix>`,
      );
    }
    if (options.versionStage !== undefined && options.versionId !== undefined) {
      throw new ConstructError(
        `Secret.fromSecretsManager versionStage ${JSON.stringify(options.versionStage)} and versionId ${JSON.stringify(options.versionId)} are both set; allowed: at most one of them`,
      );
    }
    const { jsonKey, versionStage, versionId } = options;
    // App Runner (like ECS) reads "<arn>:<json-key>:<version-stage>:<version-id>"; empty fields keep their colons.
    const value =
      jsonKey !== undefined || versionStage !== undefined || versionId !== undefined
        ? `${arn}:${jsonKey ?? ""}:${versionStage ?? ""}:${versionId ?? ""}`
        : arn;
    return new Secret("secretsmanager", value, arn, options.encryptionKey ? arnOf(options.encryptionKey) : undefined);
  }

  /** An SSM Parameter Store parameter, by ARN or the `SsmParameter` resource. Not for secret-like names (rule AR-SEC-002). */
  static fromSsmParameter(parameter: ArnLike, options: SsmParameterOptions = {}): Secret {
    const arn = arnOf(parameter);
    if (!isToken(arn) && !SSM_PARAMETER_ARN.test(arn)) {
      throw new ConstructError(
        `Secret.fromSsmParameter parameter ${JSON.stringify(arn)} is not an SSM parameter ARN; allowed: arn:<partition>:ssm:<region>:<account>:parameter/<name>`,
      );
    }
    return new Secret("ssm", arn, arn, options.encryptionKey ? arnOf(options.encryptionKey) : undefined);
  }

  private constructor(
    /** Where the value lives. */
    readonly kind: SecretSourceKind,
    /** The string App Runner receives in `runtime_environment_secrets`. */
    readonly value: string,
    /** The ARN the instance role may read. */
    readonly grantArn: string,
    /** The KMS key the instance role may decrypt with. */
    readonly encryptionKeyArn?: string,
  ) {
    validateLength("secret value", value, 1, 2048);
  }

  /** The IAM action that reads this kind of secret. */
  get readAction(): string {
    return this.kind === "secretsmanager" ? "secretsmanager:GetSecretValue" : "ssm:GetParameters";
  }
}
