import { dict } from "./values.js";

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
