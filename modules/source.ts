import type { Secret } from "./secrets.js";
import { isToken, validatePort, ConstructError } from "./private/validate.js";

/** Settings of the running container that App Runner needs from an image source. */
export interface ImageConfiguration {
  /**
   * The port the container listens on for HTTP.
   * @default 8080
   */
  readonly port?: number;
  /** @default - the image's own entrypoint/command */
  readonly startCommand?: string;
  /** Plain (non-secret) environment variables. @default - none */
  readonly environmentVariables?: Record<string, string>;
  /** Secrets injected as environment variables; each is granted to the instance role. @default - none */
  readonly environmentSecrets?: Record<string, Secret>;
}

/** The ECR repository of a private image: the `EcrRepository` resource, its data source, or `{ repositoryUrl, arn }`. */
export interface EcrRepositoryRef {
  /** `<account>.dkr.ecr.<region>.amazonaws.com/<name>` */
  readonly repositoryUrl: string;
  /** The repository ARN; the access role may pull only from it. */
  readonly arn: string;
}

export interface EcrSourceProps {
  readonly repository: EcrRepositoryRef;
  /**
   * Which image: a digest `sha256:<64 hex>` (recommended, rule AR-OPS-002) or an immutable tag. `latest` is refused.
   */
  readonly tagOrDigest: string;
  /** @default - port 8080, no extra environment */
  readonly imageConfiguration?: ImageConfiguration;
}

export interface EcrPublicSourceProps {
  /** Full image reference, e.g. `public.ecr.aws/aws-containers/hello-app-runner:latest`. */
  readonly imageIdentifier: string;
  /** @default - port 8080, no extra environment */
  readonly imageConfiguration?: ImageConfiguration;
}

/** Where a code source's build and run settings come from. */
export type ConfigurationSource = "API" | "REPOSITORY";

/** A managed runtime of App Runner's source-code services. */
export class Runtime {
  static readonly PYTHON_3 = new Runtime("PYTHON_3");
  static readonly PYTHON_311 = new Runtime("PYTHON_311");
  static readonly NODEJS_16 = new Runtime("NODEJS_16");
  static readonly NODEJS_18 = new Runtime("NODEJS_18");
  static readonly CORRETTO_8 = new Runtime("CORRETTO_8");
  static readonly CORRETTO_11 = new Runtime("CORRETTO_11");
  static readonly GO_1 = new Runtime("GO_1");
  static readonly DOTNET_6 = new Runtime("DOTNET_6");
  static readonly PHP_81 = new Runtime("PHP_81");
  static readonly RUBY_31 = new Runtime("RUBY_31");
  /** Any runtime name the App Runner API accepts, for runtimes newer than this library. */
  static of(name: string): Runtime {
    return new Runtime(name);
  }
  private constructor(readonly name: string) {}
}

export interface CodeConfigurationValues {
  readonly runtime: Runtime;
  /** @default 8080 */
  readonly port?: number;
  /** @default - the runtime's default build */
  readonly buildCommand?: string;
  /** @default - the runtime's default start */
  readonly startCommand?: string;
  /** @default - none */
  readonly environmentVariables?: Record<string, string>;
  /** @default - none */
  readonly environmentSecrets?: Record<string, Secret>;
}

export interface CodeRepositorySourceProps {
  /** e.g. `https://github.com/acme/api` */
  readonly repositoryUrl: string;
  /** Branch to deploy. */
  readonly branch: string;
  /** ARN of the App Runner GitHub/Bitbucket connection (`aws_apprunner_connection`). */
  readonly connectionArn: string;
  /** @default - the repository root */
  readonly sourceDirectory?: string;
  /**
   * `API`: build/run settings come from `codeConfigurationValues`; `REPOSITORY`: from `apprunner.yaml`.
   * @default "API" when codeConfigurationValues is set, otherwise "REPOSITORY"
   */
  readonly configurationSource?: ConfigurationSource;
  /** Required with configurationSource `API`. @default - none (apprunner.yaml is used) */
  readonly codeConfigurationValues?: CodeConfigurationValues;
}

export type SourceKind = "ecr" | "ecr-public" | "code";

