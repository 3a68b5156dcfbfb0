import { basename } from "node:path";
import { InputError } from "../errors.js";
import { looksLikeResourceType } from "./address.js";
import { blockPathsFor, coerceBooleans, toBlockShape } from "./blocks.js";
import {
  Evaluator,
  HclSyntaxError,
  Unknown,
  hasUnknown,
  instanceAddress,
  parseTemplate,
  renderLeaves,
  renderUnknown,
  syntacticReferences,
  traversalResource,
  type Scope,
  type Value,
} from "./hcl-expr.js";
import type { InputPart, ModuleSource } from "../load/types.js";
import type { DraftResource } from "./model.js";
import { configAddress } from "./source-origin.js";
import { creationSite } from "./creation-site.js";
import { MAX_DEPTH, dict } from "./values.js";
import { type Json } from "../json.js";

/** More instances of one resource than any real stack has; a hostile count must not exhaust memory. */
const MAX_INSTANCES = 10_000;
const MODULE_META = new Set(["source", "version", "count", "for_each", "providers", "depends_on", "//"]);
const META_ARGUMENTS = new Set(["//", "count", "for_each", "depends_on", "provider", "lifecycle", "provisioner", "connection"]);

/**
 * Types whose existence protects a service (an association, an ingress connection): when Terraform
 * may create none of them (count / for_each unknown), their links prove nothing.
 */
const PROTECTIVE_LINKS: Record<string, string> = {
  aws_wafv2_web_acl_association: "resource_arn",
  aws_apprunner_vpc_ingress_connection: "service_arn",
};

/** A resource or data block as written, before instances are known. */
interface Config {
  mode: "managed" | "data";
  type: string;
  name: string;
  address: string;
  body: Json;
  file: string;
  line: number | null;
  section: "resource" | "data";
}

/**
 * Reads a cdktf-synthesized stack or a folder of *.tf.json files (one Terraform module) the way
 * Terraform reads them: override files merged into the blocks they override, `count` / `for_each`
 * expanded into instances (`x[0]`, `x["k"]`; none for `count = 0`), `dynamic` blocks expanded, and
 * `${...}` strings evaluated as HCL expressions. What is only known at apply (resource attributes,
 * variables) is unknown: its path goes to `unknown` and the resources it references to `refs`.
 */
export function readTerraformJson(parts: InputPart[], modules?: Record<string, ModuleSource>): DraftResource[] {
  return readTerraformJsonModule(parts, modules).drafts;
}

/**
 * The same, and what the input does not show: module calls whose source cannot be read here (not
 * downloaded, native HCL syntax), so what they create is not in `drafts`.
 */
export function readTerraformJsonModule(parts: InputPart[], modules?: Record<string, ModuleSource>): { drafts: DraftResource[]; incomplete: string[]; crossStack: CrossStackFacts } {
  const shared = sharedState(parts, modules ?? {});
  const reader = new ModuleReader(parts, shared, "", "", null);
  const drafts = reader.collect();
  const crossStack = reader.crossStackFacts(drafts, providerRegions(parts.map((p) => p.document.provider)), parts.map((p) => p.document));
  linkReferences(drafts);
  grantsToUnknownRoles(drafts);
  return { drafts, incomplete: [...new Set(shared.incomplete)].sort(), crossStack };
}

/**
 * The drafts of some resources of a configuration only (`only`: configuration addresses, module path
 * included, instance keys left out), as a plan's source: root variables have the values the plan
 * gives them, and references are left as the expressions name them (the caller links them to the
 * plan's instances, which the plan knows better than the configuration does).
 */
export function readConfigurationResources(
  parts: InputPart[],
  modules: Record<string, ModuleSource>,
  only: ReadonlySet<string>,
  rootVariables: ReadonlyMap<string, Value>,
  moduleInstances: (call: string) => (string | number)[] | undefined,
): DraftResource[] {
  return new ModuleReader(parts, sharedState(parts, modules, { rootVariables, only, moduleInstances }), "", "", null).collect();
}

/** What every module reader of one input shares; `plan`: what a plan knows, when the configuration is its source. */
function sharedState(parts: InputPart[], modules: Record<string, ModuleSource>, plan?: Pick<Shared, "rootVariables" | "only" | "moduleInstances">): Shared {
  return {
    rendered: new Map(),
    incomplete: [],
    modules,
    defaultTags: providerDefaultTags(parts.map((p) => p.document.provider)),
    ...(plan ?? { rootVariables: new Map(), only: null, moduleInstances: null }),
  };
}

/**
 * What cdktf's cross-stack references look like in one stack (cdktf 0.21): the producing stack writes
 * `output "cross-stack-output-<address><attr>" { value = "${<address>.<attr>}", sensitive = true }`;
 * the consuming stack reads it through `data "terraform_remote_state" "cross-stack-reference-input-<stack>"`
 * (the producer's backend in `config`) as `${data.terraform_remote_state.<name>.outputs.<output>}`.
 */
export interface CrossStackFacts {
  /** Outputs of this stack named cross-stack-output-*: the one resource attribute each exports, or null when it is not exactly one. */
  exports: Record<string, { resource: string; attribute: string } | null>;
  /** Linking resources (WAF associations, ingress connections) whose link attribute is exactly a remote-state output. */
  remoteLinks: RemoteLink[];
  /** data.terraform_remote_state blocks by name: the backend they read. */
  remoteStates: Record<string, { backend: string | null; config: Json }>;
  /** This stack's own backend (terraform.backend), which a consumer's remote state must read. */
  backend: { type: string; config: Json } | null;
  /** Known region of each resource (its region argument, else its provider's), null when not known from the JSON. */
  regions: Record<string, string | null>;
}

export interface RemoteLink {
  address: string;
  type: string;
  attribute: string;
  dataSource: string;
  output: string;
}

