import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { InputError } from "../../src/errors.js";
import { loadInputs } from "../../src/load/index.js";
import { tempJson } from "../helpers/model.js";

function errorOf(paths: string[], options = {}): string {
  try {
    loadInputs(paths, options);
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return (error as Error).message;
  }
  throw new Error("expected an InputError");
}

describe("bad input gets one clear line naming the file", () => {
  test.each([
    ["empty file", "", /input\.json: file is empty; expected JSON/],
    ["whitespace only", "  \n", /file is empty/],
    ["not JSON", "hello", /input\.json: not valid JSON: /],
    ["truncated JSON", '{"format_version": "1.2", "planned_values": {', /not valid JSON \(the file looks truncated\)/],
    ["an array", "[1,2]", /not a Terraform plan or cdktf stack \(found an array at the top level\)/],
    ["unrelated keys", '{"hello": 1, "items": []}', /not a Terraform plan or cdktf stack \(found top-level keys: hello, items\); pass the output of "terraform show -json"/],
    ["errored plan", '{"format_version": "1.2", "resource_changes": [], "errored": true}', /marked "errored": true/],
    ["unsupported format", '{"format_version": "2.0", "resource_changes": []}', /plan format_version "2.0" is not supported \(supported: 0.x and 1.x\)/],
    ["state, not plan", '{"format_version": "1.0", "values": {}}', /this is Terraform state JSON, not a plan/],
  ])("%s", (_name, text, expected) => {
    const message = errorOf([tempJson(text)]);
    expect(message).toMatch(expected);
    expect(message).not.toContain("\n");
  });

  test("missing path", () => {
    expect(errorOf(["/nonexistent/plan.json"])).toBe("/nonexistent/plan.json: no such file or directory");
  });

  test("above the size limit, refused before reading", () => {
    const path = tempJson({ format_version: "1.2", resource_changes: [] });
    expect(errorOf([path], { maxBytes: 10 })).toMatch(/file is \d+ bytes, above the limit of 10 bytes/);
  });

  test("cdktf.out without manifest, with a missing stack file, and a directory with nothing to check", () => {
    const out = mkdtempSync(join(tmpdir(), "arg-out-"));
    mkdirSync(join(out, "stacks"));
    expect(errorOf([out])).toMatch(/looks like a cdktf.out directory but has no manifest.json/);
    writeFileSync(join(out, "manifest.json"), JSON.stringify({ stacks: { app: { synthesizedStackPath: "stacks/app/cdk.tf.json" } } }));
    expect(errorOf([out])).toMatch(/manifest.json: stack "app" points at .*stacks\/app\/cdk.tf.json, which does not exist/);
    const empty = mkdtempSync(join(tmpdir(), "arg-empty-"));
    expect(errorOf([empty])).toMatch(/nothing to check here/);
  });
});
