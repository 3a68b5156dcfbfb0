import { isExpression, referencesIn } from "../hcl-json.js";
import type { DraftResource, RoleIam } from "../model.js";
import { dict } from "../values.js";
import { PolicyDocuments } from "./documents.js";
import { append, refsAt, unknownAt, type Json } from "./shared.js";

const AWS_MANAGED_POLICY = /^arn:aws[a-z-]*:iam::aws:policy\//;

/**
 * Effective IAM per role: every statement that reaches an aws_iam_role, from every way Terraform lets a
 * policy reach it. What cannot be read is recorded as unresolved, so a rule reports "cannot verify"
 * instead of passing.
 */
export function resolveRoles(resources: Map<string, DraftResource>, byType: Record<string, string[]>): Record<string, RoleIam> {
  return new RoleWiring(resources, byType).run();
}

/** Which policies reach which role: role resources, role policies, attachments, managed policy ARNs. */
class RoleWiring {
  private readonly roles = new Map<string, RoleIam>();
  private readonly roleByName = new Map<string, string>();
  private readonly policyByArn = new Map<string, string>();
  private readonly documents: PolicyDocuments;

  constructor(
    private readonly resources: Map<string, DraftResource>,
    private readonly byType: Record<string, string[]>,
  ) {
    this.documents = new PolicyDocuments(resources);
  }

  run(): Record<string, RoleIam> {
    for (const address of this.of("aws_iam_role")) {
      this.roles.set(address, { trust: [], statements: [], managed_policy_arns: [], unresolved: [] });
      const role = this.resources.get(address)!;
      for (const key of ["name", "id", "arn"]) {
        const v = role.values[key];
        if (typeof v === "string") this.roleByName.set(v, address);
      }
    }
    for (const address of this.of("aws_iam_policy")) {
      const arn = this.resources.get(address)!.values.arn;
      if (typeof arn === "string") this.policyByArn.set(arn, address);
    }

    for (const address of this.of("aws_iam_role")) this.readRole(this.resources.get(address)!);
    for (const address of this.of("aws_iam_role_policy")) {
      const res = this.resources.get(address)!;
      for (const role of this.rolesOf(res, "role")) this.addDocument(role, res, "policy", "statements");
    }
    for (const address of this.of("aws_iam_role_policy_attachment")) {
      const res = this.resources.get(address)!;
      for (const role of this.rolesOf(res, "role")) this.attach(role, res, "policy_arn", res.raw.policy_arn);
    }
    for (const address of this.of("aws_iam_policy_attachment")) {
      const res = this.resources.get(address)!;
      for (const role of this.rolesOf(res, "roles")) this.attach(role, res, "policy_arn", res.raw.policy_arn);
    }
    for (const address of this.of("aws_iam_role_policy_attachments_exclusive")) {
      const res = this.resources.get(address)!;
      for (const role of this.rolesOf(res, "role_name")) this.attachList(role, res, "policy_arns");
    }

    const out = dict<RoleIam>();
    for (const address of [...this.roles.keys()].sort()) out[address] = this.roles.get(address)!;
    return out;
  }

  private of(type: string): string[] {
    return this.byType[type] ?? [];
  }

  private readRole(role: DraftResource): void {
    this.addDocument(role.address, role, "assume_role_policy", "trust");
    const inline = role.raw.inline_policy;
    if (Array.isArray(inline)) {
      inline.forEach((block, i) => {
        if (block && typeof block === "object" && (block as Json).policy !== undefined) {
          this.addDocument(role.address, role, `inline_policy.${i}.policy`, "statements", (block as Json).policy);
        }
      });
    }
    if (role.raw.managed_policy_arns !== undefined || role.unknown.includes("managed_policy_arns")) {
      this.attachList(role.address, role, "managed_policy_arns");
    }
  }

  /** Roles an attachment or policy names, by reference first, then by name / id / ARN. */
  private rolesOf(res: DraftResource, attribute: string): string[] {
    const byRef = refsAt(res, attribute).filter((a) => this.roles.has(a));
    if (byRef.length > 0) return byRef;
    const raw = res.raw[attribute];
    const names = Array.isArray(raw) ? raw : [raw];
    return names
      .filter((n): n is string => typeof n === "string")
      .map((n) => this.roleByName.get(n) ?? this.roleByName.get(n.replace(/^.*:role\/(?:.*\/)?/, "")))
      .filter((a): a is string => a !== undefined);
  }

  private attachList(role: string, res: DraftResource, attribute: string): void {
    const raw = res.raw[attribute];
    const arns = Array.isArray(raw) ? raw : [];
    const refs = refsAt(res, attribute);
    for (const arn of arns) this.attach(role, res, attribute, arn, []);
    const refPolicies = refs.filter((a) => this.resources.get(a)?.type === "aws_iam_policy");
    for (const policy of refPolicies) this.addPolicyResource(role, policy);
    // An element unknown until apply that is not a reference to an aws_iam_policy cannot be read.
    const stillUnknown = unknownAt(res, attribute) && (refs.length === 0 || refPolicies.length < refs.length);
    if (stillUnknown) {
      this.unresolved(role, res.address, attribute, `${attribute} is unknown until apply and names no aws_iam_policy in this input`);
    }
  }

  private attach(role: string, res: DraftResource, attribute: string, arn: unknown, refs = refsAt(res, attribute)): void {
    const policies = refs.filter((a) => this.resources.get(a)?.type === "aws_iam_policy");
    if (isExpression(arn)) policies.push(...referencesIn(arn as string).filter((a) => this.resources.get(a)?.type === "aws_iam_policy"));
    if (policies.length > 0) {
      for (const policy of new Set(policies)) this.addPolicyResource(role, policy);
      return;
    }
    if (typeof arn === "string" && !isExpression(arn)) {
      const known = this.policyByArn.get(arn);
      if (known) return this.addPolicyResource(role, known);
      if (AWS_MANAGED_POLICY.test(arn)) {
        this.roles.get(role)!.managed_policy_arns.push({ arn, via: res.address });
        return;
      }
      this.unresolved(role, res.address, attribute, `customer managed policy ${arn} is not in this input, so its statements cannot be read`);
      return;
    }
    this.unresolved(role, res.address, attribute, `${attribute} is unknown until apply and names no aws_iam_policy in this input`);
  }

  private addPolicyResource(role: string, policyAddress: string): void {
    const policy = this.resources.get(policyAddress)!;
    this.addDocument(role, policy, "policy", "statements");
  }

  /** Reads the policy document at `attribute` of `res` into the role's statements or trust. */
  private addDocument(role: string, res: DraftResource, attribute: string, into: "statements" | "trust", raw: unknown = res.raw[attribute]): void {
    const read = this.documents.at(res, attribute, raw);
    if ("unreadable" in read) this.unresolved(role, res.address, attribute, read.unreadable);
    else append(this.roles.get(role)![into], read.statements);
  }

  private unresolved(role: string, via: string, attribute: string, reason: string): void {
    const list = this.roles.get(role)!.unresolved;
    if (!list.some((u) => u.via === via && u.attribute === attribute)) list.push({ via, attribute, reason });
  }
}