/** `${data.terraform_remote_state.NAME.outputs.OUTPUT}` and nothing else (no function, no conditional, no index). */
const REMOTE_OUTPUT = /^\$\{data\.terraform_remote_state\.([A-Za-z_][A-Za-z0-9_-]*)\.outputs\.([A-Za-z_][A-Za-z0-9_-]*)\}$/;

/** Known literal region per provider configuration ("aws", "aws.<alias>"); null when it is an expression or absent. */
function providerRegions(sections: unknown[]): Map<string, string | null> {
  const out = new Map<string, string | null>();
  for (const section of sections) {
    for (const s of asList(section)) {
      if (!s || typeof s !== "object") continue;
      for (const [name, configs] of Object.entries(s as Json)) {
        for (const config of Array.isArray(configs) ? configs : [configs]) {
          if (!config || typeof config !== "object") continue;
          const c = config as Json;
          const region = typeof c.region === "string" && !isExpression(c.region) ? c.region : null;
          out.set(typeof c.alias === "string" ? `${name}.${c.alias}` : name, region);
        }
      }
    }
  }
  return out;
}

/** The attribute that names the role(s) a grant reaches, per grant type. */
const GRANT_ROLE: Record<string, string> = {
  aws_iam_role_policy: "role",
  aws_iam_role_policy_attachment: "role",
  aws_iam_policy_attachment: "roles",
  aws_iam_role_policy_attachments_exclusive: "role_name",
};

/**
 * A policy or attachment whose role is not known from the JSON (a variable, a module output this input
 * cannot read) may reach any role: it is read as reaching every role of the input, the worst case for
 * the permission rules, and says why.
 */
function grantsToUnknownRoles(drafts: DraftResource[]): void {
  const roles = drafts.filter((d) => d.mode === "managed" && d.type === "aws_iam_role").map((d) => d.address).sort();
  if (roles.length === 0) return;
  for (const d of drafts) {
    const attribute = GRANT_ROLE[d.type];
    if (!attribute || d.mode !== "managed") continue;
    const unknown = d.unknown.some((u) => u === attribute || u.startsWith(`${attribute}.`));
    if (!unknown || (d.refs[attribute] ?? []).some((r) => roles.includes(r))) continue;
    d.refs[attribute] = roles;
    (d.unknown_reasons ??= dict())[attribute] = `the role is not known from the JSON alone, so this grant is read as reaching every role of the input`;
  }
}

interface Shared {
  /** Strings the readers rendered for unknown values, and what they stand for. */
  rendered: Map<string, Unknown>;
  incomplete: string[];
  modules: Record<string, ModuleSource>;
  defaultTags: Map<string, Json>;
  /** Values of the root module's variables, when the input knows them (a plan's `variables`). */
  rootVariables: ReadonlyMap<string, Value>;
  /** When set, only these configuration addresses are drafted (see readConfigurationResources). */
  only: ReadonlySet<string> | null;
  /**
   * Instance keys of module calls with count / for_each, by the call's address with the parent's
   * keys (`module.a["x"].module.b`), when the input knows them (a plan does); then such calls are
   * read once per instance instead of being left out.
   */
  moduleInstances: ((call: string) => (string | number)[] | undefined) | null;
}

/**
 * References to what is not in this input (unreadable modules, other stacks, variables) cannot be
 * followed; a reference to a resource with several instances, without a key, is to each of them.
 * `targets`: the resources references may reach (a plan's, when the drafts are read from its source).
 */
export function linkReferences(drafts: DraftResource[], targets: DraftResource[] = drafts): void {
  const known = new Set(targets.map((d) => d.address));
  const byConfig = new Map<string, string[]>();
  for (const d of targets) {
    const config = d.address.replace(/\[[^\]]*\]$/, "");
    if (config === d.address) continue;
    const list = byConfig.get(config);
    if (list) list.push(d.address);
    else byConfig.set(config, [d.address]);
  }
  for (const d of drafts) {
    for (const [path, targets] of Object.entries(d.refs)) {
      const kept = new Set<string>();
      for (const t of targets) {
        if (known.has(t)) kept.add(t);
        else for (const instance of byConfig.get(t) ?? []) kept.add(instance);
      }
      kept.delete(d.address);
      if (kept.size > 0) d.refs[path] = [...kept].sort();
      else delete d.refs[path];
    }
  }
}

class ModuleReader {
  private readonly configs = new Map<string, Config>();
  private readonly localExprs = new Map<string, unknown>();
  private readonly localValues = new Map<string, Value>();
  private readonly resolvingLocals = new Set<string>();
  private readonly instanceCache = new Map<string, (string | number)[] | null | "unknown">();
  private readonly resolving = new Set<string>();
  private readonly rendered: Map<string, Unknown>;
  /** The file being read, for error messages. */
  private file = "";
  /** A dynamic block with an unknown for_each was expanded into the draft being built. */
  private marked = false;
  private readonly calls = new Map<string, Json>();
  private readonly variableDefaults = new Map<string, unknown>();
  private readonly outputExprs = new Map<string, unknown>();
  private readonly children = new Map<string, ModuleReader | null>();
  private readonly variableValues = new Map<string, Value>();
  private readonly resolvingVariables = new Set<string>();

  /**
   * @param prefix the module path of this module's resources ("" for the root, "module.a.module.b")
   * @param key the module key as modules.json writes it ("" for the root, "a.b")
   * @param call the call of this module in its parent: its arguments, evaluated in the parent's scope
   */
  constructor(
    parts: InputPart[],
    private readonly shared: Shared,
    private readonly prefix: string,
    private readonly key: string,
    /** `scope`: the parent's scope with this instance's each / count, for a call with count / for_each. */
    private readonly call: { body: Json; parent: ModuleReader; scope?: Scope } | null,
  ) {
    this.rendered = shared.rendered;
    const isOverride = (p: InputPart) => /(^|_)override\.tf(\.json)?$/.test(basename(p.path));
    const ordered = [...parts.filter((p) => !isOverride(p)), ...parts.filter(isOverride).sort((a, b) => (basename(a.path) < basename(b.path) ? -1 : 1))];
    for (const part of ordered) this.addPart(part, isOverride(part));
  }

