import { isExpression, referencesIn } from "./hcl-json.js";
import type { DraftResource, RoleIam, Statement } from "./model.js";
import { dict, nestsDeeperThan } from "./values.js";

type Json = Record<string, unknown>;

const AWS_MANAGED_POLICY = /^arn:aws[a-z-]*:iam::aws:policy\//;

/**
 * Effective IAM per role: every statement that reaches an aws_iam_role, from every way Terraform lets a
 * policy reach it. What cannot be read is recorded as unresolved, so a rule reports "cannot verify"
 * instead of passing.
 */
export function resolveRoles(resources: Map<string, DraftResource>, byType: Record<string, string[]>): Record<string, RoleIam> {
  const resolver = new IamResolver(resources, byType);
  return resolver.run();
}

class IamResolver {
  private readonly roles = new Map<string, RoleIam>();
  private readonly roleByName = new Map<string, string>();
  private readonly policyByArn = new Map<string, string>();
  private readonly documents = new Map<string, Statement[] | string>();

  constructor(
    private readonly resources: Map<string, DraftResource>,
    private readonly byType: Record<string, string[]>,
  ) {}

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

  /** Reads the policy document at `attribute` of `res` (JSON string, or a reference to a policy document). */
  private addDocument(role: string, res: DraftResource, attribute: string, into: "statements" | "trust", raw: unknown = res.raw[attribute]): void {
    const iam = this.roles.get(role)!;
    const result = this.documentAt(res, attribute, raw);
    if (typeof result === "string") this.unresolved(role, res.address, attribute, result);
    else append(iam[into], result);
  }

  private documentAt(res: DraftResource, attribute: string, raw: unknown): Statement[] | string {
    if (typeof raw === "string" && !isWholeExpression(raw)) return parsePolicyJson(raw, res.address);
    const refs = typeof raw === "string" ? referencesIn(raw) : refsAt(res, attribute);
    const documents = refs.filter((a) => {
      const t = this.resources.get(a);
      return t && ((t.mode === "data" && t.type === "aws_iam_policy_document") || t.type === "aws_iam_policy");
    });
    if (documents.length === 0) {
      return raw === undefined && !res.unknown.includes(attribute) && !hasUnknownUnder(res, attribute)
        ? []
        : `${attribute} is unknown until apply and is not built from a policy document in this input`;
    }
    const statements: Statement[] = [];
    for (const address of documents) {
      const doc = this.documentOf(address);
      if (typeof doc === "string") return doc;
      append(statements, doc);
    }
    return statements;
  }

  private documentOf(address: string, depth = 0): Statement[] | string {
    const cached = this.documents.get(address);
    if (cached !== undefined) return cached;
    if (depth > 8) return `${address}: policy documents nest deeper than 8 levels`;
    const res = this.resources.get(address)!;
    let result: Statement[] | string;
    if (res.type === "aws_iam_policy") result = this.documentAt(res, "policy", res.raw.policy);
    else if (typeof res.raw.json === "string" && !isExpression(res.raw.json)) result = parsePolicyJson(res.raw.json, address);
    else result = this.documentFromBlocks(res, depth);
    this.documents.set(address, result);
    return result;
  }

  /** data.aws_iam_policy_document whose json is not known: read its statement blocks. */
  private documentFromBlocks(res: DraftResource, depth: number): Statement[] | string {
    const statements: Statement[] = [];
    for (const attribute of ["source_policy_documents", "override_policy_documents", "source_json", "override_json"]) {
      const raw = res.raw[attribute];
      const items = toList(raw);
      for (const item of items) {
        if (typeof item === "string" && !isExpression(item)) {
          const parsed = parsePolicyJson(item, res.address);
          if (typeof parsed === "string") return parsed;
          append(statements, parsed);
        }
      }
      for (const ref of refsAt(res, attribute)) {
        const t = this.resources.get(ref);
        if (!t || t.type !== "aws_iam_policy_document") continue;
        const doc = this.documentOf(ref, depth + 1);
        if (typeof doc === "string") return doc;
        append(statements, doc);
      }
      if (unknownAt(res, attribute) && refsAt(res, attribute).length === 0) {
        return `${attribute} of ${res.address} is unknown until apply`;
      }
    }
    const blocks = Array.isArray(res.raw.statement) ? res.raw.statement : [];
    blocks.forEach((block, index) => {
      if (block && typeof block === "object") statements.push(statementFromBlock(block as Json, res, index));
    });
    return statements;
  }

