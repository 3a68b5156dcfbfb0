import type { Finding } from "../evaluate/engine.js";
import type { RuleManifest } from "../evaluate/rules.js";
import type { InputModel, ModelResource, Statement } from "../normalize/index.js";
import { valueFingerprint } from "./baseline.js";
import type { Delta, ReportChange } from "./types.js";
import type { Severity } from "../severity.js";
import { compare } from "../order.js";

/** The prior state of an input, evaluated with the same bundle and parameters as the plan. */
export interface BeforeState {
  model: InputModel;
  findings: Finding[];
}

export interface FindingDelta {
  delta: Delta;
  regression: boolean;
  what_changed: string[];
}

const META = "AR-META-001";

/**
 * Compares one finding of the plan with the findings of its prior state, rule × resource × attribute:
 * the same rule on the same resource and attribute with the same offending value (or the same message)
 * is `existing`; anything else is `introduced`. An introduced finding is a regression when what it is
 * about (its resource or a related one) existed before and that rule did not fail on that resource.
 * AR-META-001 (a value unknown until apply) is never a regression: nothing got weaker, the pass cannot
 * see; it still blocks as it always does.
 */
export function deltaOf(f: Finding, after: InputModel, before: BeforeState | null): FindingDelta {
  if (!before) return { delta: "unknown", regression: false, what_changed: [] };
  const index = indexOf(before);
  const candidates = index.exact.get(`${f.rule_id}\u0000${f.resource}\u0000${f.attribute}`) ?? [];
  const same =
    candidates.some((b) => b.message === f.message) ||
    (candidates.length > 0 && candidates.some((b) => b.fingerprint === valueFingerprint(f.message, f.attribute, after.resources[f.resource])));
  if (same) return { delta: "existing", regression: false, what_changed: [] };
  if (f.rule_id === META) return { delta: "introduced", regression: false, what_changed: [] };
  const about = [...new Set([f.resource, ...f.related])];
  const existed = about.some((a) => before.model.resources[a] !== undefined);
  const failedBefore = index.ruleResource.has(`${f.rule_id}\u0000${f.resource}`);
  if (!existed || failedBefore) return { delta: "introduced", regression: false, what_changed: [] };
  return { delta: "introduced", regression: true, what_changed: whatChanged(f, about, after, before.model) };
}

/** Attributes whose values are safe and short enough to print in "changes from X to Y". */
const PRINTABLE = /(^|\.)(is_publicly_accessible|port|protocol|path|image_identifier|image_repository_type|egress_type|observability_enabled|kms_key|auto_deployments_enabled|policy_arn|managed_policy_arns|resource_arn|web_acl_arn|instance_role_arn|access_role_arn|vpc_connector_arn)$/;

interface BeforeIndex {
  /** rule \0 resource \0 attribute → the prior findings there, with their value fingerprints. */
  exact: Map<string, { message: string; fingerprint: string }[]>;
  ruleResource: Set<string>;
}

const indexes = new WeakMap<BeforeState, BeforeIndex>();

/** Built once per input: a lookup per finding instead of a scan (plans with thousands of findings). */
function indexOf(before: BeforeState): BeforeIndex {
  let index = indexes.get(before);
  if (index) return index;
  index = { exact: new Map(), ruleResource: new Set() };
  for (const b of before.findings) {
    const key = `${b.rule_id}\u0000${b.resource}\u0000${b.attribute}`;
    const entry = { message: b.message, fingerprint: valueFingerprint(b.message, b.attribute, before.model.resources[b.resource]) };
    const list = index.exact.get(key);
    if (list) list.push(entry);
    else index.exact.set(key, [entry]);
    index.ruleResource.add(`${b.rule_id}\u0000${b.resource}`);
  }
  indexes.set(before, index);
  return index;
}

/** Friendly names for the resource types a regression is usually about. */
const LABELS: Record<string, string> = {
  aws_wafv2_web_acl_association: "WAF association",
  aws_wafv2_web_acl: "web ACL",
  aws_apprunner_service: "service",
  aws_apprunner_vpc_ingress_connection: "VPC ingress connection",
  aws_apprunner_observability_configuration: "observability configuration",
  aws_iam_role: "role",
  aws_iam_role_policy: "role policy",
  aws_iam_policy: "policy",
  aws_iam_role_policy_attachment: "policy attachment",
  aws_iam_role_policies_exclusive: "exclusive role policies",
  aws_iam_role_policy_attachments_exclusive: "exclusive policy attachments",
  aws_iam_policy_document: "policy document",
  aws_secretsmanager_secret: "secret",
  aws_ssm_parameter: "SSM parameter",
  aws_kms_key: "KMS key",
};