  private addPart({ path: file, document, text }: InputPart, override: boolean): void {
    const lines = resourceLines(text);
    for (const [mode, key] of [["managed", "resource"], ["data", "data"]] as const) {
      for (const [type, name, body, line] of entries(document[key], file, key, lines)) {
        const address = mode === "data" ? `data.${type}.${name}` : `${type}.${name}`;
        const existing = this.configs.get(address);
        if (override) {
          if (!existing) throw new InputError(file, `the override file overrides ${key} "${type}" "${name}", which no other file of the module defines (Terraform: "Missing base ${key} definition to override")`);
          existing.body = mergeOverride(existing.body, body);
          if (existing.body.count !== undefined && existing.body.for_each !== undefined) {
            throw new InputError(file, `${address} has both count and for_each after the override is merged (Terraform rejects that combination)`);
          }
          continue;
        }
        if (existing) {
          throw new InputError(file, `${key} "${type}" "${name}" is defined twice (also in ${existing.file}); Terraform rejects a duplicate ${key === "data" ? "data source" : "resource"}`);
        }
        this.configs.set(address, { mode, type, name, address, body, file, line, section: key });
      }
    }
    for (const section of asList(document.module)) {
      if (!section || typeof section !== "object") continue;
      for (const [name, body] of Object.entries(section as Json)) {
        const b = asList(body)[0];
        if (!b || typeof b !== "object") continue;
        if (override) {
          const existing = this.calls.get(name);
          if (!existing) throw new InputError(file, `the override file overrides module "${name}", which no other file of the module calls`);
          this.calls.set(name, mergeOverride(existing, b as Json));
        } else {
          if (this.calls.has(name)) throw new InputError(file, `module "${name}" is called twice; Terraform rejects a duplicate module call`);
          this.calls.set(name, b as Json);
        }
      }
    }
    for (const [section, target] of [["variable", this.variableDefaults], ["output", this.outputExprs]] as const) {
      for (const block of asList(document[section])) {
        if (!block || typeof block !== "object") continue;
        for (const [name, body] of Object.entries(block as Json)) {
          const b = asList(body)[0] as Json | undefined;
          if (!b || typeof b !== "object") continue;
          const field = section === "variable" ? "default" : "value";
          if (field in b) target.set(name, b[field]);
          else if (override && target.has(name)) continue;
          else target.delete(name);
        }
      }
    }
    for (const block of asList(document.locals)) {
      if (!block || typeof block !== "object") continue;
      for (const [name, expr] of Object.entries(block as Json)) {
        if (this.localExprs.has(name) && !override) throw new InputError(file, `local value "${name}" is defined twice (Terraform: "Duplicate local value definition")`);
        this.localExprs.set(name, expr);
      }
    }
  }

  /** Drafts of this module's resources and of every readable module it calls. */
  collect(): DraftResource[] {
    const defaultTags = this.shared.defaultTags;
    const drafts: DraftResource[] = [];
    const only = this.shared.only;
    for (const name of this.calls.keys()) {
      const prefix = `${configAddress(this.qualify(`module.${name}`))}.`;
      if (only && ![...only].some((a) => a.startsWith(prefix))) continue;
      for (const child of this.instancesOfCall(name) ?? [this.child(name)]) if (child) for (const d of child.collect()) drafts.push(d);
    }
    for (const config of this.configs.values()) {
      if (only && !only.has(configAddress(this.qualify(config.address)))) continue;
      const instances = this.instancesOf(config.address);
      if (instances === undefined) continue;
      const keys: (string | number | null)[] = instances === null || instances === "unknown" ? [null] : instances;
      const forEach = instances !== null && instances !== "unknown" && config.body.for_each !== undefined ? this.forEachValue(config) : null;
      for (const key of keys) {
        const scope: Scope = { ...this.scope() };
        if (key !== null && typeof key === "number" && config.body.count !== undefined) scope.count = key;
        if (key !== null && forEach) scope.each = { key, value: forEach.get(String(key)) ?? new Unknown([]) };
        if (instances === "unknown") {
          const refs = this.expressionRefs(config.body.count ?? config.body.for_each);
          if (config.body.for_each !== undefined) scope.each = { key: new Unknown(refs), value: new Unknown(refs) };
          else scope.count = undefined;
        }
        drafts.push(this.draft(config, key, scope, defaultTags, instances === "unknown"));
      }
    }
    return drafts;
  }

  private baseScope: Scope | undefined;

  /** The scope of this module's expressions (shared; per-instance scopes are copies with each / count). */
  private scope(): Scope {
    return (this.baseScope ??= {
      instances: (config) => this.instancesOf(config),
      local: (name) => this.local(name),
      qualify: (config) => this.qualify(config),
      variable: (name) => this.variable(name),
      moduleOutput: (module, output) => this.child(module)?.output(output),
    });
  }

  private qualify(config: string): string {
    return this.prefix === "" ? config : `${this.prefix}.${config}`;
  }

