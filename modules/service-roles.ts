import { Fn, Lazy, Token } from "cdktf";
import { Construct } from "constructs";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role/index.js";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy/index.js";
import { assertLeastPrivilege, policyDocument, PolicyStatement, trustPolicy } from "./policy.js";
import { scoped } from "./private/validate.js";

/** The service principal App Runner uses to pull images (access role). */
export const ACCESS_ROLE_PRINCIPAL = "build.apprunner.amazonaws.com";
/** The service principal the running containers act as (instance role). */
export const INSTANCE_ROLE_PRINCIPAL = "tasks.apprunner.amazonaws.com";

/** A role App Runner can use: one this library creates, or one you bring. */
export interface IServiceRole {
  readonly roleArn: string;
  readonly roleName: string;
  /**
   * Adds a statement to the role's policy.
   * @returns false when the role is imported read-only and the statement was dropped
   */
  addToPolicy(statement: PolicyStatement): boolean;
}

export type ServiceRoleKind = "access" | "instance";

export interface ServiceRoleProps {
  /** `access` is trusted by build.apprunner.amazonaws.com, `instance` by tasks.apprunner.amazonaws.com. */
  readonly kind: ServiceRoleKind;
  /**
   * ARN of a managed policy that caps what the role can ever do.
   * @default - no permissions boundary
   */
  readonly permissionsBoundary?: string;
  /** @default - a description naming the kind of role */
  readonly description?: string;
  /** @default - no tags */
  readonly tags?: Record<string, string>;
}

/**
 * An IAM role for App Runner with a trust policy for exactly one service
 * principal, and an inline policy that exists only once something is granted
 * (an empty policy document is rejected by IAM).
 */
export class ServiceRole extends Construct implements IServiceRole {
  /** Imports an existing role. With `mutable`, grants become an inline policy on it; otherwise they are dropped. */
  static fromRoleArn(scope: Construct, id: string, roleArn: string, options: { mutable?: boolean } = {}): IServiceRole {
    return new ImportedRole(scope, id, roleArn, options.mutable ?? false);
  }

  readonly kind: ServiceRoleKind;
  readonly resource: IamRole;
  readonly roleArn: string;
  readonly roleName: string;
  private readonly statements: PolicyStatement[] = [];
  private policy?: IamRolePolicy;

  constructor(scope: Construct, id: string, props: ServiceRoleProps) {
    super(scope, id);
    try {
      this.kind = props.kind;
      const principal = props.kind === "access" ? ACCESS_ROLE_PRINCIPAL : INSTANCE_ROLE_PRINCIPAL;
      this.resource = new IamRole(this, "Resource", {
        assumeRolePolicy: trustPolicy(principal),
        description:
          props.description ??
          (props.kind === "access" ? "App Runner access role: pulls the service image" : "App Runner instance role: what the service code may call"),
        permissionsBoundary: props.permissionsBoundary,
        tags: props.tags,
      });
      this.roleArn = this.resource.arn;
      this.roleName = this.resource.name;
    } catch (error) {
      throw scoped(this, error);
    }
  }

  /** The statements granted so far (a copy). */
  get policyStatements(): PolicyStatement[] {
    return [...this.statements];
  }

  addToPolicy(statement: PolicyStatement): boolean {
    if (this.kind === "instance") {
      try {
        assertLeastPrivilege("instance role policy", statement);
      } catch (error) {
        throw scoped(this, error);
      }
    }
    this.statements.push(statement);
    if (!this.policy) {
      this.policy = new IamRolePolicy(this, "DefaultPolicy", {
        role: this.resource.name,
        policy: Lazy.stringValue({ produce: () => policyDocument(this.statements) }),
      });
    }
    return true;
  }
}

class ImportedRole extends Construct implements IServiceRole {
  readonly roleArn: string;
  readonly roleName: string;
  private readonly statements: PolicyStatement[] = [];
  private policy?: IamRolePolicy;

  constructor(scope: Construct, id: string, roleArn: string, private readonly mutable: boolean) {
    super(scope, id);
    try {
      this.roleArn = roleArn;
      // Role ARNs may carry a path (role/path/name); the name is always the last segment.
      this.roleName = Token.isUnresolved(roleArn)
        ? Fn.element(Fn.reverse(Fn.split("/", roleArn)), 0)
        : (roleArn.split("/").pop() ?? roleArn);
    } catch (error) {
      throw scoped(this, error);
    }
  }

  addToPolicy(statement: PolicyStatement): boolean {
    if (!this.mutable) return false;
    try {
      assertLeastPrivilege("imported role policy", statement);
    } catch (error) {
      throw scoped(this, error);
    }
    this.statements.push(statement);
    if (!this.policy) {
      this.policy = new IamRolePolicy(this, "Policy", {
        role: this.roleName,
        policy: Lazy.stringValue({ produce: () => policyDocument(this.statements) }),
      });
    }
    return true;
  }
}