function label(res: ModelResource): string {
  const name = Object.hasOwn(LABELS, res.type) ? LABELS[res.type] : undefined;
  return name ? `${name} ${res.address}` : res.address;
}

const MAX_LINES = 4;
/** Rules about what a role allows: their regressions are told as grants, not as policy JSON. */
const IAM_RULE = /^AR-(IAM-00[1-5]|SEC-003)$/;

/**
 * What the plan does around a regression: resources linked to what the finding is about that the plan
 * deletes or creates (a WAF association deleted, a policy attached), then the attribute values of the
 * finding's own resources that change (is_publicly_accessible false → true), at most a few lines.
 */
function whatChanged(f: Finding, about: string[], after: InputModel, before: InputModel): string[] {
  const lines: string[] = [];
  const neighbours = new Set<string>();
  for (const model of [before, after]) {
    for (const a of about) {
      for (const n of model.referenced_by[a] ?? []) neighbours.add(n);
      for (const targets of Object.values(model.resources[a]?.refs ?? {})) for (const n of targets) neighbours.add(n);
    }
  }
  for (const a of about) neighbours.delete(a);
  for (const n of [...neighbours].sort(compare)) {
    const was = before.resources[n];
    const now = after.resources[n];
    if (was && !now) lines.push(`${label(was)} is deleted by this plan`);
    else if (!was && now && now.mode === "managed") lines.push(`${label(now)} is created by this plan`);
  }
  // IAM rules: what the role now allows that it did not (only through the finding's policy, when it names one).
  let grants = false;
  if (IAM_RULE.test(f.rule_id)) {
    const isRole = after.iam.roles[f.resource] !== undefined;
    for (const a of about) {
      const [was, now] = [before.iam.roles[a], after.iam.roles[a]];
      if (!was || !now) continue;
      for (const w of widenedGrants(was.statements, now.statements)) {
        if (!isRole && w.via !== f.resource) continue;
        lines.push(`role ${a} ${w.text}`);
        grants = true;
      }
    }
  }
  for (const a of about) {
    const was = before.resources[a];
    const now = after.resources[a];
    if (!was) {
      if (now) lines.push(`${label(now)} is created by this plan`);
      continue;
    }
    if (!now) continue;
    if (now.actions.includes("delete") && now.actions.includes("create")) lines.push(`${label(now)} is replaced by this plan`);
    if (IAM_RULE.test(f.rule_id) && now.type.startsWith("aws_iam_")) {
      if (!grants && JSON.stringify(was.values) !== JSON.stringify(now.values)) lines.push(`${label(now)} changes`);
      continue;
    }
    const prefix = a === f.resource ? f.attribute : "";
    for (const d of leafDiff(was.values, now.values, now.unknown, prefix)) lines.push(`${d} on ${a}`);
  }
  const unique = [...new Set(lines)];
  if (unique.length > MAX_LINES) return [...unique.slice(0, MAX_LINES), `and ${unique.length - MAX_LINES} more changes`];
  return unique;
}

/** Leaf paths whose value differs (under `prefix` when the finding names an attribute), as "path: before → after". */
function leafDiff(before: Record<string, unknown>, after: Record<string, unknown>, unknown: string[], prefix: string): string[] {
  const flatBefore = flatten(before);
  const flatAfter = flatten(after);
  const out: string[] = [];
  const under = (path: string) => prefix === "" || path === prefix || path.startsWith(prefix + ".");
  const paths = [...new Set([...flatBefore.keys(), ...flatAfter.keys(), ...unknown])].filter(under).sort(compare);
  for (const path of paths) {
    if (IGNORED.test(path)) continue;
    const was = flatBefore.get(path);
    const isUnknown = unknown.some((u) => path === u || path.startsWith(u + "."));
    const now = isUnknown ? "(known after apply)" : flatAfter.get(path);
    if (was === now) continue;
    // Values are printed only for attributes that cannot hold a secret (a plain variable's value can).
    if (!PRINTABLE.test(path) || (was?.length ?? 0) > 120 || (now?.length ?? 0) > 120) {
      out.push(was === undefined ? `${path} is set by this plan` : now === undefined ? `${path} is removed by this plan` : `${path} changes`);
      continue;
    }
    out.push(`${path} changes from ${was ?? "(not set)"} to ${now ?? "(not set)"}`);
  }
  return out;
}

