import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import { describe, expect, test } from "vitest";
import { schemaDir } from "../src/paths.js";

// The runtime ajv skips meta-schema validation to start fast; this is where the schemas are held to it.
describe("every JSON Schema the package ships is a valid draft 2020-12 schema", () => {
  const files = readdirSync(schemaDir).filter((f) => f.endsWith(".schema.json"));
  test("there are schemas", () => expect(files.length).toBeGreaterThanOrEqual(4));
  test.each(files)("%s", (file) => {
    const ajv = new Ajv2020({ strict: false, validateFormats: false });
    const schema = JSON.parse(readFileSync(join(schemaDir, file), "utf8"));
    expect(ajv.validateSchema(schema), JSON.stringify(ajv.errors)).toBe(true);
  });
});