  private unresolved(role: string, via: string, attribute: string, reason: string): void {
    const list = this.roles.get(role)!.unresolved;
    if (!list.some((u) => u.via === via && u.attribute === attribute)) list.push({ via, attribute, reason });
  }
}

/** push(...items) has an argument-count limit (a document with 200k statements overflows it). */
function append<T>(target: T[], items: T[]): void {
  for (const item of items) target.push(item);
}

function isWholeExpression(value: string): boolean {
  return /^\$\{[^}]*\}$/.test(value.trim());
}

/** The attribute, or some element or key of it, is unknown until apply (plans list `attr.1`, not `attr`). */
function unknownAt(res: DraftResource, attribute: string): boolean {
  return res.unknown.includes(attribute) || hasUnknownUnder(res, attribute);
}

function hasUnknownUnder(res: DraftResource, attribute: string): boolean {
  return res.unknown.some((p) => p.startsWith(attribute + "."));
}

/**
 * The first key that appears twice in one object of a valid JSON text, or null. JSON.parse keeps the
 * last value silently; a policy that says `"Effect": "Deny"` then `"Effect": "Allow"` must not be read
 * one way by us and another way by AWS. One pass over the text.
 */
export function duplicateKey(text: string): string | null {
  const objects: (Set<string> | null)[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "{") objects.push(new Set());
    else if (c === "[") objects.push(null);
    else if (c === "}" || c === "]") objects.pop();
    else if (c === '"') {
      const start = i;
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === "\\") i++;
      let next = i + 1;
      while (next < text.length && /\s/.test(text[next]!)) next++;
      const keys = objects[objects.length - 1];
      if (text[next] === ":" && keys) {
        const key = JSON.parse(text.slice(start, i + 1)) as string;
        if (keys.has(key)) return key;
        keys.add(key);
      }
    }
  }
  return null;
}

/** IAM JSON and policy-document blocks accept one value or a list of them for the same field. */
function toList(value: unknown): unknown[] {
  return Array.isArray(value) ? value : value === undefined ? [] : [value];
}

/** Refs recorded at `path` or, failing that, at its nearest ancestor. */
export function refsAt(res: { refs: Record<string, string[]> }, path: string): string[] {
  const parts = path.split(".");
  for (let i = parts.length; i > 0; i--) {
    const found = res.refs[parts.slice(0, i).join(".")];
    if (found) return found;
  }
  return [];
}

const MAX_POLICY_DEPTH = 64;

/** Parses a policy JSON string (any key order or whitespace). Returns a reason string when it cannot. */
export function parsePolicyJson(text: string, via: string): Statement[] | string {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return `policy document is not valid JSON`;
  }
  if (!doc || typeof doc !== "object" || Array.isArray(doc)) return `policy document is not a JSON object`;
  const duplicate = duplicateKey(text);
  if (duplicate !== null) return `policy document has the key ${JSON.stringify(duplicate)} twice in one object, so which value AWS reads is not certain`;
  // Real documents nest about 6 levels; a hostile one must not overflow the value conversions below.
  if (nestsDeeperThan(doc, MAX_POLICY_DEPTH)) return `policy document nests deeper than ${MAX_POLICY_DEPTH} levels`;
  const raw = (doc as Json).Statement;
  const list = toList(raw);
  const statements: Statement[] = [];
  for (const [index, s] of list.entries()) {
    if (!s || typeof s !== "object" || Array.isArray(s)) return `Statement ${index} is not an object`;
    statements.push(statementFromJson(s as Json, via, index));
  }
  return statements;
}