/** Values the provider computes or that say nothing about protection. */
const IGNORED = /^(arn|id|service_id|service_url|status|tags_all(\..*)?|region|created_at|updated_at)$/;

function flatten(value: unknown, prefix = "", out = new Map<string, string>()): Map<string, string> {
  if (Array.isArray(value)) {
    if (value.every((v) => v === null || typeof v !== "object")) out.set(prefix, JSON.stringify(value));
    else value.forEach((v, i) => flatten(v, prefix === "" ? String(i) : `${prefix}.${i}`, out));
  } else if (value && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) flatten(v, prefix === "" ? k : `${prefix}.${k}`, out);
  } else if (prefix !== "") {
    out.set(prefix, JSON.stringify(value));
  }
  return out;
}

// ---------------------------------------------------------------- changes: weakened while still passing

export interface ChangeContext {
  input: string;
  after: InputModel;
  before: BeforeState;
  /** The findings this plan introduces in this input: a change one of them already reports is left out. */
  introduced: { rule_id: string; resource: string; attribute: string; related: string[] }[];
  manifest: RuleManifest;
}

/**
 * Protections this plan weakens on something that existed before while the rules still pass; a change
 * is left out when a finding this plan introduces on the same rule and resource already reports it.
 */
export function changesOf(ctx: ChangeContext): Omit<ReportChange, "blocking">[] {
  const severity = new Map(ctx.manifest.rules.map((r) => [r.id, r.severity]));
  const out: Omit<ReportChange, "blocking">[] = [];
  const push = (c: Omit<ReportChange, "blocking" | "severity" | "input">) => {
    const covered = ctx.introduced.some(
      (f) =>
        f.rule_id === c.rule_id &&
        (f.resource === c.resource || f.related.includes(c.resource)) &&
        (c.attribute === "" || f.attribute === "" || f.attribute === c.attribute || f.attribute.startsWith(c.attribute + ".")),
    );
    if (covered) return;
    out.push({ ...c, input: ctx.input, severity: severity.get(c.rule_id) ?? ("medium" as Severity) });
  };
  const before = ctx.before.model;
  const after = ctx.after;
  for (const address of after.by_type.aws_apprunner_service ?? []) {
    const now = after.resources[address]!;
    const was = before.resources[address];
    if (!was) continue;
    const publicBefore = isPublic(was);
    const publicAfter = isPublic(now);
    if (publicBefore === false && publicAfter !== false) {
      push({
        kind: "made-public",
        rule_id: "AR-NET-001",
        resource: address,
        attribute: PUBLIC_PATH,
        message: `${address} is made public by this plan (is_publicly_accessible false → ${publicAfter === null ? "unknown" : "true"})`,
        before: "private",
        after: publicAfter === null ? "unknown until apply" : "public",
      });
    }
    const wafBefore = wafAssociations(before, address);
    const wafAfter = wafAssociations(after, address);
    for (const assoc of wafBefore) {
      if (wafAfter.includes(assoc)) continue;
      push({
        kind: "waf-removed",
        rule_id: "AR-NET-001",
        resource: address,
        attribute: "",
        message: `WAF association ${assoc} of ${address} is deleted by this plan`,
        before: assoc,
        after: "no WAF association",
      });
    }
    const ingressBefore = linked(before, address, "aws_apprunner_vpc_ingress_connection");
    const ingressAfter = linked(after, address, "aws_apprunner_vpc_ingress_connection");
    for (const ingress of ingressBefore) {
      if (ingressAfter.includes(ingress)) continue;
      push({
        kind: "ingress-removed",
        rule_id: "AR-NET-004",
        resource: address,
        attribute: "",
        message: `VPC ingress connection ${ingress} of ${address} is deleted by this plan`,
        before: ingress,
        after: "no VPC ingress connection",
      });
    }
    const secretsBefore = envMaps(was, "runtime_environment_secrets");
    const plainAfter = envMaps(now, "runtime_environment_variables");
    const secretsAfter = envMaps(now, "runtime_environment_secrets");
    for (const [path, names] of secretsBefore) {
      for (const name of names) {
        if (secretsAfter.get(path)?.has(name) || !plainAfter.get(path)?.has(name)) continue;
        push({
          kind: "secret-to-plain",
          rule_id: "AR-SEC-001",
          resource: address,
          attribute: `${ENV_BLOCK[path]}.runtime_environment_variables.${name}`,
          message: `${address} turns the secret binding "${name}" into a plain environment variable`,
          before: `runtime_environment_secrets.${name}`,
          after: `runtime_environment_variables.${name}`,
        });
      }
    }
  }
  for (const role of Object.keys(after.iam.roles).sort(compare)) {
    const was = before.iam.roles[role];
    const now = after.iam.roles[role]!;
    if (!was) continue;
    const widened = widenedGrants(was.statements, now.statements);
    const addedManaged = now.managed_policy_arns.map((m) => m.arn).filter((arn) => !was.managed_policy_arns.some((m) => m.arn === arn));
    for (const w of widened) {
      push({
        kind: "iam-widened",
        rule_id: w.wildcardAction ? "AR-IAM-002" : "AR-IAM-003",
        resource: role,
        attribute: "",
        message: `role ${role} is widened by this plan: ${w.text}`,
        before: describeGrants(was.statements),
        after: describeGrants(now.statements),
      });
    }
    for (const arn of addedManaged) {
      push({
        kind: "iam-widened",
        rule_id: "AR-IAM-004",
        resource: role,
        attribute: "managed_policy_arns",
        message: `role ${role} is widened by this plan: managed policy ${arn} is attached`,
        before: was.managed_policy_arns.map((m) => m.arn).join(", ") || "no managed policy",
        after: now.managed_policy_arns.map((m) => m.arn).join(", "),
      });
    }
  }
  return out.sort((a, b) => compare(a.resource, b.resource) || compare(a.kind, b.kind) || compare(a.message, b.message));
}