  /** The reader of a called module, or null (recorded as incomplete) when its resources cannot be read. */
  private child(name: string): ModuleReader | null {
    if (this.children.has(name)) return this.children.get(name)!;
    const body = this.calls.get(name);
    const key = this.key === "" ? name : `${this.key}.${name}`;
    const address = this.qualify(`module.${name}`);
    const source = this.shared.modules[key];
    let reader: ModuleReader | null = null;
    if (!body) reader = null;
    else if (!source) this.shared.incomplete.push(`${address} (source ${JSON.stringify(body.source ?? "")}) is not in the input, so what it creates cannot be read`);
    else if (source.unreadable !== null) this.shared.incomplete.push(`${address} cannot be read: ${source.unreadable}`);
    else if (body.count !== undefined || body.for_each !== undefined) this.shared.incomplete.push(`${address} has count or for_each, which this reader does not expand`);
    else reader = new ModuleReader(source.parts, this.shared, address, key, { body, parent: this });
    this.children.set(name, reader);
    return reader;
  }

  /**
   * A module call with count / for_each whose instance keys the input knows: one reader per instance
   * (`module.a["k"]`), each evaluating the call's arguments with its own each.key / each.value /
   * count.index. Undefined when the call has neither, or the keys are not known (child() then says why).
   */
  private instancesOfCall(name: string): ModuleReader[] | undefined {
    const body = this.calls.get(name);
    if (!body || (body.count === undefined && body.for_each === undefined) || !this.shared.moduleInstances) return undefined;
    const address = this.qualify(`module.${name}`);
    const keys = this.shared.moduleInstances(address);
    const key = this.key === "" ? name : `${this.key}.${name}`;
    const source = this.shared.modules[key];
    if (!keys || !source || source.unreadable !== null) return undefined;
    const collection = body.for_each !== undefined ? this.evaluate(body.for_each, this.scope()) : null;
    const valueOf = (k: string | number): Value => {
      if (collection === null || collection instanceof Unknown) return new Unknown([]);
      if (Array.isArray(collection)) return collection.includes(k as Value) ? k : new Unknown([]);
      if (collection && typeof collection === "object") return Object.hasOwn(collection, String(k)) ? (collection as { [k: string]: Value })[String(k)]! : new Unknown([]);
      return new Unknown([]);
    };
    return keys.map((k) => {
      const scope: Scope = { ...this.scope(), ...(body.for_each !== undefined ? { each: { key: k, value: valueOf(k) } } : { count: typeof k === "number" ? k : undefined }) };
      return new ModuleReader(source.parts, this.shared, instanceAddress(address, k), key, { body, parent: this, scope });
    });
  }

  /** An input variable: the call's argument (evaluated where the call is), else the variable's default. */
  private variable(name: string): Value | undefined {
    if (this.variableValues.has(name)) return this.variableValues.get(name);
    if (this.resolvingVariables.has(name) || this.resolvingVariables.size > 64) return undefined;
    const argument =
      this.call && name in this.call.body && !MODULE_META.has(name)
        ? { raw: this.call.body[name], reader: this.call.parent, scope: this.call.scope }
        : this.variableDefaults.has(name) && this.call
          ? { raw: this.variableDefaults.get(name), reader: this as ModuleReader, scope: undefined }
          : null;
    // In the root module a variable comes from -var, tfvars or the environment: only a plan knows it.
    if (argument === null) return this.call === null ? this.shared.rootVariables.get(name) : undefined;
    this.resolvingVariables.add(name);
    try {
      const value = argument.reader.evaluate(argument.raw, argument.scope ?? argument.reader.scope());
      this.variableValues.set(name, value);
      return value;
    } finally {
      this.resolvingVariables.delete(name);
    }
  }

