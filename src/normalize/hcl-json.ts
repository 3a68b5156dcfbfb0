import { InputError } from "../errors.js";
import { looksLikeResourceType } from "./address.js";
import { blockPathsFor, coerceBooleans, toBlockShape } from "./blocks.js";
import type { InputPart } from "../load/types.js";
import type { DraftResource } from "./model.js";
import { MAX_DEPTH, dict } from "./values.js";

type Json = Record<string, unknown>;

const META_ARGUMENTS = new Set(["//", "count", "for_each", "depends_on", "provider", "lifecycle", "provisioner", "connection"]);

/**
 * Reads a cdktf-synthesized stack or a plain *.tf.json. Values that are `${...}` expressions are not
 * known before apply: they leave `values`, their path goes to `unknown` and what they reference to `refs`.
 */
export function readTerraformJson(parts: InputPart[]): DraftResource[] {
  const defaultTags = providerDefaultTags(parts.map((p) => p.document.provider));
  const drafts: DraftResource[] = [];
  for (const part of parts) drafts.push(...readPart(part, defaultTags));
  // References to resources that are not in this input (modules, other stacks) cannot be followed.
  const known = new Set(drafts.map((d) => d.address));
  for (const d of drafts) {
    for (const [path, targets] of Object.entries(d.refs)) {
      const kept = targets.filter((t) => known.has(t) && t !== d.address);
      if (kept.length > 0) d.refs[path] = kept;
      else delete d.refs[path];
    }
  }
  return drafts;
}

function readPart({ path: file, document, text }: InputPart, defaultTags: Map<string, Json>): DraftResource[] {
  const lines = resourceLines(text);
  const drafts: DraftResource[] = [];
  for (const [mode, key] of [["managed", "resource"], ["data", "data"]] as const) {
    for (const [type, name, body] of entries(document[key], file, key)) {
      const address = mode === "data" ? `data.${type}.${name}` : `${type}.${name}`;
      const attributes: Json = dict();
      for (const [k, v] of Object.entries(body)) if (!META_ARGUMENTS.has(k) && v !== null) attributes[k] = v;
      const raw = toBlockShape(attributes, blockPathsFor(mode, type));
      coerceBooleans(raw, mode, type);
      const scan = new TokenScan(file);
      const values = (scan.walk(raw, "", 0) as Json | undefined) ?? dict();
      const providerKey = typeof body.provider === "string" ? body.provider.replace(/^\$\{(.*)\}$/, "$1") : type.split("_")[0]!;
      addTagsAll(values, mode, type, defaultTags.get(providerKey));
      const meta = (body["//"] as { metadata?: { path?: unknown } } | undefined)?.metadata;
      drafts.push({
        address,
        type,
        name,
        module: "",
        mode,
        actions: ["create"],
        values,
        raw,
        unknown: scan.unknown,
        refs: scan.refs,
        ...(Object.keys(scan.suffixes).length > 0 ? { visible_suffix: scan.suffixes } : {}),
        origin: {
          construct_path: typeof meta?.path === "string" ? meta.path : null,
          file,
          line: lines.get(`${key}.${type}.${name}`) ?? null,
        },
      });
    }
  }
  return drafts;
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
    if (!section || typeof section !== "object") continue;
    for (const [name, configs] of Object.entries(section as Json)) {
      for (const config of Array.isArray(configs) ? configs : [configs]) {
        if (!config || typeof config !== "object") continue;
        const c = config as Json;
        const tags = knownTags(c.default_tags);
        if (Object.keys(tags).length > 0) out.set(typeof c.alias === "string" ? `${name}.${c.alias}` : name, tags);
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

/** `{"aws_x": {"name": {...}}}`, or the list-of-objects form that *.tf.json also allows. */
function entries(section: unknown, file: string, key: string): [string, string, Json][] {
  const out: [string, string, Json][] = [];
  const sections = Array.isArray(section) ? section : section ? [section] : [];
  for (const s of sections) {
    if (!s || typeof s !== "object") throw new InputError(file, `"${key}" must be an object of resource types`);
    for (const [type, byName] of Object.entries(s as Json)) {
      const namedList = Array.isArray(byName) ? byName : [byName];
      for (const named of namedList) {
        if (!named || typeof named !== "object") throw new InputError(file, `"${key}.${type}" must be an object of named resources`);
        for (const [name, body] of Object.entries(named as Json)) {
          const bodies = Array.isArray(body) ? body : [body];
          // A loop, not Object.assign({}, ...bodies): no argument-count limit, and "__proto__" stays a key.
          const merged: Json = dict();
          for (const b of bodies) if (b && typeof b === "object") for (const [k, v] of Object.entries(b as Json)) merged[k] = v;
          out.push([type, name, merged]);
        }
      }
    }
  }
  return out;
}

const INTERPOLATION = /\$\{([^}]*)\}/g;
const REFERENCE = /(?<![\w.])(data\.)?([a-z][a-z0-9]*_[a-z0-9_]+)\.([A-Za-z_][A-Za-z0-9_-]*)/g;

/** Resource addresses named inside the `${...}` parts of a string. */
export function referencesIn(value: string): string[] {
  const found = new Set<string>();
  for (const m of value.matchAll(INTERPOLATION)) {
    for (const r of (m[1] ?? "").matchAll(REFERENCE)) {
      if (!looksLikeResourceType(r[2]!)) continue;
      found.add(`${r[1] ?? ""}${r[2]}.${r[3]}`);
    }
  }
  return [...found].sort();
}

export function isExpression(value: unknown): boolean {
  return typeof value === "string" && value.includes("${");
}

class TokenScan {
  readonly unknown: string[] = [];
  readonly refs: Record<string, string[]> = dict();
  /** The literal text after the last `${...}` of an expression string (`${repo.url}@sha256:…` → `@sha256:…`). */
  readonly suffixes: Record<string, string> = dict();
  constructor(private readonly file: string) {}

  walk(value: unknown, path: string, depth: number): unknown {
    if (depth > MAX_DEPTH) throw new InputError(this.file, `JSON nesting deeper than ${MAX_DEPTH} levels in resource values`);
    if (isExpression(value)) {
      this.mark(path, referencesIn(value as string));
      const tail = (value as string).slice((value as string).lastIndexOf("}") + 1);
      if (tail.length > 0 && !tail.includes("${")) this.suffixes[path] = tail;
      return undefined;
    }
    if (Array.isArray(value)) {
      const scalars = value.every((v) => v === null || typeof v !== "object");
      if (scalars) {
        const expressions = value.filter(isExpression);
        if (expressions.length > 0) this.mark(path, (expressions as string[]).flatMap(referencesIn));
        return value.filter((v) => v !== null && !isExpression(v));
      }
      return value.map((v, i) => this.walk(v, `${path}.${i}`, depth + 1) ?? null).filter((v) => v !== null);
    }
    if (value && typeof value === "object") {
      const out: Json = dict();
      for (const [k, v] of Object.entries(value)) {
        if (v === null) continue;
        const child = this.walk(v, path === "" ? k : `${path}.${k}`, depth + 1);
        if (child !== undefined) out[k] = child;
      }
      return out;
    }
    return value;
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
