import { InputError } from "../errors.js";
import { configAddress, looksLikeResourceType, modulePrefix, splitAddress } from "./address.js";
import { blockPathsFor, toBlockShape } from "./blocks.js";
import type { DraftResource } from "./model.js";
import { MAX_DEPTH, dict, dropNulls, unknownPaths } from "./values.js";

type Json = Record<string, unknown>;

interface ConfigResource {
  scope: string;
  /** Dotted attribute path → raw reference strings, for every attribute the configuration sets. */
  references: Map<string, string[]>;
  /** Every prefix of every configured path, so "is this path (or something under it) set?" is one lookup. */
  configured: Set<string>;
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
export function readPlan(plan: Json, file: string, text: string): DraftResource[] {
  const configs = new Map<string, ConfigResource>();
  const scopes = new Map<string, ModuleScope>();
  const configuration = plan.configuration as Json | undefined;
  if (configuration && typeof configuration === "object") {
    indexModule(configuration.root_module as Json | undefined, "", null, configs, scopes, file);
  }

  const lines = addressLines(text);
  const drafts = new Map<string, DraftResource>();

  for (const change of asArray(plan.resource_changes)) {
    if (!change || typeof change !== "object") continue;
    const rc = change as Json;
    if (typeof rc.address !== "string" || rc.address === "" || rc.deposed !== undefined) continue;
    const body = (rc.change ?? {}) as Json;
    const actions = asArray(body.actions).map(String);
    if (actions.length === 1 && (actions[0] === "delete" || actions[0] === "forget")) continue;
    const after = isObject(body.after) ? body.after : {};
    drafts.set(rc.address, draft(rc, after, body.after_unknown, actions, configs, file, lines));
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
  // Data sources that were read while planning live only in prior_state.
  const prior = (plan.prior_state as Json | undefined)?.values as Json | undefined;
  walkModules(prior?.root_module as Json | undefined, (res) => {
    if (res.mode !== "data" || typeof res.address !== "string" || res.address === "" || drafts.has(res.address)) return;
    const values = isObject(res.values) ? res.values : {};
    drafts.set(res.address, draft(res, values, undefined, ["read"], configs, file, lines));
  });

  const byConfig = new Map<string, string[]>();
  for (const address of drafts.keys()) {
    const key = configAddress(address);
    const list = byConfig.get(key);
    if (list) list.push(address);
    else byConfig.set(key, [address]);
  }
  const resolver = new ReferenceResolver(scopes, byConfig);
  for (const d of drafts.values()) {
    const config = configs.get(configAddress(d.address));
    if (!config) continue;
    for (const [path, references] of config.references) {
      const targets = resolver.resolve(references, config.scope, modulePrefix(d.address));
      targets.delete(d.address);
      if (targets.size > 0) d.refs[path] = [...targets].sort();
    }
  }
  return [...drafts.values()];
}

function draft(
  res: Json,
  rawValues: Json,
  afterUnknown: unknown,
  actions: string[],
  configs: Map<string, ConfigResource>,
  file: string,
  lines: Map<string, number>,
): DraftResource {
  const address = res.address as string;
  const mode = res.mode === "data" ? "data" : "managed";
  const type = String(res.type ?? "");
  const values = toBlockShape(dropNulls(rawValues, file) as Json, blockPathsFor(mode, type));
  const config = configs.get(configAddress(address));
  let unknown = unknownPaths(afterUnknown, file);
  if (config) {
    // Unknown because the provider computes a default the user did not set: not a rule's concern.
    unknown = unknown.filter((path) => isConfigured(config, path));
  }
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
    origin: { construct_path: null, file, line: lines.get(address) ?? null },
  };
}

function isConfigured(config: ConfigResource, path: string): boolean {
  if (config.configured.has(path)) return true;
  const parts = path.split(".");
  for (let i = parts.length - 1; i > 0; i--) {
    if (config.references.has(parts.slice(0, i).join("."))) return true;
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
    collectExpressions((r.expressions ?? {}) as Json, "", references, 0, file);
    const configured = new Set<string>();
    for (const path of references.keys()) {
      const parts = path.split(".");
      for (let i = 1; i <= parts.length; i++) configured.add(parts.slice(0, i).join("."));
    }
    configs.set(scope === "" ? r.address : `${scope}.${r.address}`, { scope, references, configured });
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
function collectExpressions(expressions: Json, prefix: string, out: Map<string, string[]>, depth: number, file: string): void {
  if (depth > MAX_DEPTH) throw new InputError(file, `configuration nesting deeper than ${MAX_DEPTH} levels`);
  for (const [key, value] of Object.entries(expressions)) {
    const path = prefix === "" ? key : `${prefix}.${key}`;
    if (Array.isArray(value)) {
      value.forEach((block, i) => {
        if (block && typeof block === "object") collectExpressions(block as Json, `${path}.${i}`, out, depth + 1, file);
      });
    } else if (value && typeof value === "object") {
      out.set(path, asArray((value as Json).references).map(String));
    }
  }
}

class ReferenceResolver {
  constructor(
    private readonly scopes: Map<string, ModuleScope>,
    private readonly byConfig: Map<string, string[]>,
  ) {}

  /** Resolves raw reference strings seen in `scope` to resource addresses, following module inputs and outputs. */
  resolve(references: string[], scope: string, moduleInstance: string): Set<string> {
    const out = new Set<string>();
    for (const reference of references) this.resolveOne(reference, scope, moduleInstance, out, 0);
    return out;
  }

  private resolveOne(reference: string, scope: string, moduleInstance: string, out: Set<string>, depth: number): void {
    if (depth > 16) return;
    const parts = splitAddress(reference).map((p) => p.replace(/\[.*$/, ""));
    const head = parts[0];
    const qualify = (local: string) => (scope === "" ? local : `${scope}.${local}`);
    if (head === "var" && parts[1]) {
      const moduleScope = this.scopes.get(scope);
      const parentScope = moduleScope?.parent;
      const argument = moduleScope?.variables.get(parts[1]);
      if (parentScope === null || parentScope === undefined || !argument) return;
      for (const r of argument) this.resolveOne(r, parentScope, parentInstance(moduleInstance), out, depth + 1);
    } else if (head === "module" && parts[1] && parts[2]) {
      const child = qualify(`module.${parts[1]}`);
      const output = this.scopes.get(child)?.outputs.get(parts[2]);
      for (const r of output ?? []) this.resolveOne(r, child, `${moduleInstance ? moduleInstance + "." : ""}module.${parts[1]}`, out, depth + 1);
    } else if (head === "data" && parts[1] && parts[2]) {
      this.addTargets(qualify(`data.${parts[1]}.${parts[2]}`), moduleInstance, out);
    } else if (head && parts[1] && looksLikeResourceType(head)) {
      this.addTargets(qualify(`${head}.${parts[1]}`), moduleInstance, out);
    }
  }

  private addTargets(configKey: string, moduleInstance: string, out: Set<string>): void {
    const candidates = this.byConfig.get(configKey);
    if (!candidates) return;
    // With counted modules, prefer the instance in the same module instance as the referrer.
    const same = moduleInstance === "" ? candidates : candidates.filter((a) => a.startsWith(moduleInstance + "."));
    for (const address of same.length > 0 ? same : candidates) out.add(address);
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

function isObject(value: unknown): value is Json {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/**
 * Line of the first `"address": "<addr>"` per resource: one regex pass over the text. Terraform prints
 * plans on one line, so the newline search must only ever move forward (searching from each match
 * to the end of a one-line file made this quadratic).
 */
function addressLines(text: string): Map<string, number> {
  const lines = new Map<string, number>();
  const pattern = /"address"\s*:\s*"((?:[^"\\]|\\.)*)"/g;
  let line = 1;
  let nextNewline = text.indexOf("\n");
  for (let m = pattern.exec(text); m; m = pattern.exec(text)) {
    while (nextNewline !== -1 && nextNewline < m.index) {
      line++;
      nextNewline = text.indexOf("\n", nextNewline + 1);
    }
    const address = JSON.parse(`"${m[1]}"`) as string;
    if (!lines.has(address)) lines.set(address, line);
  }
  return lines;
}