  /** The cross-stack facts of the root module (see CrossStackFacts). */
  crossStackFacts(drafts: DraftResource[], regions: Map<string, string | null>, documents: Json[]): CrossStackFacts {
    const exports: CrossStackFacts["exports"] = dict();
    for (const [name, raw] of this.outputExprs) {
      if (!name.startsWith("cross-stack-output-")) continue;
      exports[name] = null;
      if (typeof raw !== "string") continue;
      const resource = specificResource(raw);
      const attribute = /\.([A-Za-z_][A-Za-z0-9_-]*)\}$/.exec(raw)?.[1];
      if (resource && attribute && raw === `\${${resource}.${attribute}}`) exports[name] = { resource, attribute };
    }
    const remoteLinks: RemoteLink[] = [];
    const regionOf: Record<string, string | null> = dict();
    const byAddress = new Map(drafts.map((d) => [d.address, d]));
    for (const config of this.configs.values()) {
      const d = byAddress.get(config.address);
      if (!d) continue; // count / for_each instances: their links across stacks are not followed
      const provider = typeof config.body.provider === "string" ? config.body.provider.replace(/^\$\{(.*)\}$/, "$1") : config.type.split("_")[0]!;
      regionOf[d.address] = typeof d.values.region === "string" ? d.values.region : d.unknown.includes("region") ? null : (regions.get(provider) ?? null);
      const link = PROTECTIVE_LINKS[config.type];
      if (!link || config.mode !== "managed" || config.body.count !== undefined || config.body.for_each !== undefined) continue;
      const m = typeof config.body[link] === "string" ? REMOTE_OUTPUT.exec(config.body[link] as string) : null;
      if (m) remoteLinks.push({ address: d.address, type: config.type, attribute: link, dataSource: m[1]!, output: m[2]! });
    }
    const remoteStates: CrossStackFacts["remoteStates"] = dict();
    for (const config of this.configs.values()) {
      if (config.mode !== "data" || config.type !== "terraform_remote_state") continue;
      const backend = typeof config.body.backend === "string" && !isExpression(config.body.backend) ? config.body.backend : null;
      const c = config.body.config && typeof config.body.config === "object" && !Array.isArray(config.body.config) ? (config.body.config as Json) : dict();
      remoteStates[config.name] = { backend, config: c };
    }
    let backend: CrossStackFacts["backend"] = null;
    for (const document of documents) {
      for (const t of asList(document.terraform)) {
        const b = t && typeof t === "object" ? (t as Json).backend : undefined;
        for (const entry of asList(b)) {
          if (!entry || typeof entry !== "object") continue;
          for (const [type, config] of Object.entries(entry as Json)) {
            const c = asList(config)[0];
            backend = { type, config: c && typeof c === "object" ? (c as Json) : dict() };
          }
        }
      }
    }
    return { exports, remoteLinks, remoteStates, backend, regions: regionOf };
  }

  /** An output of this module, as its caller sees it. */
  output(name: string): Value | undefined {
    if (!this.outputExprs.has(name)) return undefined;
    return this.evaluate(this.outputExprs.get(name), this.scope());
  }

  /** Instance keys of a configuration address: null = one instance, [] = none, "unknown" = not known before apply. */
  instancesOf(address: string): (string | number)[] | null | "unknown" | undefined {
    const config = this.configs.get(address);
    if (!config) return undefined;
    const cached = this.instanceCache.get(address);
    if (cached !== undefined) return cached;
    if (this.resolving.has(address) || this.resolving.size > 64) return "unknown";
    const previousFile = this.file;
    this.file = config.file;
    this.resolving.add(address);
    let result: (string | number)[] | null | "unknown";
    try {
      if (config.body.count !== undefined) {
        const count = this.evaluate(config.body.count, this.scope());
        const n = typeof count === "string" && /^\d+$/.test(count) ? Number(count) : count;
        if (typeof n === "number" && n > MAX_INSTANCES) {
          throw new InputError(config.file, `${config.address} has count = ${n}, above the ${MAX_INSTANCES} instances this reader expands; check a terraform plan instead`);
        }
        result = typeof n === "number" && Number.isInteger(n) && n >= 0 ? Array.from({ length: n }, (_, i) => i) : "unknown";
      } else if (config.body.for_each !== undefined) {
        const map = this.forEachValue(config);
        if (map && map.size > MAX_INSTANCES) {
          throw new InputError(config.file, `${config.address} has a for_each of ${map.size} elements, above the ${MAX_INSTANCES} instances this reader expands; check a terraform plan instead`);
        }
        result = map === null ? "unknown" : [...map.keys()];
      } else result = null;
    } finally {
      this.resolving.delete(address);
      this.file = previousFile;
    }
    this.instanceCache.set(address, result);
    return result;
  }

  /** for_each as Terraform reads it: a map (keys), or a set of strings (each value is its own key). */
  private forEachValue(config: Config): Map<string, Value> | null {
    const value = this.evaluate(config.body.for_each, this.scope());
    if (value instanceof Unknown) return null;
    const out = new Map<string, Value>();
    if (Array.isArray(value)) {
      // In JSON syntax a list is a tuple; Terraform accepts it for for_each only as a set of strings.
      for (const v of value) {
        if (typeof v !== "string") return null;
        out.set(v, v);
      }
      return out;
    }
    if (value && typeof value === "object") {
      for (const [k, v] of Object.entries(value)) out.set(k, v);
      return out;
    }
    return null;
  }

  private local(name: string): Value | undefined {
    if (this.localValues.has(name)) return this.localValues.get(name);
    // A cycle, or a chain of locals deeper than any real module: unknown, not a stack overflow.
    if (!this.localExprs.has(name) || this.resolvingLocals.has(name) || this.resolvingLocals.size > 64) return undefined;
    this.resolvingLocals.add(name);
    try {
      const value = this.evaluate(this.localExprs.get(name), this.scope());
      this.localValues.set(name, value);
      return value;
    } finally {
      this.resolvingLocals.delete(name);
    }
  }

  /** A JSON value of the configuration, with every string evaluated as a template. */
  evaluate(raw: unknown, scope: Scope, depth = 0): Value {
    if (depth > MAX_DEPTH) throw new InputError(this.file, `JSON nesting deeper than ${MAX_DEPTH} levels in resource values`);
    if (typeof raw === "string") return this.evaluateString(raw, scope);
    if (Array.isArray(raw)) return raw.map((v) => this.evaluate(v, scope, depth + 1));
    if (raw && typeof raw === "object") {
      const out = dict<Value>();
      for (const [k, v] of Object.entries(raw)) out[k] = this.evaluate(v, scope, depth + 1);
      return out;
    }
    return (raw ?? null) as Value;
  }

  private evaluateString(raw: string, scope: Scope): Value {
    const known = this.rendered.get(raw);
    if (known) return known;
    if (!raw.includes("${") && !raw.includes("%{")) return raw;
    try {
      return new Evaluator(scope).template(parseTemplate(raw));
    } catch (error) {
      if (!(error instanceof HclSyntaxError)) throw error;
      // Not readable as an expression here: unknown, with whatever resources it names.
      return new Unknown(regexReferences(raw));
    }
  }

  private expressionRefs(raw: unknown): string[] {
    const value = this.evaluate(raw, this.scope());
    const refs: string[] = [];
    const walk = (v: Value) => {
      if (v instanceof Unknown) refs.push(...v.refs);
      else if (Array.isArray(v)) v.forEach(walk);
      else if (v && typeof v === "object") Object.values(v).forEach(walk);
    };
    walk(value);
    return [...new Set(refs)].sort();
  }

  /** The body of one instance with its instance context resolved: known values, or rendered unknowns. */
  private resolveBody(body: Json, scope: Scope, depth = 0): Json {
    const out = dict();
    for (const [key, value] of Object.entries(body)) {
      if (depth === 0 && META_ARGUMENTS.has(key)) continue;
      if (value === null) continue;
      if (key === "dynamic" && value && typeof value === "object" && !Array.isArray(value)) {
        for (const [label, specs] of Object.entries(value as Json)) {
          const blocks = this.expandDynamic(label, specs, scope, depth);
          const existing = out[label];
          const list = existing === undefined ? [] : Array.isArray(existing) ? existing : [existing];
          out[label] = [...list, ...blocks];
        }
        continue;
      }
      const resolved = this.resolveValue(value, scope, depth + 1);
      if (resolved !== undefined) {
        const existing = out[key];
        // A static block next to dynamic blocks of the same type: both apply.
        if (existing !== undefined && Array.isArray(existing)) out[key] = [...(Array.isArray(resolved) ? resolved : [resolved]), ...existing];
        else out[key] = resolved;
      }
    }
    return out;
  }

  private resolveValue(value: unknown, scope: Scope, depth: number): unknown {
    if (depth > MAX_DEPTH) throw new InputError(this.file, `JSON nesting deeper than ${MAX_DEPTH} levels in resource values`);
    if (typeof value === "string") {
      const v = this.evaluateString(value, scope);
      return this.toContextFree(v);
    }
    if (Array.isArray(value)) return value.map((v) => this.resolveValue(v, scope, depth + 1));
    if (value && typeof value === "object") return this.resolveBody(value as Json, scope, depth);
    return value;
  }

  /** A known value as is; an unknown one as a string that stands for it (registered, so it reads back the same). */
  private toContextFree(v: Value): unknown {
    if (v instanceof Unknown) {
      const text = renderUnknown(v);
      this.rendered.set(text, v);
      return text;
    }
    if (hasUnknown(v)) {
      const leaves = renderLeaves(v);
      const register = (x: Value) => {
        if (x instanceof Unknown) this.rendered.set(renderUnknown(x), x);
        else if (Array.isArray(x)) x.forEach(register);
        else if (x && typeof x === "object") Object.values(x).forEach(register);
      };
      register(v);
      return leaves;
    }
    return v;
  }

  /**
   * `"dynamic": {"LABEL": {"for_each": ..., "iterator": "it", "content": {...}}}`: one LABEL block per
   * element. An unknown for_each gives one block whose iterator-dependent parts are unknown; the
   * caller marks the block itself unknown (it may be absent or repeated).
   */
  private expandDynamic(label: string, specs: unknown, scope: Scope, depth: number): Json[] {
    const blocks: Json[] = [];
    for (const spec of asList(specs)) {
      if (!spec || typeof spec !== "object") continue;
      const s = spec as Json;
      const iteratorName = typeof s.iterator === "string" ? s.iterator : label;
      // A .tf file read into JSON form (src/load/hcl-body.ts) writes the content block as a one-element list, as every block.
      const first = asList(s.content)[0];
      const content = first && typeof first === "object" && !Array.isArray(first) ? (first as Json) : dict();
      const collection = this.evaluate(s.for_each, scope);
      const elements: { key: Value; value: Value }[] | null = collection instanceof Unknown
        ? null
        : Array.isArray(collection)
          ? collection.map((value, i) => ({ key: i, value }))
          : collection && typeof collection === "object"
            ? Object.entries(collection).map(([key, value]) => ({ key, value }))
            : null;
      const bind = (key: Value, value: Value): Scope => ({ ...scope, iterators: new Map([...(scope.iterators ?? []), [iteratorName, { key, value }]]) });
      if (elements === null) {
        const refs = collection instanceof Unknown ? collection.refs : [];
        const block = this.resolveBody(content, bind(new Unknown(refs), new Unknown(refs)), depth + 1);
        block[DYNAMIC_UNKNOWN] = true;
        this.marked = true;
        blocks.push(block);
      } else {
        for (const { key, value } of elements) blocks.push(this.resolveBody(content, bind(key, value), depth + 1));
      }
    }
    return blocks;
  }

  private draft(config: Config, key: string | number | null, scope: Scope, defaultTags: Map<string, Json>, instancesUnknown: boolean): DraftResource {
    const { mode, type, name, body, file } = config;
    this.file = file;
    const address = this.qualify(key === null ? config.address : instanceAddress(config.address, key));
    const resolved = this.resolveBody(body, scope);
    const raw = toBlockShape(resolved, blockPathsFor(mode, type));
    coerceBooleans(raw, mode, type);
    const scan = new TokenScan(file, this.rendered);
    const values = (scan.walk(raw, "", 0) as Json | undefined) ?? dict();
    if (this.marked) stripDynamicMarks(raw);
    this.marked = false;
    const providerKey = typeof body.provider === "string" ? body.provider.replace(/^\$\{(.*)\}$/, "$1") : type.split("_")[0]!;
    addTagsAll(values, mode, type, defaultTags.get(providerKey));
    const link = PROTECTIVE_LINKS[type];
    if (instancesUnknown && link && mode === "managed") {
      // Terraform may create none of these: the link they would make is not proof of protection.
      delete scan.refs[link];
      if (!scan.unknown.includes(link)) scan.unknown.push(link);
      delete values[link];
      const meta = config.body.count !== undefined ? "count" : "for_each";
      scan.reasons[link] = `${address} has a ${meta} that the JSON alone does not determine, so Terraform may create none`;
    }
    const meta = (body["//"] as { metadata?: { path?: unknown; stackTrace?: unknown } } | undefined)?.metadata;
    // cdktf app code, when the synth recorded where the construct was created; else this JSON block.
    const site = creationSite(meta?.stackTrace);
    return {
      address,
      type,
      name,
      module: this.prefix,
      mode,
      actions: ["create"],
      values,
      raw,
      unknown: scan.unknown,
      refs: scan.refs,
      ...(Object.keys(scan.reasons).length > 0 ? { unknown_reasons: scan.reasons } : {}),
      ...(Object.keys(scan.suffixes).length > 0 ? { visible_suffix: scan.suffixes } : {}),
      origin: { construct_path: typeof meta?.path === "string" ? meta.path : null, file: site?.file ?? file, line: site?.line ?? config.line },
    };
  }
}

