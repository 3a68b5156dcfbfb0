import { InputError } from "../errors.js";
import type { InputKind } from "./types.js";

const SUPPORTED_PLAN_MAJORS = new Set(["0", "1"]);
const TERRAFORM_JSON_KEYS = ["resource", "data", "module", "provider", "terraform", "variable", "locals", "output"];

/**
 * Tells which input kind a parsed JSON document is, or throws an InputError that names what was
 * found and what was expected. Recognition reads only top-level keys, so it costs nothing.
 */
export function recognise(path: string, document: unknown): { kind: InputKind; stack: string | null } {
  if (document === null || typeof document !== "object" || Array.isArray(document)) {
    const found = document === null ? "null" : Array.isArray(document) ? "an array" : `a ${typeof document}`;
    throw new InputError(path, `not a Terraform plan or cdktf stack (found ${found} at the top level); ${EXPECTED}`);
  }
  const doc = document as Record<string, unknown>;

  if ("format_version" in doc && ("planned_values" in doc || "resource_changes" in doc || "configuration" in doc)) {
    const version = String(doc.format_version);
    const major = version.split(".")[0] ?? "";
    if (!SUPPORTED_PLAN_MAJORS.has(major)) {
      throw new InputError(path, `plan format_version "${version}" is not supported (supported: 0.x and 1.x)`);
    }
    if (doc.errored === true) {
      throw new InputError(path, `the plan is marked "errored": true (terraform plan failed); fix the plan errors and run it again`);
    }
    return { kind: "terraform-plan", stack: null };
  }
  if ("format_version" in doc && "values" in doc) {
    throw new InputError(path, `this is Terraform state JSON, not a plan; pass the output of "terraform show -json PLANFILE"`);
  }

  const meta = (doc["//"] as { metadata?: { stackName?: unknown } } | undefined)?.metadata;
  if (meta && typeof meta.stackName === "string") return { kind: "cdktf-stack", stack: meta.stackName };

  if (TERRAFORM_JSON_KEYS.some((k) => k in doc)) return { kind: "terraform-json", stack: null };

  const keys = Object.keys(doc);
  const shown = keys.length === 0 ? "none" : keys.slice(0, 8).join(", ") + (keys.length > 8 ? ", ..." : "");
  throw new InputError(path, `not a Terraform plan or cdktf stack (found top-level keys: ${shown}); ${EXPECTED}`);
}

const EXPECTED = `pass the output of "terraform show -json", a cdk.tf.json, a cdktf.out directory or a *.tf.json file`;
