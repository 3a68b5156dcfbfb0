import { isExpression, referencesIn } from "../hcl-json.js";
import type { DraftResource, Statement } from "../model.js";
import { dict } from "../values.js";
import { coverage, namesSpecific, parsePolicyJson } from "./policy-json.js";
import { append, refsAt, text, toList, unknownAt, type IsSpecific, type Json, type PolicyRead } from "./shared.js";

/**
 * data.aws_iam_policy_document whose json is not known: its source/override documents, then its
 * statement blocks. `documentOf` reads a referenced policy document (with the caller's cache and depth).
 */
export function documentFromBlocks(res: DraftResource, documentOf: (address: string) => PolicyRead | null, isSpecific: IsSpecific): PolicyRead {
  const statements: Statement[] = [];
  for (const attribute of ["source_policy_documents", "override_policy_documents", "source_json", "override_json"]) {
    for (const item of toList(res.raw[attribute])) {
      if (typeof item === "string" && !isExpression(item)) {
        const parsed = parsePolicyJson(item, res.address, isSpecific);
        if ("unreadable" in parsed) return parsed;
        append(statements, parsed.statements);
      }
    }
    for (const ref of refsAt(res, attribute)) {
      const doc = documentOf(ref);
      if (doc === null) continue;
      if ("unreadable" in doc) return doc;
      append(statements, doc.statements);
    }
    if (unknownAt(res, attribute) && refsAt(res, attribute).length === 0) {
      return { unreadable: `${attribute} of ${res.address} is unknown until apply` };
    }
  }
  const blocks = Array.isArray(res.raw.statement) ? res.raw.statement : [];
  blocks.forEach((block, index) => {
    if (block && typeof block === "object") statements.push(statementFromBlock(block as Json, res, index, isSpecific));
  });
  return { statements };
}

function statementFromBlock(block: Json, res: DraftResource, index: number, isSpecific: IsSpecific): Statement {
  const path = `statement.${index}`;
  const unknown: string[] = [];
  // Resource lists: a value unknown until apply that is a reference to a resource of the input names that
  // resource (its ARN is not known yet); anything else unknown could be "*".
  const list = (field: string, lower = false, specificRefsOk = false): string[] => {
    const value = block[field];
    const items = toList(value).map(text);
    const known = items.filter((v) => !isExpression(v));
    let opaque = false;
    if (known.length !== items.length) opaque = items.some((v) => isExpression(v) && !(specificRefsOk && namesSpecific(v, isSpecific)));
    if (!opaque && unknownAt(res, `${path}.${field}`)) {
      const planRefs = res.refs[`${path}.${field}`];
      opaque = !(specificRefsOk && planRefs !== undefined && planRefs.length > 0 && planRefs.every(isSpecific));
    }
    if (opaque) unknown.push(field);
    return lower ? known.map((v) => v.toLowerCase()) : known;
  };
  const opaque = (v: unknown) => typeof v === "string" && isExpression(v);
  const anyUnknown = res.unknown.length > 0;
  if (opaque(block.effect) || (anyUnknown && unknownAt(res, `${path}.effect`))) unknown.push("effect");
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
  const resources = list("resources", false, true);
  const notResources = list("not_resources", false, true);
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
  const conditionBlocks = Array.isArray(block.condition) ? (block.condition as Json[]) : [];
  if ((anyUnknown && unknownAt(res, `${path}.condition`)) || conditionBlocks.some((c) => opaque(c.test) || opaque(c.variable) || toList(c.values).some(opaque))) {
    unknown.push("conditions");
  }
  const opaquePrincipal = (p: unknown) => !!p && typeof p === "object" && (opaque((p as Json).type) || toList((p as Json).identifiers).some(opaque));
  if (["principals", "not_principals"].some((f) => (anyUnknown && unknownAt(res, `${path}.${f}`)) || toList(block[f]).some(opaquePrincipal))) {
    unknown.push("principals");
  }
  return {
    sid: typeof block.sid === "string" ? block.sid : "",
    effect: unknown.includes("effect") ? "" : typeof block.effect === "string" ? block.effect : "Allow",
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
    ...coverage(resources),
  };
}
