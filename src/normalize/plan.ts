import { InputError } from "../errors.js";
import { addressLines } from "../load/address-lines.js";
import { configAddress, looksLikeResourceType, modulePrefix, splitAddress } from "./address.js";
import { blockPathsFor, dropNullsInBlockShape } from "./blocks.js";
import type { DraftResource } from "./model.js";
import { MAX_DEPTH, dict, unknownPaths } from "./values.js";
import { isObject, type Json } from "../json.js";

interface ConfigResource {
  scope: string;
  /** Dotted attribute path → raw reference strings, for every attribute the configuration sets. */
  references: Map<string, string[]>;
  /** Block elements the configuration writes as static blocks ("source_configuration.0"); dynamic blocks are left out. */
  blocks: Set<string>;
  /** References of `for_each` (what `each.value` / `each.key` stand for). */
  forEach: string[];
}

interface ModuleScope {
  /** Input variable → references of the module call's argument, in the parent scope. */
  variables: Map<string, string[]>;
  outputs: Map<string, string[]>;
  parent: string | null;
}

/**
 * Reads `terraform show -json` / `tofu show -json` output (format 0.1–1.x) into draft resources.
 * resource_changes is authoritative (actions, after, after_unknown); planned_values and prior_state
 * add what it lacks (older plans, data sources read during planning).
 */
