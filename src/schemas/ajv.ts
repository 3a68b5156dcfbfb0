import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Ajv2020, type ValidateFunction, type ErrorObject } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import { schemaDir } from "../paths.js";

// ajv-formats ships CommonJS; under NodeNext its default export arrives wrapped.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv2020) => void;

/**
 * One shared ajv instance: schemas compile once per process. Checking our own schemas against the
 * draft 2020-12 meta-schema cost ~110 ms of every CLI start, so that check runs in the tests instead
 * (test/schemas.test.ts).
 */
const ajv = new Ajv2020({ allErrors: false, strict: true, allowUnionTypes: true, validateSchema: false });
addFormats(ajv);

const compiled = new Map<string, ValidateFunction>();

export type SchemaName = "input-model" | "config" | "report.v1" | "findings" | "baseline" | "applicable";

export function validator(name: SchemaName): ValidateFunction {
  let validate = compiled.get(name);
  if (!validate) {
    const schema = JSON.parse(readFileSync(join(schemaDir, `${name}.schema.json`), "utf8"));
    validate = ajv.compile(schema);
    compiled.set(name, validate);
  }
  return validate;
}

/** The first ajv error as a short phrase: `/waivers/0/expires must match format "date"`. */
export function describeFirstError(errors: ErrorObject[] | null | undefined): string {
  const e = errors?.[0];
  if (!e) return "does not match its schema";
  const where = e.instancePath === "" ? "(top level)" : e.instancePath;
  const extra =
    e.keyword === "additionalProperties"
      ? ` (unexpected key "${(e.params as { additionalProperty: string }).additionalProperty}")`
      : e.keyword === "enum"
        ? ` (allowed: ${(e.params as { allowedValues: unknown[] }).allowedValues.join(", ")})`
        : "";
  return `${where} ${e.message ?? "is invalid"}${extra}`;
}
