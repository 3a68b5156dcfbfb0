/**
 * Builds small plan documents in the `terraform show -json` format (1.2) for tests that need one exact
 * shape. Realistic whole plans live in test/fixtures/plans; these cover single normalizer behaviours.
 */
type Json = Record<string, unknown>;

export interface PlannedResource {
  address: string;
  type: string;
  name: string;
  mode?: "managed" | "data";
  module_address?: string;
  actions?: string[];
  after: Json;
  after_unknown?: Json;
  /** Configuration expressions: {attr: {references: [...]}} or {attr: {constant_value: ...}}; blocks as lists. */
  expressions?: Json;
}

export function plan(resources: PlannedResource[], moduleCalls: Json = {}): Json {
  const rootConfig = resources.filter((r) => !r.module_address);
  return {
    format_version: "1.2",
    terraform_version: "1.9.5",
    planned_values: { root_module: { resources: [] } },
    resource_changes: resources.map((r) => ({
      address: r.address,
      ...(r.module_address ? { module_address: r.module_address } : {}),
      mode: r.mode ?? "managed",
      type: r.type,
      name: r.name,
      change: { actions: r.actions ?? ["create"], before: null, after: r.after, after_unknown: r.after_unknown ?? {} },
    })),
    configuration: {
      root_module: {
        resources: rootConfig.map((r) => ({
          address: r.mode === "data" ? `data.${r.type}.${r.name}` : `${r.type}.${r.name}`,
          mode: r.mode ?? "managed",
          type: r.type,
          name: r.name,
          expressions: r.expressions ?? {},
        })),
        module_calls: moduleCalls,
      },
    },
  };
}

export const ref = (...references: string[]) => ({ references });
export const constant = (value: unknown) => ({ constant_value: value });