export function readPlan(plan: Json, file: string, text: string, lineOfAddress: (address: string) => number | null = addressLines(text)): DraftResource[] {
  const configs = new Map<string, ConfigResource>();
  const scopes = new Map<string, ModuleScope>();
  const configuration = plan.configuration as Json | undefined;
  if (configuration && typeof configuration === "object") {
    indexModule(configuration.root_module as Json | undefined, "", null, configs, scopes, file);
  }

  const lines = lineOfAddress;
  const drafts = new Map<string, DraftResource>();
  /** Resources the plan destroys: prior state must not bring them back. */
  const removed = new Set<string>();

  for (const change of asArray(plan.resource_changes)) {
    if (!change || typeof change !== "object") continue;
    const rc = change as Json;
    if (typeof rc.address !== "string" || rc.address === "" || rc.deposed !== undefined) continue;
    const body = (rc.change ?? {}) as Json;
    const actions = asArray(body.actions).map(String);
    if (actions.length === 1 && actions[0] === "delete") {
      removed.add(rc.address);
      continue;
    }
    // `forget` (a removed block with lifecycle { destroy = false }): Terraform stops managing the
    // resource but it stays in AWS as it is, so the rules judge it from `before`.
    if (actions.length === 1 && actions[0] === "forget") {
      const before = isObject(body.before) ? body.before : {};
      drafts.set(rc.address, draft(rc, before, undefined, actions, configs, file, lines, body.before_sensitive));
      continue;
    }
    const after = isObject(body.after) ? body.after : {};
    drafts.set(rc.address, draft(rc, after, body.after_unknown, actions, configs, file, lines, body.after_sensitive));
  }

  const addFromModule = (module: Json | undefined, actions: string[]) => {
    walkModules(module, (res) => {
      if (typeof res.address !== "string" || res.address === "" || drafts.has(res.address)) return;
      const values = isObject(res.values) ? res.values : {};
      drafts.set(res.address, draft(res, values, undefined, actions, configs, file, lines));
    });
  };
  const planned = plan.planned_values as Json | undefined;
  addFromModule(planned?.root_module as Json | undefined, ["no-op"]);
  // Data sources that were read while planning live only in prior_state; so do managed resources a
  // -target plan leaves out: they exist and do not change, so the rules judge them as prior state has them.
  const prior = (plan.prior_state as Json | undefined)?.values as Json | undefined;
  walkModules(prior?.root_module as Json | undefined, (res) => {
    if (typeof res.address !== "string" || res.address === "" || drafts.has(res.address) || res.deposed !== undefined) return;
    if (res.mode !== "data" && removed.has(res.address)) return;
    const values = isObject(res.values) ? res.values : {};
    drafts.set(res.address, draft(res, values, undefined, [res.mode === "data" ? "read" : "no-op"], configs, file, lines));
  });

  const byConfig = new Map<string, string[]>();
  for (const address of drafts.keys()) {
    const key = configAddress(address);
    const list = byConfig.get(key);
    if (list) list.push(address);
    else byConfig.set(key, [address]);
  }
  const resolver = new ReferenceResolver(scopes, byConfig);
  const rootVariables = isObject(plan.variables) ? plan.variables : {};
  /**
   * A variable whose value the plan knows (a root variable with a value, a module input set to a
   * constant) cannot be where an unknown value came from: a branch that picks it would be known.
   */
  const knownVariable = (reference: string, scope: string): boolean => {
    const name = /^var\.([^.[]+)/.exec(reference)?.[1];
    if (!name) return false;
    if (scope === "") return isObject(rootVariables[name]) && (rootVariables[name] as Json).value !== undefined;
    const argument = scopes.get(scope)?.variables.get(name);
    return argument !== undefined && argument.length === 0;
  };
  /** Per draft, link attributes whose expression also references values that are not resources. */
  const opaque = new Map<DraftResource, Map<string, string[]>>();
  /** Per draft, link attributes that reference the target only through an attribute that is not its ARN. */
  const misnamed = new Map<DraftResource, Map<string, string>>();
  for (const d of drafts.values()) {
    const config = configs.get(configAddress(d.address));
    if (!config) continue;
    const referrer: Referrer = { scope: config.scope, moduleInstance: modulePrefix(d.address), key: instanceKey(d.address), forEach: config.forEach };
    const linkPaths = LINK_PATHS.get(d.type);
    for (const [path, references] of config.references) {
      const targets = resolver.resolve(references, referrer);
      targets.delete(d.address);
      if (targets.size > 0) d.refs[path] = [...targets].sort();
      if (linkPaths?.has(path) && targets.size > 0) {
        const wrong = wrongAttribute(references, LINKS.get(d.type)!.find((l) => l.path === path)!.target);
        if (wrong) (misnamed.get(d) ?? misnamed.set(d, new Map()).get(d)!).set(path, wrong);
        const other = opaqueReferences(references, (r) => resolver.resolve([r], referrer).size > 0 || knownVariable(r, config.scope));
        if (other.length > 0) (opaque.get(d) ?? opaque.set(d, new Map()).get(d)!).set(path, other);
      }
    }
  }
  for (const d of drafts.values()) settleLinks(d, drafts, opaque.get(d), misnamed.get(d));
  return [...drafts.values()];
}

/** Why a plan does not show everything Terraform will do, or null when it does. */
export function planIncomplete(plan: Json): string | null {
  const reasons: string[] = [];
  if (plan.errored === true) reasons.push("the plan errored (errored: true)");
  if (plan.complete === false) reasons.push("the plan is incomplete (complete: false: a -target plan or deferred changes)");
  return reasons.length > 0 ? reasons.join("; ") : null;
}

/**
 * Attributes that link a resource to the one resource a rule needs (not IAM: see iam.ts). A known
 * value is what Terraform applies, so a reference is only a hint while the value is unknown; and an
 * expression referencing several candidates (`coalesce(a.arn, b.arn)`) proves nothing about any one.
 */
const LINKS = new Map<string, { path: string; target: string; keepWhenKnown?: boolean }[]>(Object.entries({
  aws_wafv2_web_acl_association: [{ path: "resource_arn", target: "aws_apprunner_service" }],
  aws_apprunner_vpc_ingress_connection: [{ path: "service_arn", target: "aws_apprunner_service" }],
  aws_apprunner_service: [
    { path: "network_configuration.0.egress_configuration.0.vpc_connector_arn", target: "aws_apprunner_vpc_connector" },
    { path: "observability_configuration.0.observability_configuration_arn", target: "aws_apprunner_observability_configuration" },
    { path: "auto_scaling_configuration_arn", target: "aws_apprunner_auto_scaling_configuration_version" },
    // The service's roles: a known ARN is matched to the referenced roles by the rules (policies/lib/iam.rego
    // model_roles: by known ARN, or by path and name while the role's ARN is unknown), so refs stay.
    { path: "instance_configuration.0.instance_role_arn", target: "aws_iam_role", keepWhenKnown: true },
    { path: "source_configuration.0.authentication_configuration.0.access_role_arn", target: "aws_iam_role", keepWhenKnown: true },
  ],
}));

/**
 * References of an expression that name no resource of the input (a variable, a local, a value of a
 * conditional's other branch), leaving out the referrer's own instance keys and references that are
 * only the prefix of a longer one (`module.m` of `module.m.out`, `x` of `x.arn`).
 */
function opaqueReferences(references: string[], resolves: (reference: string) => boolean): string[] {
  const own = /^(count\.index|each\.(key|value)|path\.|terraform\.|self\.)/;
  return references.filter(
    (r) =>
      !own.test(r) &&
      !references.some((o) => o !== r && (o.startsWith(r + ".") || o.startsWith(r + "["))) &&
      !resolves(r),
  );
}

/**
 * A link holds only through the attribute that carries the target's ARN (`arn`; `id`, which the AWS
 * provider sets to the ARN for these types). `resource_arn = aws_apprunner_service.x.service_id` is
 * not an ARN (the association fails at apply): the reference links nothing. Returns the wrong
 * references, or null when some direct reference names the ARN (or there is no direct reference).
 */
function wrongAttribute(references: string[], targetType: string): string | null {
  const direct = references
    .map((r) => splitAddress(r))
    .filter((parts) => parts[0] === targetType && parts.length >= 3)
    .map((parts) => parts.slice(0, 3).join("."));
  if (direct.length === 0) return null;
  if (direct.some((r) => /\.(arn|id)$/.test(r))) return null;
  return [...new Set(direct)].join(", ");
}

const LINK_PATHS = new Map([...LINKS].map(([type, links]) => [type, new Set(links.map((l) => l.path))]));

function settleLinks(
  d: DraftResource,
  drafts: Map<string, DraftResource>,
  opaque: Map<string, string[]> | undefined,
  misnamed: Map<string, string> | undefined,
): void {
  if (d.mode !== "managed") return;
  for (const link of LINKS.get(d.type) ?? []) {
    const refs = d.refs[link.path];
    if (!refs) continue;
    if (!isUnknownPath(d.unknown, link.path)) {
      // Known: the literal value decides (linkLiteralArns links it when it is a known ARN in the input).
      if (!link.keepWhenKnown) delete d.refs[link.path];
      continue;
    }
    const wrong = misnamed?.get(link.path);
    if (wrong) {
      delete d.refs[link.path];
      (d.unknown_reasons ??= dict())[link.path] = `it references ${wrong}, which is not the ${link.target}'s ARN`;
      continue;
    }
    const candidates = refs.filter((r) => drafts.get(r)?.type === link.target);
    // A link holds only within one region (AWS provider v6 writes `region` on every resource).
    // (Inputs without `region`, older providers, are not compared.)
    const elsewhere = candidates.filter((r) => {
      const [mine, theirs] = [regionOf(d), regionOf(drafts.get(r)!)];
      return mine !== undefined && theirs !== undefined && mine !== theirs;
    });
    if (elsewhere.length > 0) {
      delete d.refs[link.path];
      const where = elsewhere.map((r) => `${r} in ${regionOf(drafts.get(r)!) ?? "a region unknown until apply"}`).join(", ");
      (d.unknown_reasons ??= dict())[link.path] = `it is in ${regionOf(d) ?? "a region unknown until apply"} but references ${where}`;
      continue;
    }
    const others = opaque?.get(link.path);
    if (candidates.length > 0 && others) {
      // `flag ? local.other_arn : x.arn` with flag unknown: x is one candidate of several.
      delete d.refs[link.path];
      (d.unknown_reasons ??= dict())[link.path] =
        `its expression references ${candidates.join(", ")} but also ${others.join(", ")}, which is not a resource in the input: the reference proves nothing`;
    } else if (candidates.length > 1) {
      delete d.refs[link.path];
      (d.unknown_reasons ??= dict())[link.path] =
        `its expression references several ${link.target} (${candidates.join(", ")}), which proves nothing about any one of them`;
    }
  }
}

/** The resource's region, null when it is unknown until apply, undefined when the input has none. */
function regionOf(d: DraftResource): string | null | undefined {
  if (d.unknown.some((u) => u === "region")) return null;
  return typeof d.values.region === "string" ? d.values.region : undefined;
}

function isUnknownPath(unknown: string[], path: string): boolean {
  return unknown.some((u) => u === path || path.startsWith(u + "."));
}

/** `["k"]` of `aws_x.y["k"]`, `[0]` of `module.m.aws_x.y[0]`, "" for a single instance. */
function instanceKey(address: string): string {
  const parts = splitAddress(address);
  const last = parts[parts.length - 1] ?? "";
  const open = last.indexOf("[");
  return open === -1 ? "" : last.slice(open);
}

function draft(
  res: Json,
  rawValues: Json,
  afterUnknown: unknown,
  actions: string[],
  configs: Map<string, ConfigResource>,
  file: string,
  lineOf: (address: string) => number | null,
  afterSensitive?: unknown,
): DraftResource {
  const address = res.address as string;
  const mode = res.mode === "data" ? "data" : "managed";
  const type = String(res.type ?? "");
  const blockPaths = blockPathsFor(mode, type);
  const values = dropNullsInBlockShape(rawValues, blockPaths, file) as Json;
  const config = configs.get(configAddress(address));
  let unknown = unknownPaths(afterUnknown, file);
  const reasons = dict<string>();
  if (config) {
    // Only the types whose blocks the rules read (the block table) are searched for dynamic blocks.
    const dynamic = blockPaths ? dynamicElements(values, config) : [];
    unknown = unknown.filter((path) => {
      if (isConfigured(config, path)) return true;
      if (dynamic.some((element) => path === element || path.startsWith(element + "."))) {
        reasons[path] = DYNAMIC_REASON;
        return true;
      }
      // A whole block unknown and absent from configuration: a dynamic block whose for_each is unknown,
      // or a block the user did not write. Terraform writes a block nobody wrote as [] unless the
      // provider computes it; so `true` on any other block is a dynamic block. For the blocks the
      // provider computes the two look the same, and the provider default is the reading.
      const block = path.replace(/\.\d+(?=\.|$)/g, "");
      if (!blockPaths?.has(block) || !parentConfigured(config, path)) return false;
      if (!PROVIDER_COMPUTED_BLOCKS.has(`${type}.${block}`)) {
        reasons[path] = DYNAMIC_REASON;
        return true;
      }
      // The provider default is the strictest reading for every computed block but one: no
      // instance_configuration means no instance role, the laxest. Where the resource shows dynamic
      // blocks, that block may be one whose for_each is unknown: cannot verify.
      if (dynamic.length > 0 && LAX_DEFAULT_BLOCKS.has(`${type}.${block}`)) {
        reasons[path] = UNKNOWN_DYNAMIC_REASON;
        return true;
      }
      // Unknown because the provider computes a default the user did not set: not a rule's concern.
      return false;
    });
  }
  const sensitive = afterSensitive === undefined ? [] : unknownPaths(afterSensitive, file);
  return {
    address,
    type,
    name: String(res.name ?? ""),
    module: typeof res.module_address === "string" ? res.module_address : modulePrefix(address),
    mode,
    actions,
    values,
    raw: values,
    unknown,
    refs: dict(),
    ...(Object.keys(reasons).length > 0 ? { unknown_reasons: reasons } : {}),
    ...(sensitive.length > 0 ? { sensitive } : {}),
    origin: { construct_path: null, file, line: lineOf(address) },
  };
}

const DYNAMIC_REASON = "it is set in a dynamic block, and plan configuration leaves dynamic blocks out, so what it references is not shown";

const UNKNOWN_DYNAMIC_REASON =
  "the resource uses dynamic blocks, and this block is either not written or a dynamic block whose for_each is unknown; the plan does not say which";

/** Computed blocks whose provider default is the laxest reading for a rule (no instance role). */
const LAX_DEFAULT_BLOCKS = new Set(["aws_apprunner_service.instance_configuration"]);

/** Blocks that the AWS provider fills in when the user writes none (Optional + Computed in its schema). */
const PROVIDER_COMPUTED_BLOCKS = new Set([
  "aws_apprunner_service.health_check_configuration",
  "aws_apprunner_service.instance_configuration",
  "aws_apprunner_service.network_configuration",
  "aws_apprunner_service.network_configuration.egress_configuration",
  "aws_apprunner_service.network_configuration.ingress_configuration",
  "aws_iam_role.inline_policy",
]);

/** The block element (or root) that holds `path` is written statically in the configuration. */
function parentConfigured(config: ConfigResource, path: string): boolean {
  const parts = path.split(".");
  parts.pop();
  return parts.length === 0 || config.blocks.has(parts.join("."));
}

/**
 * Block elements present in the planned values but not in the configuration's static blocks: they
 * come from `dynamic` blocks (or, for a resource read from state, from the provider). Only elements
 * under a statically written parent are listed; everything under a listed element is covered by it.
 */
function dynamicElements(values: Json, config: ConfigResource): string[] {
  const out: string[] = [];
  const walk = (node: Json, prefix: string) => {
    for (const [key, value] of Object.entries(node)) {
      if (!Array.isArray(value) || value.length === 0 || !value.every(isObject)) continue;
      const path = prefix === "" ? key : `${prefix}.${key}`;
      if (config.references.has(path)) continue; // an attribute holding a list of objects, not a block
      value.forEach((element, i) => {
        const elementPath = `${path}.${i}`;
        if (config.blocks.has(elementPath)) walk(element as Json, elementPath);
        else out.push(elementPath);
      });
    }
  };
  walk(values, "");
  return out;
}

/**
 * The configuration sets this path, something under it, or something above it. Asked only for the
 * few unknown paths of a resource, so the attribute paths are searched here rather than every prefix
 * of every one of them indexed up front for every resource.
 */
function isConfigured(config: ConfigResource, path: string): boolean {
  if (config.blocks.has(path) || config.references.has(path)) return true;
  const under = `${path}.`;
  for (const key of config.references.keys()) if (key.startsWith(under)) return true;
  for (let dot = path.lastIndexOf("."); dot >= 0; dot = dot === 0 ? -1 : path.lastIndexOf(".", dot - 1)) {
    if (config.references.has(path.slice(0, dot))) return true;
  }
  return false;
}

function indexModule(
  module: Json | undefined,
  scope: string,
  parent: string | null,
  configs: Map<string, ConfigResource>,
  scopes: Map<string, ModuleScope>,
  file: string,
): void {
  if (!module || typeof module !== "object") return;
  const outputs = new Map<string, string[]>();
  for (const [name, output] of Object.entries((module.outputs ?? {}) as Record<string, Json>)) {
    outputs.set(name, asArray((output?.expression as Json | undefined)?.references).map(String));
  }
  const moduleScope: ModuleScope = scopes.get(scope) ?? { variables: new Map(), outputs, parent };
  moduleScope.outputs = outputs;
  moduleScope.parent = parent;
  scopes.set(scope, moduleScope);

  for (const resource of asArray(module.resources)) {
    if (!resource || typeof resource !== "object") continue;
    const r = resource as Json;
    if (typeof r.address !== "string") continue;
    const references = new Map<string, string[]>();
    const blocks = new Set<string>();
    collectExpressions((r.expressions ?? {}) as Json, "", references, blocks, 0, file);
    const forEach = asArray((r.for_each_expression as Json | undefined)?.references).map(String);
    configs.set(scope === "" ? r.address : `${scope}.${r.address}`, { scope, references, blocks, forEach });
  }
  for (const [name, call] of Object.entries((module.module_calls ?? {}) as Record<string, Json>)) {
    if (!call || typeof call !== "object") continue;
    const childScope = scope === "" ? `module.${name}` : `${scope}.module.${name}`;
    const variables = new Map<string, string[]>();
    for (const [variable, expression] of Object.entries((call.expressions ?? {}) as Record<string, Json>)) {
      variables.set(variable, asArray(expression?.references).map(String));
    }
    scopes.set(childScope, { variables, outputs: new Map(), parent: scope });
    indexModule(call.module as Json | undefined, childScope, scope, configs, scopes, file);
  }
}

/**
 * Configuration expressions: an attribute is an object ({references, constant_value} or {} for an
 * expression the plan cannot show); a nested block is a list of expression maps.
 */
function collectExpressions(
  expressions: Json,
  prefix: string,
  out: Map<string, string[]>,
  blocks: Set<string>,
  depth: number,
  file: string,
): void {
  if (depth > MAX_DEPTH) throw new InputError(file, `configuration nesting deeper than ${MAX_DEPTH} levels`);
  for (const [key, value] of Object.entries(expressions)) {
    const path = prefix === "" ? key : `${prefix}.${key}`;
    if (Array.isArray(value)) {
      value.forEach((block, i) => {
        if (!block || typeof block !== "object") return;
        blocks.add(`${path}.${i}`);
        collectExpressions(block as Json, `${path}.${i}`, out, blocks, depth + 1, file);
      });
    } else if (value && typeof value === "object") {
      out.set(path, asArray((value as Json).references).map(String));
    }
  }
}

/** Who holds a reference: its module scope and instance, its own instance key, and what its for_each references. */
interface Referrer {
  scope: string;
  moduleInstance: string;
  /** `["k"]` / `[0]` of the referring instance, "" for a single instance. */
  key: string;
  forEach: string[];
}

/**
 * Resolves configuration references the way Terraform writes them: `x["k"].arn` comes with `x["k"]`
 * and `x`, so an indexed reference names that instance only; `x[count.index]` / `x[each.key]` come
 * as `x` plus `count.index` / `each.key`, which is the referrer's own instance of `x`; `each.value`
 * stands for the `for_each` collection, keyed like the referrer.
 */
class ReferenceResolver {
  constructor(
    private readonly scopes: Map<string, ModuleScope>,
    private readonly byConfig: Map<string, string[]>,
  ) {}

  resolve(references: string[], referrer: Referrer): Set<string> {
    const out = new Set<string>();
    const ownKey = references.includes("count.index") || references.includes("each.key");
    this.resolveAll(references, referrer.scope, referrer.moduleInstance, ownKey ? referrer.key : "", out, 0);
    if (references.some((r) => r === "each.value" || r.startsWith("each.value.") || r.startsWith("each.value["))) {
      this.resolveAll(referrer.forEach, referrer.scope, referrer.moduleInstance, referrer.key, out, 0);
    }
    return out;
  }

  private resolveAll(references: string[], scope: string, moduleInstance: string, key: string, out: Set<string>, depth: number): void {
    if (depth > 16) return;
    // Per configuration address, the instances named by index; an unindexed reference stands for all.
    const indexed = new Map<string, Set<string>>();
    const whole = new Set<string>();
    for (const reference of references) {
      const target = this.target(reference, scope, moduleInstance, out, depth);
      if (!target) continue;
      if (target.index === null) whole.add(target.config);
      else {
        const set = indexed.get(target.config) ?? new Set<string>();
        set.add(target.index);
        indexed.set(target.config, set);
      }
    }
    for (const config of new Set([...whole, ...indexed.keys()])) {
      const indexes = indexed.get(config);
      this.addTargets(config, moduleInstance, indexes ? [...indexes] : key === "" ? null : [key], out);
    }
  }

  /** The resource a reference names (configuration address + index), after following var.* and module outputs. */
  private target(
    reference: string,
    scope: string,
    moduleInstance: string,
    out: Set<string>,
    depth: number,
  ): { config: string; index: string | null } | null {
    const { raw, parts } = this.split(reference);
    const head = parts[0];
    const qualify = (local: string) => (scope === "" ? local : `${scope}.${local}`);
    const indexOf = (part: string | undefined) => {
      const open = part?.indexOf("[") ?? -1;
      return part && open !== -1 ? part.slice(open) : null;
    };
    if (head === "var" && parts[1]) {
      const moduleScope = this.scopes.get(scope);
      const parentScope = moduleScope?.parent;
      const argument = moduleScope?.variables.get(parts[1]);
      if (parentScope !== null && parentScope !== undefined && argument) {
        this.resolveAll(argument, parentScope, parentInstance(moduleInstance), "", out, depth + 1);
      }
    } else if (head === "module" && parts[1] && parts[2]) {
      const child = qualify(`module.${parts[1]}`);
      const output = this.scopes.get(child)?.outputs.get(parts[2]);
      const instance = `${moduleInstance ? moduleInstance + "." : ""}module.${parts[1]}${indexOf(raw[1]) ?? ""}`;
      if (output) this.resolveAll(output, child, instance, "", out, depth + 1);
    } else if (head === "data" && parts[1] && parts[2]) {
      return { config: qualify(`data.${parts[1]}.${parts[2]}`), index: indexOf(raw[2]) };
    } else if (head && parts[1] && looksLikeResourceType(head)) {
      return { config: qualify(`${head}.${parts[1]}`), index: indexOf(raw[1]) };
    }
    return null;
  }

  /** A reference's parts, with and without their index brackets: read once per distinct reference (most recur). */
  private split(reference: string): { raw: string[]; parts: string[] } {
    let split = this.splits.get(reference);
    if (!split) {
      const raw = splitAddress(reference);
      const parts = raw.map((p) => {
        const open = p.indexOf("[");
        return open === -1 ? p : p.slice(0, open);
      });
      split = { raw, parts };
      this.splits.set(reference, split);
    }
    return split;
  }

  private readonly splits = new Map<string, { raw: string[]; parts: string[] }>();

  private addTargets(configKey: string, moduleInstance: string, indexes: string[] | null, out: Set<string>): void {
    const candidates = this.byConfig.get(configKey);
    if (!candidates) return;
    // With counted modules, prefer the instance in the same module instance as the referrer.
    const same = moduleInstance === "" ? candidates : candidates.filter((a) => a.startsWith(moduleInstance + "."));
    const pool = same.length > 0 ? same : candidates;
    if (indexes !== null) {
      const wanted = pool.filter((a) => indexes.includes(instanceKey(a)));
      // `x[count.index]` where x is a single instance (or keyed otherwise) still names x.
      if (wanted.length > 0 || pool.some((a) => instanceKey(a) !== "")) {
        for (const address of wanted) out.add(address);
        return;
      }
    }
    for (const address of pool) out.add(address);
  }
}

function parentInstance(moduleInstance: string): string {
  const parts = splitAddress(moduleInstance);
  return parts.slice(0, Math.max(0, parts.length - 2)).join(".");
}

function walkModules(module: Json | undefined, visit: (resource: Json) => void): void {
  if (!module || typeof module !== "object") return;
  for (const r of asArray(module.resources)) if (r && typeof r === "object") visit(r as Json);
  for (const child of asArray(module.child_modules)) walkModules(child as Json, visit);
}


function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}
