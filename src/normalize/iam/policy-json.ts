import { isExpression, referencesIn } from "../hcl-json.js";
import type { Statement } from "../model.js";
import { dict, nestsDeeperThan } from "../values.js";
import { toList, unreadable, type Json, type PolicyRead } from "./shared.js";

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

const MAX_POLICY_DEPTH = 64;

/** Parses a policy JSON string (any key order or whitespace), or says why it cannot. */
export function parsePolicyJson(text: string, via: string): PolicyRead {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return unreadable(`policy document is not valid JSON`);
  }
  if (!doc || typeof doc !== "object" || Array.isArray(doc)) return unreadable(`policy document is not a JSON object`);
  const duplicate = duplicateKey(text);
  if (duplicate !== null) {
    return unreadable(`policy document has the key ${JSON.stringify(duplicate)} twice in one object, so which value AWS reads is not certain`);
  }
  // Real documents nest about 6 levels; a hostile one must not overflow the value conversions below.
  if (nestsDeeperThan(doc, MAX_POLICY_DEPTH)) return unreadable(`policy document nests deeper than ${MAX_POLICY_DEPTH} levels`);
  return policyDocument(doc as Json, via);
}

/** The statements of a parsed policy document object. */
export function policyDocument(doc: Json, via: string): PolicyRead {
  const list = toList(doc.Statement);
  const statements: Statement[] = [];
  for (const [index, s] of list.entries()) {
    if (!s || typeof s !== "object" || Array.isArray(s)) return unreadable(`Statement ${index} is not an object`);
    statements.push(statementFromJson(s as Json, via, index));
  }
  return { statements };
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
