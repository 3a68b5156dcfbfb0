import { InputError } from "../errors.js";
import { MAX_DEPTH, dict, dropNulls } from "./values.js";

/**
 * Nested-block paths of the resource types the rules read. Plan JSON always writes blocks as lists;
 * cdktf JSON writes a single block as an object. Wrapping only these known paths keeps map
 * attributes (tags, runtime_environment_variables, runtime_environment_secrets) as maps.
 */
const BLOCK_PATHS: Record<string, string[]> = {
  aws_apprunner_service: [
    "source_configuration",
    "source_configuration.authentication_configuration",
    "source_configuration.code_repository",
    "source_configuration.code_repository.code_configuration",
    "source_configuration.code_repository.code_configuration.code_configuration_values",
    "source_configuration.code_repository.source_code_version",
    "source_configuration.image_repository",
    "source_configuration.image_repository.image_configuration",
    "health_check_configuration",
    "instance_configuration",
    "network_configuration",
    "network_configuration.egress_configuration",
    "network_configuration.ingress_configuration",
    "observability_configuration",
    "encryption_configuration",
  ],
  aws_apprunner_observability_configuration: ["trace_configuration"],
  aws_apprunner_vpc_ingress_connection: ["ingress_vpc_configuration"],
  aws_iam_role: ["inline_policy"],
  "data.aws_iam_policy_document": ["statement", "statement.principals", "statement.not_principals", "statement.condition"],
};

const BLOCK_SETS = new Map(Object.entries(BLOCK_PATHS).map(([type, paths]) => [type, new Set(paths)]));

export function blockPathsFor(mode: "managed" | "data", type: string): Set<string> | undefined {
  return BLOCK_SETS.get(mode === "data" ? `data.${type}` : type);
}

/** Returns a copy of `body` with every known block path as a list of objects. */
export function toBlockShape(body: Record<string, unknown>, blocks: Set<string> | undefined, prefix = ""): Record<string, unknown> {
  if (!blocks) return body;
  const out = dict();
  for (const [key, value] of Object.entries(body)) {
    const path = prefix === "" ? key : `${prefix}.${key}`;
    if (blocks.has(path) && value !== null && typeof value === "object") {
      const list = Array.isArray(value) ? value : [value];
      out[key] = list.map((item) =>
        item !== null && typeof item === "object" && !Array.isArray(item)
          ? toBlockShape(item as Record<string, unknown>, blocks, path)
          : item,
      );
    } else {
      out[key] = value;
    }
  }
  return out;
}

/**
 * toBlockShape(dropNulls(body)) in one copy: a plan's values are copied once, not twice (the
 * normalizer copies every resource of the plan, and the second copy was the largest allocation of
 * the stage). test/normalize/blocks.test.ts holds the two equal on every fixture plan.
 */
export function dropNullsInBlockShape(body: Record<string, unknown>, blocks: Set<string> | undefined, file: string): Record<string, unknown> {
  return copyElement(body, blocks, "", file, 0);
}

/** One object of the values: `prefix` is its block path ("" for the resource), null below any block. */
function copyElement(node: Record<string, unknown>, blocks: Set<string> | undefined, prefix: string | null, file: string, depth: number): Record<string, unknown> {
  if (depth > MAX_DEPTH) throw new InputError(file, `JSON nesting deeper than ${MAX_DEPTH} levels in resource values`);
  const out = dict();
  for (const key of Object.keys(node)) {
    const value = node[key];
    if (value === null) continue;
    const path = blocks === undefined || prefix === null ? null : prefix === "" ? key : `${prefix}.${key}`;
    if (path !== null && blocks!.has(path) && typeof value === "object") {
      const list = Array.isArray(value) ? value : [value];
      if (Array.isArray(value) && depth + 1 > MAX_DEPTH) throw new InputError(file, `JSON nesting deeper than ${MAX_DEPTH} levels in resource values`);
      const items: unknown[] = [];
      for (const item of list) {
        if (item === null) continue;
        const itemDepth = Array.isArray(value) ? depth + 2 : depth + 1;
        items.push(
          typeof item === "object" && !Array.isArray(item)
            ? copyElement(item as Record<string, unknown>, blocks, path, file, itemDepth)
            : dropNulls(item, file, itemDepth),
        );
      }
      out[key] = items;
    } else {
      out[key] = dropNulls(value, file, depth + 1);
    }
  }
  return out;
}

/**
 * Boolean attributes the rules read, as dotted paths through block lists. Terraform converts the
 * strings "true"/"false" to booleans in *.tf.json configuration, so the model does too; plan JSON is
 * already typed.
 */
const BOOL_PATHS: Record<string, string[][]> = {
  aws_apprunner_service: [
    ["network_configuration", "ingress_configuration", "is_publicly_accessible"],
    ["observability_configuration", "observability_enabled"],
    ["source_configuration", "auto_deployments_enabled"],
  ],
};

export function coerceBooleans(body: Record<string, unknown>, mode: "managed" | "data", type: string): void {
  if (mode !== "managed") return;
  for (const path of Object.hasOwn(BOOL_PATHS, type) ? BOOL_PATHS[type]! : []) coerceAt(body, path);
}

function coerceAt(node: unknown, path: string[]): void {
  if (!node || typeof node !== "object") return;
  if (Array.isArray(node)) {
    for (const item of node) coerceAt(item, path);
    return;
  }
  const record = node as Record<string, unknown>;
  const [head, ...rest] = path;
  if (head === undefined) return;
  if (rest.length > 0) return coerceAt(record[head], rest);
  const value = record[head];
  if (value === "true" || value === "false") record[head] = value === "true";
}
