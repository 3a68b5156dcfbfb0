import { isExpression, referencesIn } from "../hcl-json.js";
import type { DraftResource, RoleIam } from "../model.js";
import { dict } from "../values.js";
import { managedPoliciesSnapshot, managedPolicyDocument } from "./aws-data.js";
import { PolicyDocuments } from "./documents.js";
import { policyDocument } from "./policy-json.js";
import { append, refsAt, unknownAt, type Json, type PolicyRead } from "./shared.js";

const AWS_MANAGED_POLICY = /^arn:aws[a-z-]*:iam::aws:policy\//;

/**
 * Effective IAM per role: every statement that reaches an aws_iam_role, from every way Terraform lets a
 * policy reach it. What cannot be read is recorded as unresolved, so a rule reports "cannot verify"
 * instead of passing.
 *
 * Terraform's semantics, as followed here:
 * - Only managed resources are roles and policies of the input. `data.aws_iam_role` and
 *   `data.aws_iam_policy` are things that already exist and whose attached policies are not in the input.
 * - A value the input knows (a role name or policy ARN chosen by a conditional) is what Terraform applies;
 *   a reference is a hint only for a value that is unknown, and an unknown value that references several
 *   candidates proves nothing about any one of them.
 * - An AWS managed policy is read from the shipped snapshot of AWS managed policy documents; one that
 *   is not in it cannot be read.
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

  /** Managed resources of a type (data sources of the same type are things outside the input). */
  private of(type: string): string[] {
    return (this.byType[type] ?? []).filter((a) => this.resources.get(a)!.mode === "managed");
  }

  private isPolicy(address: string): boolean {
    const r = this.resources.get(address);
    return r !== undefined && r.mode === "managed" && r.type === "aws_iam_policy";
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

  /**
   * Roles an attachment or role policy names. A known name / id / ARN is what Terraform applies (a role
   * the input does not create is outside it); only an unknown value falls back to the roles it references,
   * every one of them (a policy that may reach a role is judged as reaching it).
   */
  private rolesOf(res: DraftResource, attribute: string): string[] {
    const raw = res.raw[attribute];
    const list = Array.isArray(raw) ? raw : [raw];
    const found = new Set<string>();
    let tokens = false;
    for (const n of list) {
      if (typeof n !== "string") continue;
      if (isExpression(n)) {
        tokens = true;
        continue;
      }
      const role = this.roleByName.get(n) ?? this.roleByName.get(n.replace(/^.*:role\/(?:.*\/)?/, ""));
      if (role !== undefined) found.add(role);
    }
    if (tokens || unknownAt(res, attribute)) {
      for (const a of refsAt(res, attribute)) if (this.roles.has(a)) found.add(a);
      for (const n of list) if (isExpression(n)) for (const a of referencesIn(n as string)) if (this.roles.has(a)) found.add(a);
    }
    return [...found];
  }

  private attachList(role: string, res: DraftResource, attribute: string): void {
    const raw = res.raw[attribute];
    const arns = Array.isArray(raw) ? raw : [];
    for (const arn of arns) if (typeof arn === "string" && !isExpression(arn)) this.attachKnown(role, res, attribute, arn);
    const tokens = arns.filter(isExpression) as string[];
    if (!unknownAt(res, attribute) && tokens.length === 0) return;
    // Elements unknown until apply: each reference to an aws_iam_policy of the input whose ARN is not
    // known is a candidate; a reference to anything else, or no reference, cannot be read.
    const refs = [...refsAt(res, attribute), ...tokens.flatMap(referencesIn)];
    const candidates = [...new Set(refs.filter((a) => this.isPolicy(a) && typeof this.resources.get(a)!.values.arn !== "string"))];
    for (const policy of candidates) this.addPolicyResource(role, policy);
    if (candidates.length === 0 || refs.some((a) => !this.isPolicy(a))) {
      this.unresolved(role, res.address, attribute, `${attribute} is unknown until apply and names no aws_iam_policy in this input`);
    }
  }

  private attach(role: string, res: DraftResource, attribute: string, arn: unknown): void {
    if (typeof arn === "string" && !isExpression(arn)) return this.attachKnown(role, res, attribute, arn);
    const refs = [...refsAt(res, attribute), ...(isExpression(arn) ? referencesIn(arn as string) : [])];
    const policies = [...new Set(refs.filter((a) => this.isPolicy(a)))];
    if (policies.length === 1 && refs.every((a) => a === policies[0])) return this.addPolicyResource(role, policies[0]!);
    if (policies.length > 1) {
      return this.unresolved(role, res.address, attribute, `${attribute} is unknown until apply and references several policies (${policies.join(", ")}): which one is attached cannot be told`);
    }
    const external = refs.filter((a) => this.resources.get(a)?.mode === "data");
    if (external.length > 0) {
      return this.unresolved(role, res.address, attribute, `${attribute} is unknown until apply and comes from ${external.join(", ")}, a policy outside this input`);
    }
    this.unresolved(role, res.address, attribute, `${attribute} is unknown until apply and names no aws_iam_policy in this input`);
  }

  /** A policy ARN the input knows: a policy of the input, an AWS managed policy, or a customer policy outside the input. */
  private attachKnown(role: string, res: DraftResource, attribute: string, arn: string): void {
    const known = this.policyByArn.get(arn);
    if (known) return this.addPolicyResource(role, known);
    if (AWS_MANAGED_POLICY.test(arn)) {
      const iam = this.roles.get(role)!;
      iam.managed_policy_arns.push({ arn, via: res.address });
      const read = this.managedStatements(arn, res.address);
      if ("unreadable" in read) this.unresolved(role, res.address, attribute, read.unreadable);
      else append(iam.statements, read.statements);
      return;
    }
    this.unresolved(role, res.address, attribute, `customer managed policy ${arn} is not in this input, so its statements cannot be read`);
  }

  private readonly managedCache = new Map<string, PolicyRead>();

  /** The statements of an AWS managed policy's default version (from the snapshot), attributed to the attachment. */
  private managedStatements(arn: string, via: string): PolicyRead {
    let read = this.managedCache.get(arn);
    if (!read) {
      const doc = managedPolicyDocument(arn);
      read = doc
        ? policyDocument(doc, via)
        : { unreadable: `AWS managed policy ${arn} is not in the shipped snapshot (${managedPoliciesSnapshot()}), so its statements cannot be read` };
      this.managedCache.set(arn, read);
    }
    if ("unreadable" in read) return read;
    return { statements: read.statements.map((st) => ({ ...st, via, managed_policy: arn })) };
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