/** true public, false private, null unknown. A service without network_configuration is public. */
const PUBLIC_PATH = "network_configuration.0.ingress_configuration.0.is_publicly_accessible";
const ENV_BLOCK: Record<string, string> = {
  image: "source_configuration.0.image_repository.0.image_configuration.0",
  code: "source_configuration.0.code_repository.0.code_configuration.0.code_configuration_values.0",
};

function isPublic(res: ModelResource): boolean | null {
  const path = PUBLIC_PATH;
  if (res.unknown.some((u) => path === u || path.startsWith(u + "."))) return null;
  const value = (((res.values.network_configuration as Record<string, unknown>[] | undefined)?.[0]?.ingress_configuration as Record<string, unknown>[] | undefined)?.[0])?.is_publicly_accessible;
  return value === false || value === "false" ? false : true;
}

function linked(model: InputModel, service: string, type: string): string[] {
  return (model.referenced_by[service] ?? []).filter((a) => model.resources[a]?.type === type);
}

function wafAssociations(model: InputModel, service: string): string[] {
  return linked(model, service, "aws_wafv2_web_acl_association");
}

/** Environment maps of the image and code configurations, by the block they are in. */
function envMaps(res: ModelResource, key: string): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  const source = (res.values.source_configuration as Record<string, unknown>[] | undefined)?.[0];
  const blocks: [string, unknown][] = [
    ["image", ((source?.image_repository as Record<string, unknown>[] | undefined)?.[0]?.image_configuration as Record<string, unknown>[] | undefined)?.[0]],
    ["code", ((source?.code_repository as Record<string, unknown>[] | undefined)?.[0]?.code_configuration as Record<string, unknown>[] | undefined)?.[0]],
  ];
  for (const [name, block] of blocks) {
    let map = (block as Record<string, unknown> | undefined)?.[key];
    if (name === "code") {
      const values = ((block as Record<string, unknown> | undefined)?.code_configuration_values as Record<string, unknown>[] | undefined)?.[0];
      map = values?.[key === "runtime_environment_variables" ? "runtime_environment_variables" : "runtime_environment_secrets"];
    }
    if (map && typeof map === "object" && !Array.isArray(map)) out.set(name, new Set(Object.keys(map)));
  }
  return out;
}

