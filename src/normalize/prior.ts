import type { LoadedInput } from "../load/types.js";
import { isObject, type Json } from "../json.js";

/**
 * The state a plan starts from, as a plan document the normalizer already reads: every resource of
 * `prior_state` (and, for a plan that lacks it, each `resource_changes[].change.before`) becomes a
 * `planned_values` resource with action `no-op`. Before and after then go through the same reader,
 * the same IAM resolution and the same rules.
 *
 * `configuration` is left out on purpose: it describes the configuration being planned, not the one
 * that made the state, so its references would link the old values to the new wiring. State values
 * are all known, and the normalizer links them by their literal ARNs and names instead.
 *
 * Returns null when the input has no prior state to compare with (cdktf output, *.tf.json, a plan
 * with neither `prior_state` nor a `before` value): its findings' delta is "unknown".
 */
export function priorView(input: LoadedInput): LoadedInput | null {
  if (input.kind !== "terraform-plan") return null;
  const plan = input.document;
  const prior = isObject(plan.prior_state) ? plan.prior_state : undefined;
  const priorValues = prior && isObject(prior.values) ? prior.values : undefined;
  const resources: Json[] = [];
  const seen = new Set<string>();
  walk(isObject(priorValues?.root_module) ? priorValues.root_module : undefined, (res) => {
    if (typeof res.address !== "string" || seen.has(res.address)) return;
    seen.add(res.address);
    resources.push(res);
  });
  let fromBefore = false;
  for (const change of Array.isArray(plan.resource_changes) ? plan.resource_changes : []) {
    if (!isObject(change) || typeof change.address !== "string" || seen.has(change.address) || change.deposed !== undefined) continue;
    const body = isObject(change.change) ? change.change : {};
    if (!isObject(body.before)) continue;
    seen.add(change.address);
    fromBefore = true;
    resources.push({
      address: change.address,
      mode: change.mode,
      type: change.type,
      name: change.name,
      ...(change.index !== undefined ? { index: change.index } : {}),
      ...(typeof change.module_address === "string" ? { module_address: change.module_address } : {}),
      values: body.before,
    });
  }
  if (!priorValues && !fromBefore) return null;
  const document: Json = {
    format_version: plan.format_version,
    terraform_version: plan.terraform_version,
    planned_values: { root_module: { resources } },
    ...(prior ? { prior_state: prior } : {}),
  };
  // No text, so no lines: a line of the plan's text would point at the new value, not at the state.
  return { ...input, document, text: "", parts: undefined, lineOfAddress: undefined };
}

function walk(module: Json | undefined, visit: (resource: Json) => void): void {
  if (!module) return;
  for (const r of Array.isArray(module.resources) ? module.resources : []) if (isObject(r)) visit(r);
  for (const child of Array.isArray(module.child_modules) ? module.child_modules : []) if (isObject(child)) walk(child, visit);
}