/** Marks a block made by a dynamic block whose for_each is not known (it may be absent or repeated). */
const DYNAMIC_UNKNOWN = "\u0000dynamic-unknown";

function stripDynamicMarks(value: unknown): void {
  if (Array.isArray(value)) value.forEach(stripDynamicMarks);
  else if (value && typeof value === "object") {
    delete (value as Json)[DYNAMIC_UNKNOWN];
    Object.values(value).forEach(stripDynamicMarks);
  }
}

/**
 * Terraform's override merge for resource and data blocks: each argument of the override replaces the
 * base's; a nested block type in the override replaces every block of that type in the base (static or
 * dynamic); `lifecycle` merges argument by argument. Without the provider schema an argument and a
 * nested block type are both "a key", and both are replaced whole, which is the same result.
 */
function mergeOverride(base: Json, override: Json): Json {
  const out = dict();
  for (const [k, v] of Object.entries(base)) out[k] = v;
  for (const [k, v] of Object.entries(override)) {
    if (k === "lifecycle" && out.lifecycle && typeof out.lifecycle === "object" && v && typeof v === "object") {
      const merged = dict();
      for (const block of [...asList(out.lifecycle), ...asList(v)]) if (block && typeof block === "object") Object.assign(merged, block);
      out.lifecycle = merged;
    } else if (k === "dynamic" && v && typeof v === "object") {
      const dynamic = dict();
      const baseDynamic = out.dynamic && typeof out.dynamic === "object" ? (out.dynamic as Json) : {};
      for (const [label, spec] of Object.entries(baseDynamic)) if (!(label in (v as Json))) dynamic[label] = spec;
      for (const [label, spec] of Object.entries(v as Json)) {
        dynamic[label] = spec;
        delete out[label];
      }
      out.dynamic = dynamic;
    } else {
      out[k] = v;
      // A static block in the override replaces dynamic blocks of that type too.
      if (out.dynamic && typeof out.dynamic === "object" && k in (out.dynamic as Json)) {
        const dynamic = dict();
        for (const [label, spec] of Object.entries(out.dynamic as Json)) if (label !== k) dynamic[label] = spec;
        out.dynamic = dynamic;
      }
    }
    if (k === "count") delete out.for_each;
    if (k === "for_each") delete out.count;
  }
  return out;
}