/** What an App Runner service runs. Create with the static factories. */
export class Source {
  /** A private ECR image, pulled by a generated access role scoped to this repository. */
  static fromEcr(props: EcrSourceProps): Source {
    const ref = props.tagOrDigest;
    if (!isToken(ref) && (ref === "" || ref === "latest")) {
      throw new ConstructError(
        `Source.fromEcr tagOrDigest ${JSON.stringify(ref)} is not a pinned image; allowed: a digest "sha256:<64 hex>" or an immutable tag other than latest`,
      );
    }
    const isDigest = !isToken(ref) && ref.startsWith("sha256:");
    if (isDigest && !/^sha256:[a-f0-9]{64}$/.test(ref)) {
      throw new ConstructError(`Source.fromEcr tagOrDigest ${JSON.stringify(ref)} is not a valid digest; allowed: "sha256:" followed by 64 lowercase hex characters`);
    }
    const imageIdentifier = `${props.repository.repositoryUrl}${isDigest ? "@" : ":"}${ref}`;
    return new Source("ecr", { imageIdentifier, ecrRepositoryArn: props.repository.arn, image: props.imageConfiguration ?? {} });
  }

  /** A public image from ECR Public; needs no access role, and auto-deployment is always off (the API rejects it). */
  static fromEcrPublic(props: EcrPublicSourceProps): Source {
    return new Source("ecr-public", { imageIdentifier: props.imageIdentifier, image: props.imageConfiguration ?? {} });
  }

  /** Source code in GitHub or Bitbucket, built by App Runner through a connection. */
  static fromCodeRepository(props: CodeRepositorySourceProps): Source {
    const configurationSource = props.configurationSource ?? (props.codeConfigurationValues ? "API" : "REPOSITORY");
    if (configurationSource === "API" && !props.codeConfigurationValues) {
      throw new ConstructError(
        `Source.fromCodeRepository configurationSource "API" has no codeConfigurationValues; allowed: codeConfigurationValues with a runtime, or configurationSource "REPOSITORY"`,
      );
    }
    if (configurationSource === "REPOSITORY" && props.codeConfigurationValues) {
      throw new ConstructError(
        `Source.fromCodeRepository configurationSource "REPOSITORY" ignores codeConfigurationValues; allowed: configurationSource "API" with codeConfigurationValues, or no codeConfigurationValues`,
      );
    }
    return new Source("code", { code: { ...props, configurationSource } });
  }

  /** @internal */
  readonly kind: SourceKind;
  /** @internal */
  readonly imageIdentifier?: string;
  /** @internal */
  readonly ecrRepositoryArn?: string;
  /** @internal */
  readonly image?: ImageConfiguration;
  /** @internal */
  readonly code?: CodeRepositorySourceProps & { configurationSource: ConfigurationSource };

  private constructor(
    kind: SourceKind,
    parts: {
      imageIdentifier?: string;
      ecrRepositoryArn?: string;
      image?: ImageConfiguration;
      code?: CodeRepositorySourceProps & { configurationSource: ConfigurationSource };
    },
  ) {
    this.kind = kind;
    this.imageIdentifier = parts.imageIdentifier;
    this.ecrRepositoryArn = parts.ecrRepositoryArn;
    this.image = parts.image;
    this.code = parts.code;
    validatePort(this.kind === "code" ? "codeConfigurationValues.port" : "imageConfiguration.port", this.port);
  }

  /** @internal The container port; App Runner's default is 8080. */
  get port(): number {
    return (this.kind === "code" ? this.code?.codeConfigurationValues?.port : this.image?.port) ?? 8080;
  }

  /** @internal Whether env vars and secrets are set through the API (false when apprunner.yaml owns them). */
  get acceptsEnvironment(): boolean {
    return this.kind !== "code" || this.code?.configurationSource === "API";
  }

  /** @internal */
  get sourceEnvironment(): { variables: Record<string, string>; secrets: Record<string, Secret> } {
    const from = this.kind === "code" ? this.code?.codeConfigurationValues : this.image;
    return { variables: { ...(from?.environmentVariables ?? {}) }, secrets: { ...(from?.environmentSecrets ?? {}) } };
  }
}
