import { isExpression, referencesIn, specificResource } from "../hcl-json.js";
import type { Statement } from "../model.js";
import { dict } from "../values.js";
import { servicesCoveredBy } from "./resource-coverage.js";
import { NOTHING_SPECIFIC, toList, unreadable, type IsSpecific, type Json, type PolicyRead } from "./shared.js";

/**
 * One pass over a valid JSON text: the first key that appears twice in one object (or null), and
 * whether objects and arrays nest deeper than `maxDepth` (up to that key, the pass stops there). JSON.parse keeps the last value silently;
 * a policy that says `"Effect": "Deny"` then `"Effect": "Allow"` must not be read one way by us and
 * another way by AWS. Without a repeated key the text nests exactly as the parsed document does.
 */
export function scanPolicyText(text: string, maxDepth: number): { duplicate: string | null; tooDeep: boolean } {
  const objects: (Set<string> | null)[] = [];
  let tooDeep = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x7b || c === 0x5b) {
      objects.push(c === 0x7b ? new Set() : null);
      if (objects.length > maxDepth) tooDeep = true;
    } else if (c === 0x7d || c === 0x5d) objects.pop();
    else if (c === 0x22) {
      const start = i;
      let escaped = false;
      for (i++; i < text.length; i++) {
        const d = text.charCodeAt(i);
        if (d === 0x22) break;
        if (d === 0x5c) {
          escaped = true;
          i++;
        }
      }
      const keys = objects[objects.length - 1];
      if (!keys) continue;
      let next = i + 1;
      while (next < text.length && isJsonSpace(text.charCodeAt(next))) next++;
      if (text.charCodeAt(next) !== 0x3a) continue;
      const key = escaped ? (JSON.parse(text.slice(start, i + 1)) as string) : text.slice(start + 1, i);
      if (keys.has(key)) return { duplicate: key, tooDeep };
      keys.add(key);
    }
  }
  return { duplicate: null, tooDeep };
}

function isJsonSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

const MAX_POLICY_DEPTH = 64;

/** Parses a policy JSON string (any key order or whitespace), or says why it cannot. */
export function parsePolicyJson(text: string, via: string, isSpecific: IsSpecific = NOTHING_SPECIFIC): PolicyRead {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return unreadable(`policy document is not valid JSON`);
  }
  if (!doc || typeof doc !== "object" || Array.isArray(doc)) return unreadable(`policy document is not a JSON object`);
  // Real documents nest about 6 levels; a hostile one must not overflow the value conversions below.
  const { duplicate, tooDeep } = scanPolicyText(text, MAX_POLICY_DEPTH);
  if (duplicate !== null) {
    return unreadable(`policy document has the key ${JSON.stringify(duplicate)} twice in one object, so which value AWS reads is not certain`);
  }
  if (tooDeep) return unreadable(`policy document nests deeper than ${MAX_POLICY_DEPTH} levels`);
  return policyDocument(doc as Json, via, isSpecific);
}

/** The statements of a parsed policy document object. */
export function policyDocument(doc: Json, via: string, isSpecific: IsSpecific = NOTHING_SPECIFIC): PolicyRead {
  const list = toList(doc.Statement);
  const statements: Statement[] = [];
  for (const [index, s] of list.entries()) {
    if (!s || typeof s !== "object" || Array.isArray(s)) return unreadable(`Statement ${index} is not an object`);
    statements.push(statementFromJson(s as Json, via, index, isSpecific));
  }
  return { statements };
}

function statementFromJson(s: Json, via: string, index: number, isSpecific: IsSpecific): Statement {
  const unknown: string[] = [];
  // A field is unknown when some value is an expression; for Resource / NotResource, only when the
  // expression does not name a specific resource of the input (`${aws_s3_bucket.x.arn}` is known to be
  // that bucket, `${var.arn}` or a data source read at apply could be "*").
  const strings = (value: unknown, field: string, lower = false, specificRefsOk = false): string[] => {
    const list = toList(value).map((v) => (typeof v === "string" ? v : JSON.stringify(v)));
    const known = list.filter((v) => !isExpression(v));
    const opaque = specificRefsOk ? list.filter((v) => isExpression(v) && !namesSpecific(v, isSpecific)) : list.filter(isExpression);
    if (opaque.length > 0) unknown.push(field);
    return lower ? known.map((v) => v.toLowerCase()) : known;
  };
  const resourceValues = [s.Resource, s.NotResource].flatMap(toList);
  const effect = typeof s.Effect === "string" ? s.Effect : "";
  if (isExpression(s.Effect)) unknown.push("effect");
  const conditions = conditionsFromJson(s.Condition);
  if (conditions.some((c) => isExpression(c.test) || isExpression(c.variable) || c.values.some(isExpression))) unknown.push("conditions");
  const principals = principalsFromJson(s.Principal);
  const notPrincipals = principalsFromJson(s.NotPrincipal);
  if ([principals, notPrincipals].some((p) => Object.entries(p).some(([k, ids]) => isExpression(k) || ids.some(isExpression)))) unknown.push("principals");
  const resources = strings(s.Resource, "resources", false, true);
  return {
    sid: typeof s.Sid === "string" ? s.Sid : "",
    effect: isExpression(effect) ? "" : effect,
    actions: strings(s.Action, "actions", true),
    not_actions: strings(s.NotAction, "not_actions", true),
    resources,
    not_resources: strings(s.NotResource, "not_resources", false, true),
    resource_refs: [...new Set((resourceValues.filter(isExpression) as string[]).flatMap(referencesIn))].sort(),
    principals,
    not_principals: notPrincipals,
    conditions,
    unknown,
    via,
    index,
    ...coverage(resources),
  };
}

/**
 * The expression is one attribute of one resource of the input, optionally followed by literal text
 * (`${aws_s3_bucket.x.arn}`, `${aws_s3_bucket.x.arn}/*`). A conditional, a function or several
 * references (`${var.on ? aws_x.a.arn : "*"}`, `${coalesce(a.arn, b.arn)}`) could be anything.
 */
export function namesSpecific(value: string, isSpecific: IsSpecific): boolean {
  const address = specificResource(value);
  return address !== null && isSpecific(address);
}

/** `any_resource_services`: services whose whole resource space some Resource pattern covers (only when there is one). */
export function coverage(resources: string[]): { any_resource_services?: string[] } {
  let services: Set<string> | undefined;
  for (const r of resources) {
    if (!r.includes("*") && !r.includes("?")) continue;
    for (const s of servicesCoveredBy(r)) (services ??= new Set()).add(s);
  }
  return services ? { any_resource_services: [...services].sort() } : NO_COVERAGE;
}

const NO_COVERAGE: { any_resource_services?: string[] } = Object.freeze({});

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
