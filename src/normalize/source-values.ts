import type { SourceTree } from "../load/types.js";
import { InputError } from "../errors.js";
import { compare } from "../order.js";
import { isObject, type Json } from "../json.js";
import { readTerraformJsonModule } from "./hcl-json.js";
import type { Value } from "./hcl-expr.js";
import type { DraftResource, SourceValues } from "./model.js";

/**
 * Where a plan does not know a value, the .tf source may still show its structure: a policy built with
 * `jsonencode({...})` over the ARN of a queue the same plan creates is wholly unknown in the plan, but
 * its actions are literal and its Resource is that one queue. This reads the source the way the
 * *.tf.json reader reads a configuration (what depends on apply stays unknown, a reference to one
 * attribute of one resource is "that resource") and grafts its view into the plan's draft, only:
 *
 * - at a path the plan marks unknown (the plan's known values are never replaced);
 * - for a resource instance the source reader also produced under the same address (instance keys
 *   included: modules called with count / for_each are not expanded by the reader, so their resources
 *   keep the plan's view);
 * - when the source agrees with the plan: every top-level value known in both is equal, and the
 *   resources the grafted subtree references are exactly those the plan's configuration says the
 *   expression references. A source edited since the plan was made, or the wrong folder, is ignored
 *   resource by resource.
 *
 * Terraform requires a configured argument's planned value to equal the configuration's value, so a
 * value read from the expression is the value apply will use, once its unknown parts are known.
 */
export function graftSourceValues(drafts: DraftResource[], source: SourceTree, plan: Json): SourceValues {
  const stats: SourceValues = { read: [], disagreed: [] };
  if (!drafts.some((d) => d.unknown.length > 0)) return stats;
  const bySource = sourceDrafts(source, plan);
  if (bySource === null) return stats;
  for (const d of drafts) {
    if (d.unknown.length === 0) continue;
    const s = bySource.get(d.address);
    if (!s || s.mode !== d.mode || s.type !== d.type) continue;
    if (!topLevelAgrees(d, s)) {
      stats.disagreed.push(d.address);
      continue;
    }
    for (const path of outermostUnknown(d.unknown)) {
      // tags_all is the reader's own merge of provider default_tags, not a value the source writes.
      if (d.unknown_reasons?.[path] !== undefined || path === "tags_all" || path.startsWith("tags_all.")) continue;
      if (graft(d, s, path)) stats.read.push(`${d.address} ${path}`);
    }
  }
  return stats;
}

/** The source read as a configuration, by address; null when the reader refuses it (it is then only used for lines). */
function sourceDrafts(source: SourceTree, plan: Json): Map<string, DraftResource> | null {
  const variables = new Map<string, Value>();
  if (isObject(plan.variables)) {
    for (const [name, v] of Object.entries(plan.variables)) if (isObject(v) && v.value !== undefined) variables.set(name, v.value as Value);
  }
  try {
    const { drafts } = readTerraformJsonModule(source.parts, source.modules, variables);
    return new Map(drafts.map((d) => [d.address, d]));
  } catch (error) {
    // The plan was made from a configuration Terraform accepted; one our reader rejects is not used for values.
    if (error instanceof InputError) return null;
    throw error;
  }
}

/** Scalars known on both sides must be equal: `name = "jobs"` in the source and "jobs-v2" in the plan are two configurations. */
function topLevelAgrees(plan: DraftResource, source: DraftResource): boolean {
  for (const [key, value] of Object.entries(source.values)) {
    if (value === null || typeof value === "object") continue;
    const known = plan.values[key];
    if (known === undefined || known === null || typeof known === "object") continue;
    if (String(known) !== String(value)) return false;
  }
  return true;
}

/** Unknown paths with no unknown ancestor: a graft covers everything under it. */
function outermostUnknown(unknown: string[]): string[] {
  const sorted = [...new Set(unknown)].sort(compare);
  const out: string[] = [];
  for (const path of sorted) if (!out.some((p) => path.startsWith(p + "."))) out.push(path);
  return out;
}

const under = (path: string) => (p: string) => p === path || p.startsWith(path + ".");

function graft(plan: DraftResource, source: DraftResource, path: string): boolean {
  const inSource = under(path);
  const raw = getAt(source.raw, path);
  if (raw === undefined) return false;
  const sourceUnknown = source.unknown.filter(inSource);
  // Known in the source but unknown in the plan: the reader and Terraform disagree, and Terraform wins.
  if (sourceUnknown.length === 0) return false;
  const pathStaysUnknown = sourceUnknown.includes(path);
  // Nothing gained when the source also has the whole value unknown, unless it is text with known parts
  // (a jsonencode document with references in it, `${aws_s3_bucket.b.arn}/*`).
  if (pathStaysUnknown && !(typeof raw === "string" && !isWholeReference(raw))) return false;
  const sourceRefs = new Set(Object.entries(source.refs).filter(([p]) => inSource(p)).flatMap(([, targets]) => targets));
  const planRefs = new Set(Object.entries(plan.refs).filter(([p]) => inSource(p)).flatMap(([, targets]) => targets));
  if (sourceRefs.size !== planRefs.size || [...sourceRefs].some((r) => !planRefs.has(r))) return false;

  if (plan.raw === plan.values) plan.raw = { ...plan.values };
  plan.raw = setAt(plan.raw, path, raw) as Record<string, unknown>;
  // The known part of a map or block whose other parts stay unknown (a map's literal keys); a value that
  // stays wholly unknown has no known part, and `values` must not show an empty stand-in for it.
  const known = getAt(source.values, path);
  if (!pathStaysUnknown && known !== undefined) plan.values = setAt(plan.values, path, known) as Record<string, unknown>;
  plan.unknown = [...plan.unknown.filter((p) => !inSource(p)), ...sourceUnknown];
  for (const p of Object.keys(plan.refs)) if (inSource(p)) delete plan.refs[p];
  for (const [p, targets] of Object.entries(source.refs)) if (inSource(p)) plan.refs[p] = [...targets];
  for (const [p, suffix] of Object.entries(source.visible_suffix ?? {})) if (inSource(p)) (plan.visible_suffix ??= {})[p] = suffix;
  return true;
}

function isWholeReference(value: string): boolean {
  return /^\$\{[^}]*\}$/.test(value.trim());
}

function getAt(root: unknown, path: string): unknown {
  let at = root;
  for (const key of path.split(".")) {
    if (Array.isArray(at)) at = /^\d+$/.test(key) ? at[Number(key)] : undefined;
    else if (at && typeof at === "object") at = Object.hasOwn(at, key) ? (at as Record<string, unknown>)[key] : undefined;
    else return undefined;
    if (at === undefined) return undefined;
  }
  return at;
}

/** A copy of root with value at path; containers along the path are copied, so other holders of root are not changed. */
function setAt(root: unknown, path: string, value: unknown): unknown {
  const [key, ...rest] = path.split(".");
  const child = rest.length === 0 ? value : setAt(getAt(root, key!) ?? (/^\d+$/.test(rest[0]!) ? [] : {}), rest.join("."), value);
  if (Array.isArray(root) && /^\d+$/.test(key!)) {
    const copy = [...root];
    copy[Number(key)] = child;
    return copy;
  }
  const copy: Record<string, unknown> = Object.assign(Object.create(null) as Record<string, unknown>, isObject(root) ? root : {});
  copy[key!] = child;
  return copy;
}
