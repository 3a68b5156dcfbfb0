import { writesMoreThanAReference } from "../load/hcl-body.js";
import type { SourceTree } from "../load/types.js";
import { InputError } from "../errors.js";
import { compare } from "../order.js";
import { isObject, type Json } from "../json.js";
import { isExpression, linkReferences, readConfigurationResources } from "./hcl-json.js";
import type { Value } from "./hcl-expr.js";
import type { DraftResource, SourceValues } from "./model.js";
import { splitAddress } from "./address.js";
import { configAddress } from "./source-origin.js";

/**
 * Where a plan does not know a value, the .tf source may still show its structure: a policy built with
 * `jsonencode({...})` over the ARN of a queue the same plan creates is wholly unknown in the plan, but
 * its actions are literal and its Resource is that one queue. This reads the source the way the
 * *.tf.json reader reads a configuration (what depends on apply stays unknown, a reference to one
 * attribute of one resource is "that resource") and grafts its view into the plan's draft, only:
 *
 * - at a path the plan marks unknown (the plan's known values are never replaced);
 * - for a resource instance the source reader also produced under the same address (instance keys
 *   included; a module called with count / for_each is read once per instance the plan shows);
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
  // Reading the source costs time in proportion to what is read: only resources with an unknown
  // value that the source writes as more than one reference are read (a jsonencode, a map literal).
  const wanted = new Map<DraftResource, string[]>();
  for (const d of drafts) {
    if (d.unknown.length === 0) continue;
    const block = source.blocks[configAddress(d.address)];
    if (!block) continue;
    // The scanner's note of which arguments write more than a reference spares building the body of every other block.
    const rich = block.rich;
    if (rich && !d.unknown.some((p) => rich.includes(p.split(".", 1)[0]!))) continue;
    const paths = outermostUnknown(d.unknown).filter((path) => {
      // tags_all is the reader's own merge of provider default_tags, not a value the source writes.
      if (d.unknown_reasons?.[path] !== undefined || path === "tags_all" || path.startsWith("tags_all.")) return false;
      return showsMore(getAt(block.body, path));
    });
    if (paths.length > 0) wanted.set(d, paths);
  }
  if (wanted.size === 0) return stats;
  const bySource = sourceDrafts(source, plan, new Set([...wanted.keys()].map((d) => configAddress(d.address))), moduleInstancesOf(drafts));
  if (bySource === null) return stats;
  linkReferences([...bySource.values()], drafts);
  for (const [d, paths] of wanted) {
    const s = bySource.get(d.address);
    if (!s || s.mode !== d.mode || s.type !== d.type) continue;
    if (!topLevelAgrees(d, s)) {
      stats.disagreed.push(d.address);
      continue;
    }
    for (const path of paths) if (graft(d, s, path)) stats.read.push(`${d.address} ${path}`);
  }
  return stats;
}

/**
 * A value (Terraform JSON form: blocks are lists of bodies) that the source can tell more about than
 * the plan's "unknown, references X": anything but a literal, one bare reference or a list of them.
 */
function showsMore(value: unknown): boolean {
  if (typeof value === "string") {
    if (!isExpression(value)) return false;
    const inner = /^\$\{([^]*)\}$/.exec(value.trim())?.[1];
    // A template with text around its interpolations (`${aws_s3_bucket.b.arn}/*`) shows that text.
    return inner === undefined || writesMoreThanAReference(inner);
  }
  if (Array.isArray(value)) return value.some(showsMore) || value.some((v) => v !== null && typeof v === "object");
  return value !== null && typeof value === "object";
}

/**
 * The instance keys the plan shows for each module call with count / for_each, by the call's address
 * with its parents' keys: `module.svc["a"].aws_x.y` gives "a" for `module.svc`.
 */
function moduleInstancesOf(drafts: DraftResource[]): (call: string) => (string | number)[] | undefined {
  const keys = new Map<string, Map<string, string | number>>();
  for (const d of drafts) {
    const parts = splitAddress(d.address);
    let prefix = "";
    for (let i = 0; parts[i] === "module" && i + 1 < parts.length; i += 2) {
      const segment = parts[i + 1]!;
      const open = segment.indexOf("[");
      if (open > 0) {
        const call = `${prefix}module.${segment.slice(0, open)}`;
        const key = segment.slice(open + 1, -1);
        const parsed: string | number = key.startsWith('"') ? (JSON.parse(key) as string) : Number(key);
        const seen = keys.get(call) ?? keys.set(call, new Map()).get(call)!;
        seen.set(JSON.stringify(parsed), parsed);
      }
      prefix += `module.${segment}.`;
    }
  }
  return (call) => {
    const found = keys.get(call);
    return found ? [...found.values()] : undefined;
  };
}

/** The wanted resources of the source read as a configuration, by address; null when the reader refuses it (then it only places findings). */
function sourceDrafts(source: SourceTree, plan: Json, only: ReadonlySet<string>, moduleInstances: (call: string) => (string | number)[] | undefined): Map<string, DraftResource> | null {
  const variables = new Map<string, Value>();
  if (isObject(plan.variables)) {
    for (const [name, v] of Object.entries(plan.variables)) if (isObject(v) && v.value !== undefined) variables.set(name, v.value as Value);
  }
  try {
    return new Map(readConfigurationResources(source.parts, source.modules, only, variables, moduleInstances).map((d) => [d.address, d]));
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