function statementFromJson(s: Json, via: string, index: number): Statement {
  const unknown: string[] = [];
  const strings = (value: unknown, field: string, lower = false): string[] => {
    const list = toList(value).map((v) => (typeof v === "string" ? v : JSON.stringify(v)));
    const known = list.filter((v) => !isExpression(v));
    if (known.length !== list.length) unknown.push(field);
    return lower ? known.map((v) => v.toLowerCase()) : known;
  };
  const resourceValues = [s.Resource, s.NotResource].flatMap(toList);
  return {
    sid: typeof s.Sid === "string" ? s.Sid : "",
    effect: typeof s.Effect === "string" ? s.Effect : "",
    actions: strings(s.Action, "actions", true),
    not_actions: strings(s.NotAction, "not_actions", true),
    resources: strings(s.Resource, "resources"),
    not_resources: strings(s.NotResource, "not_resources"),
    resource_refs: [...new Set((resourceValues.filter(isExpression) as string[]).flatMap(referencesIn))].sort(),
    principals: principalsFromJson(s.Principal),
    not_principals: principalsFromJson(s.NotPrincipal),
    conditions: conditionsFromJson(s.Condition),
    unknown,
    via,
    index,
  };
}

function principalsFromJson(value: unknown): Record<string, string[]> {
  if (value === undefined) return {};
  if (typeof value === "string") return { AWS: [value] };
  if (!value || typeof value !== "object" || Array.isArray(value)) return { AWS: [JSON.stringify(value)] };
  const out = dict<string[]>();
  for (const [type, ids] of Object.entries(value as Json)) {
    out[type] = (Array.isArray(ids) ? ids : [ids]).map(String);
  }
  return out;
}

function conditionsFromJson(value: unknown): Statement["conditions"] {
  if (!value || typeof value !== "object") return [];
  const out: Statement["conditions"] = [];
  for (const [test, byKey] of Object.entries(value as Json)) {
    if (!byKey || typeof byKey !== "object") continue;
    for (const [variable, values] of Object.entries(byKey as Json)) {
      out.push({ test, variable: variable.toLowerCase(), values: (Array.isArray(values) ? values : [values]).map(String) });
    }
  }
  return out;
}

function statementFromBlock(block: Json, res: DraftResource, index: number): Statement {
  const path = `statement.${index}`;
  const unknown: string[] = [];
  const list = (field: string, lower = false): string[] => {
    const value = block[field];
    const items = toList(value).map(text);
    const known = items.filter((v) => !isExpression(v));
    if (known.length !== items.length || unknownAt(res, `${path}.${field}`)) unknown.push(field);
    return lower ? known.map((v) => v.toLowerCase()) : known;
  };
  const principals = (field: string): Record<string, string[]> => {
    const out = dict<string[]>();
    const blocks = Array.isArray(block[field]) ? (block[field] as Json[]) : [];
    for (const p of blocks) {
      const type = text(p.type ?? "");
      const ids = (Array.isArray(p.identifiers) ? p.identifiers : []).map(text);
      const key = type === "*" ? "AWS" : type;
      out[key] = [...(out[key] ?? []), ...ids];
    }
    return out;
  };
  const resources = list("resources");
  const notResources = list("not_resources");
  const tokenRefs = [block.resources, block.not_resources]
    .flatMap((v) => (Array.isArray(v) ? v : []))
    .filter(isExpression)
    .flatMap((v) => referencesIn(v as string));
  const planRefs = [...(res.refs[`${path}.resources`] ?? []), ...(res.refs[`${path}.not_resources`] ?? [])];
  const conditions = (Array.isArray(block.condition) ? (block.condition as Json[]) : []).map((c) => ({
    test: text(c.test ?? ""),
    variable: text(c.variable ?? "").toLowerCase(),
    values: (Array.isArray(c.values) ? c.values : []).map(text),
  }));
  return {
    sid: typeof block.sid === "string" ? block.sid : "",
    effect: typeof block.effect === "string" ? block.effect : "Allow",
    actions: list("actions", true),
    not_actions: list("not_actions", true),
    resources,
    not_resources: notResources,
    resource_refs: [...new Set([...tokenRefs, ...planRefs])].sort(),
    principals: principals("principals"),
    not_principals: principals("not_principals"),
    conditions,
    unknown,
    via: res.address,
    index,
  };
}

/**
 * A block value as a string. Model values are prototype-less records (values.ts dict), which String()
 * cannot convert; anything that is not a string is shown as its JSON.
 */
function text(value: unknown): string {
  return typeof value === "string" ? value : (JSON.stringify(value) ?? String(value));
}
