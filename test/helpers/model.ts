import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "vitest";
import { loadInputs } from "../../src/load/index.js";
import { normalize, type InputModel } from "../../src/normalize/index.js";
import { validator } from "../../src/schemas/ajv.js";

/** Writes a document to a temp file and returns its path. */
export function tempJson(document: unknown, name = "input.json"): string {
  const dir = mkdtempSync(join(tmpdir(), "arg-"));
  const path = join(dir, name);
  writeFileSync(path, typeof document === "string" ? document : JSON.stringify(document, null, 2));
  return path;
}

/** Loads and normalizes one file, asserting the model matches its JSON Schema. */
export function modelOf(path: string): InputModel {
  const [input] = loadInputs([path]);
  const model = normalize(input!);
  const validate = validator("input-model");
  expect(validate(model), JSON.stringify(validate.errors)).toBe(true);
  return model;
}

export function modelFrom(document: unknown): InputModel {
  return modelOf(tempJson(document));
}