interface Widened {
  text: string;
  via: string;
  wildcardAction: boolean;
}

/**
 * Allow grants (action × resource) of the plan that no grant of the prior state covers, by IAM
 * wildcard matching: `dynamodb:GetItem` on one table → `dynamodb:*` on `table/orders*` is widened on
 * both counts. One line per statement. Statements with values unknown until apply are left to
 * AR-META-001. A Deny that is gone, or a condition dropped, widens too.
 */
export function widenedGrants(before: Statement[], after: Statement[]): Widened[] {
  const out: Widened[] = [];
  const allowBefore = before.filter((s) => s.effect.toLowerCase() !== "deny");
  for (const s of after) {
    if (s.effect.toLowerCase() === "deny" || s.unknown.length > 0) continue;
    const actions = s.not_actions.length > 0 ? [`every action but ${s.not_actions.join(", ")}`] : s.actions;
    const resources = s.not_resources.length > 0 ? [`every resource but ${s.not_resources.join(", ")}`] : s.resources;
    /** action → the resources it newly reaches (only the pairs no prior grant covers). */
    const uncovered = new Map<string, string[]>();
    for (const action of actions) {
      for (const resource of resources) {
        const covered = allowBefore.some(
          (b) =>
            b.not_actions.length === 0 &&
            b.not_resources.length === 0 &&
            b.actions.some((p) => iamMatch(p, action, true)) &&
            b.resources.some((p) => iamMatch(p, resource, false)) &&
            conditionsSubset(b, s),
        );
        if (!covered) uncovered.set(action, [...(uncovered.get(action) ?? []), resource]);
      }
    }
    if (uncovered.size === 0) continue;
    const where = s.via ? ` (statement ${s.index} of ${s.via})` : "";
    // Actions reaching the same resources are told together: "a, b on r1, r2; c on r3".
    const byResources = new Map<string, string[]>();
    for (const [action, list] of uncovered) {
      const key = list.join(", ");
      byResources.set(key, [...(byResources.get(key) ?? []), action]);
    }
    const grants = [...byResources].map(([resources, actions]) => `${actions.join(", ")} on ${resources}`).join("; ");
    out.push({
      via: s.via,
      text: `now allows ${grants}${where}`,
      wildcardAction: [...uncovered.keys()].some((a) => /[*?]/.test(a) || a.startsWith("every action")),
    });
  }
  const denyAfter = after.filter((s) => s.effect.toLowerCase() === "deny");
  for (const d of before.filter((s) => s.effect.toLowerCase() === "deny")) {
    const still = denyAfter.some((a) => a.actions.join() === d.actions.join() && a.resources.join() === d.resources.join());
    if (!still) out.push({ via: d.via, text: `no longer denies ${d.actions.join(", ")} on ${d.resources.join(", ")}${d.via ? ` (was in ${d.via})` : ""}`, wildcardAction: true });
  }
  const seen = new Set<string>();
  return out.filter((w) => (seen.has(w.text) ? false : (seen.add(w.text), true)));
}

/** Every condition of the prior grant is still on the new one (the new one is at least as narrow there). */
function conditionsSubset(before: Statement, after: Statement): boolean {
  const key = (c: Statement["conditions"][number]) => `${c.test}\u0000${c.variable.toLowerCase()}\u0000${[...c.values].sort(compare).join(",")}`;
  const now = new Set(after.conditions.map(key));
  return before.conditions.every((c) => now.has(key(c)));
}

/** IAM pattern matching: `*` any run, `?` one character; actions case-insensitive. */
function iamMatch(pattern: string, value: string, caseInsensitive: boolean): boolean {
  if (pattern === "*") return true;
  const source = pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".");
  return new RegExp(`^${source}$`, caseInsensitive ? "i" : "").test(value);
}

function describeGrants(statements: Statement[]): string {
  const parts = statements
    .filter((s) => s.effect.toLowerCase() !== "deny")
    .map((s) => `${(s.actions.length > 0 ? s.actions : s.not_actions.map((a) => `not ${a}`)).join(", ")} on ${(s.resources.length > 0 ? s.resources : s.resource_refs).join(", ") || "(unknown)"}`);
  return [...new Set(parts)].join("; ") || "nothing";
}
