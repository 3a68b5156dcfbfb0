import type { LoadedInput } from "../load/types.js";
import { linkStacks } from "./cross-stack.js";
import { readTerraformJsonModule, type CrossStackFacts } from "./hcl-json.js";
import { resolveRoles } from "./iam/roles.js";
import { MODEL_VERSION, type DraftResource, type InputModel, type ModelResource } from "./model.js";
import { planIncomplete, readPlan } from "./plan.js";
import { compare } from "../order.js";
import { applySourceOrigins } from "./source-origin.js";
import { graftSourceValues } from "./source-values.js";
import { dict } from "./values.js";

export type { InputModel, ModelResource, Statement, RoleIam } from "./model.js";
export { MODEL_VERSION } from "./model.js";

/** Builds the one input model the rules read, whatever kind of input it came from. */
export function normalize(input: LoadedInput): InputModel {
  return normalizeWithFacts(input).model;
}

/**
 * Every input at once: besides normalize() of each, the cdktf stacks checked together are linked
 * through their cross-stack references (a WAF association in one stack protecting a service of
 * another), and a service whose ARN goes to a stack that is not in the input is marked as such.
 */
export function normalizeAll(inputs: LoadedInput[]): InputModel[] {
  const normalized = inputs.map((input) => ({ input, ...normalizeWithFacts(input) }));
  linkStacks(normalized);
  return normalized.map((n) => n.model);
}

function normalizeWithFacts(input: LoadedInput): { model: InputModel; crossStack: CrossStackFacts | null } {
  const tfjson =
    input.kind === "terraform-plan" ? null : readTerraformJsonModule(input.parts ?? [{ path: input.path, document: input.document, text: input.text }], input.modules);
  const drafts = tfjson ? tfjson.drafts : readPlan(input.document, input.path, input.text, input.lineOfAddress);
  const sourceValues = !tfjson && input.source ? graftSourceValues(drafts, input.source, input.document) : null;

  const resources = new Map<string, DraftResource>();
  for (const d of drafts.sort((a, b) => compare(a.address, b.address))) resources.set(d.address, d);
  linkLiteralArns(resources);

  // Gathered in Maps (tens of thousands of keys: a Map is faster than a dictionary-mode object), then
  // written out as records with sorted keys.
  const typeLists = new Map<string, string[]>();
  const referrerLists = new Map<string, string[]>();
  for (const d of resources.values()) {
    const ofType = typeLists.get(d.type);
    if (ofType) ofType.push(d.address);
    else typeLists.set(d.type, [d.address]);
    for (const targets of Object.values(d.refs)) {
      for (const target of targets) {
        const list = referrerLists.get(target);
        if (!list) referrerLists.set(target, [d.address]);
        else if (list[list.length - 1] !== d.address) list.push(d.address);
      }
    }
  }
  for (const list of referrerLists.values()) list.sort(compare);
  const byType = sortedRecord(typeLists);
  const referencedBy = sortedRecord(referrerLists);
  const iamRoles = resolveRoles(resources, byType);

  const out = dict<ModelResource>();
  for (const d of resources.values()) {
    const { raw: _raw, ...resource } = d;
    if (resource.unknown.length > 1) resource.unknown = [...new Set(resource.unknown)].sort(compare);
    out[d.address] = resource;
  }
  if (input.kind === "terraform-plan") applySourceOrigins(out, input.source);
  const crossStack = tfjson ? tfjson.crossStack : null;
  const plan = input.document as { terraform_version?: unknown };
  const incomplete = tfjson ? (tfjson.incomplete.length > 0 ? tfjson.incomplete.join("; ") : null) : planIncomplete(input.document as Record<string, unknown>);
  const model: InputModel = {
    model_version: MODEL_VERSION,
    source: {
      kind: input.kind,
      path: input.path,
      stack: input.stack,
      terraform_version: input.kind === "terraform-plan" && typeof plan.terraform_version === "string" ? plan.terraform_version : null,
      ...(incomplete ? { incomplete } : {}),
      ...(sourceValues ? { source_values: { read: sourceValues.read.sort(compare), disagreed: sourceValues.disagreed.sort(compare) } } : {}),
    },
    resources: out,
    by_type: byType,
    referenced_by: referencedBy,
    iam: { roles: iamRoles },
  };
  return { model, crossStack };
}

/**
 * A literal ARN that equals another resource's known ARN is a reference too (an existing role or
 * service that the plan does not change). App Runner secret values may carry `:jsonKey:stage:version`
 * after the secret ARN, so those match on the secret part.
 */
function linkLiteralArns(resources: Map<string, DraftResource>): void {
  const byArn = new Map<string, string>();
  for (const d of resources.values()) {
    const arn = d.values.arn;
    if (typeof arn === "string" && arn.startsWith("arn:")) byArn.set(arn, d.address);
  }
  if (byArn.size === 0) return;
  const lookup = (value: string) => byArn.get(value) ?? byArn.get(value.split(":").slice(0, 7).join(":"));
  for (const d of resources.values()) {
    // A value's path is built only for a string that may be an ARN and for containers (most leaves are
    // neither, and this visits every value of every resource).
    const found = (value: string, path: string, listPath: string | null): void => {
      const target = lookup(value);
      if (target && target !== d.address && path !== "arn") addRef(d, listPath ?? path, target);
    };
    const visit = (value: unknown, path: string): void => {
      if (Array.isArray(value)) {
        const scalars = value.every((v) => typeof v !== "object");
        value.forEach((v, i) => {
          if (typeof v === "string") {
            if (v.startsWith("arn:")) found(v, `${path}.${i}`, scalars ? path : null);
          } else if (v && typeof v === "object") visit(v, `${path}.${i}`);
        });
      } else if (value && typeof value === "object") {
        for (const k of Object.keys(value)) {
          const v = (value as Record<string, unknown>)[k];
          if (typeof v === "string") {
            if (v.startsWith("arn:")) found(v, path === "" ? k : `${path}.${k}`, null);
          } else if (v && typeof v === "object") visit(v, path === "" ? k : `${path}.${k}`);
        }
      }
    };
    visit(d.values, "");
  }
}

function addRef(d: DraftResource, path: string, target: string): void {
  const list = d.refs[path] ?? [];
  if (!list.includes(target)) d.refs[path] = [...list, target].sort(compare);
}

function sortedRecord<T>(map: Map<string, T>): Record<string, T> {
  const out = dict<T>();
  for (const key of [...map.keys()].sort(compare)) out[key] = map.get(key)!;
  return out;
}