/**
 * What a plan's `tags_all` would hold: the provider's known `default_tags` under the resource's own tags.
 * Only for resources that set `tags` or are App Runner resources (the ones the rules read), since the
 * provider schema that says which types are taggable is not in this input.
 */
function addTagsAll(values: Json, mode: "managed" | "data", type: string, defaults: Json | undefined): void {
  if (!defaults || mode !== "managed" || "tags_all" in values) return;
  const tags = values.tags;
  if (tags === undefined && !type.startsWith("aws_apprunner_")) return;
  values.tags_all = Object.assign(dict(), defaults, tags && typeof tags === "object" ? tags : {});
}

/** Known default tags per provider configuration ("aws", "aws.<alias>"), from cdktf's list form or the object form. */
function providerDefaultTags(sections: unknown[]): Map<string, Json> {
  const out = new Map<string, Json>();
  for (const section of sections) {
    for (const s of asList(section)) {
      if (!s || typeof s !== "object") continue;
      for (const [name, configs] of Object.entries(s as Json)) {
        for (const config of Array.isArray(configs) ? configs : [configs]) {
          if (!config || typeof config !== "object") continue;
          const c = config as Json;
          const tags = knownTags(c.default_tags);
          if (Object.keys(tags).length > 0) out.set(typeof c.alias === "string" ? `${name}.${c.alias}` : name, tags);
        }
      }
    }
  }
  return out;
}

/** The literal tags of `default_tags` blocks (one object, or cdktf's list of one). */
function knownTags(defaultTags: unknown): Json {
  const tags = dict();
  for (const block of Array.isArray(defaultTags) ? defaultTags : defaultTags ? [defaultTags] : []) {
    const t = block && typeof block === "object" ? (block as Json).tags : undefined;
    if (!t || typeof t !== "object") continue;
    for (const [k, v] of Object.entries(t as Json)) if (typeof v === "string" && !isExpression(v)) tags[k] = v;
  }
  return tags;
}

function asList(value: unknown): unknown[] {
  return Array.isArray(value) ? value : value === undefined || value === null ? [] : [value];
}

/**
 * `{"aws_x": {"name": {...}}}`, or the list-of-objects forms that *.tf.json also allows. A name given
 * twice (a list of bodies for one name) is Terraform's "Duplicate resource" error.
 */
function entries(section: unknown, file: string, key: string, lines: Map<string, number>): [string, string, Json, number | null][] {
  const out: [string, string, Json, number | null][] = [];
  const seen = new Set<string>();
  for (const s of asList(section)) {
    if (!s || typeof s !== "object") throw new InputError(file, `"${key}" must be an object of resource types`);
    for (const [type, byName] of Object.entries(s as Json)) {
      for (const named of asList(byName)) {
        if (!named || typeof named !== "object") throw new InputError(file, `"${key}.${type}" must be an object of named resources`);
        for (const [name, body] of Object.entries(named as Json)) {
          const bodies = asList(body);
          if (bodies.length !== 1 || seen.has(`${type}.${name}`)) {
            throw new InputError(file, `${key} "${type}" "${name}" is defined ${bodies.length === 0 ? "without a body" : "twice"}; Terraform rejects a duplicate ${key === "data" ? "data source" : "resource"}`);
          }
          seen.add(`${type}.${name}`);
          const b = bodies[0];
          if (!b || typeof b !== "object" || Array.isArray(b)) throw new InputError(file, `"${key}.${type}.${name}" must be an object`);
          out.push([type, name, b as Json, lines.get(`${key}.${type}.${name}`) ?? null]);
        }
      }
    }
  }
  return out;
}

const INTERPOLATION = /\$\{([^}]*)\}/g;
const REFERENCE = /(?<![\w.])(data\.)?([a-z][a-z0-9]*_[a-z0-9_]+)\.([A-Za-z_][A-Za-z0-9_-]*)/g;

/** Fallback for text the expression parser does not read (template directives, heredocs). */
function regexReferences(value: string): string[] {
  const found = new Set<string>();
  for (const m of value.matchAll(INTERPOLATION)) {
    for (const r of (m[1] ?? "").matchAll(REFERENCE)) {
      if (!looksLikeResourceType(r[2]!)) continue;
      found.add(`${r[1] ?? ""}${r[2]}.${r[3]}`);
    }
  }
  return [...found].sort();
}

/**
 * Resource addresses named inside the `${...}` parts of a string: `type.name`, `data.type.name`, and
 * `type.name[KEY]` when the reference picks one instance by a literal key.
 */
export function referencesIn(value: string): string[] {
  if (!value.includes("${")) return [];
  try {
    return syntacticReferences(parseTemplate(value));
  } catch (error) {
    if (!(error instanceof HclSyntaxError)) throw error;
    return regexReferences(value);
  }
}

/**
 * A string that is exactly one attribute of one resource instance (`${aws_x.y.arn}`,
 * `${aws_x.y["k"].arn}`), optionally followed by literal text (`${aws_s3_bucket.b.arn}/*`): the value
 * is not known before apply, but it names one specific resource. Returns that resource's address.
 */
export function specificResource(value: string): string | null {
  if (!value.startsWith("${")) return null;
  let parts;
  try {
    parts = parseTemplate(value);
  } catch {
    return null;
  }
  const [head, ...rest] = parts;
  if (!head || typeof head === "string" || head.kind !== "traversal" || !rest.every((p) => typeof p === "string")) return null;
  const resource = traversalResource(head);
  // An index by an expression (`aws_x.y[each.key]`) does not pick one instance that can be named here.
  if (!resource || head.steps.some((s) => "index" in s && s.index.kind !== "literal")) return null;
  return resource.attributes >= 1 && !resource.splat ? resource.address : null;
}

export function isExpression(value: unknown): boolean {
  return typeof value === "string" && value.includes("${");
}

class TokenScan {
  readonly unknown: string[] = [];
  readonly refs: Record<string, string[]> = dict();
  readonly reasons: Record<string, string> = dict();
  /** The literal text after the last `${...}` of an expression string (`${repo.url}@sha256:…` → `@sha256:…`). */
  readonly suffixes: Record<string, string> = dict();
  constructor(
    private readonly file: string,
    private readonly rendered: Map<string, Unknown>,
  ) {}

  walk(value: unknown, path: string, depth: number): unknown {
    if (depth > MAX_DEPTH) throw new InputError(this.file, `JSON nesting deeper than ${MAX_DEPTH} levels in resource values`);
    if (isExpression(value)) {
      this.mark(path, this.refsOf(value as string));
      const tail = (value as string).slice((value as string).lastIndexOf("}") + 1);
      if (tail.length > 0 && !tail.includes("${")) this.suffixes[path] = tail;
      return undefined;
    }
    if (Array.isArray(value)) {
      const scalars = value.every((v) => v === null || typeof v !== "object");
      if (scalars) {
        const expressions = value.filter(isExpression) as string[];
        if (expressions.length > 0) this.mark(path, expressions.flatMap((e) => this.refsOf(e)));
        return value.filter((v) => v !== null && !isExpression(v));
      }
      return value.map((v, i) => this.walk(v, `${path}.${i}`, depth + 1) ?? null).filter((v) => v !== null);
    }
    if (value && typeof value === "object") {
      if ((value as Json)[DYNAMIC_UNKNOWN] === true) {
        // A block from a dynamic block with an unknown for_each: it may not exist, or exist several times.
        this.unknown.push(path);
        this.reasons[path] = "it is set in a dynamic block whose for_each is not known before apply, so the block may be absent or repeated";
      }
      const out: Json = dict();
      for (const [k, v] of Object.entries(value)) {
        if (v === null || k === DYNAMIC_UNKNOWN) continue;
        const child = this.walk(v, path === "" ? k : `${path}.${k}`, depth + 1);
        if (child !== undefined) out[k] = child;
      }
      return out;
    }
    return value;
  }

  private refsOf(text: string): string[] {
    const known = this.rendered.get(text);
    if (known) return known.refs;
    return referencesIn(text);
  }

  private mark(path: string, references: string[]): void {
    this.unknown.push(path);
    if (references.length > 0) this.refs[path] = [...new Set([...(this.refs[path] ?? []), ...references])].sort();
  }
}

/**
 * Line of each `resource.TYPE.NAME` / `data.TYPE.NAME` in pretty-printed JSON (cdktf writes two-space
 * indentation). Minified files get no lines, which the report handles.
 */
function resourceLines(text: string): Map<string, number> {
  const lines = new Map<string, number>();
  let section: string | null = null;
  let type: string | null = null;
  const all = text.split("\n");
  for (let i = 0; i < all.length; i++) {
    const m = /^( *)"((?:[^"\\]|\\.)*)"\s*:\s*[{[]/.exec(all[i]!);
    if (!m) continue;
    const indent = m[1]!.length;
    if (indent === 2) {
      section = m[2] === "resource" || m[2] === "data" ? m[2] : null;
      type = null;
    } else if (indent === 4 && section) type = m[2]!;
    else if (indent === 6 && section && type) lines.set(`${section}.${type}.${m[2]}`, i + 1);
  }
  return lines;
}
