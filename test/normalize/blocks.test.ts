import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { InputError } from "../../src/errors.js";
import { blockPathsFor, dropNullsInBlockShape, toBlockShape } from "../../src/normalize/blocks.js";
import { dropNulls } from "../../src/normalize/values.js";
import { fixtures } from "../helpers/paths.js";

/** Every plan fixture (terraform show -json output) under test/fixtures. */
function planFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...planFiles(path));
    else if (name.endsWith(".json") && readFileSync(path, "utf8").includes('"resource_changes"')) out.push(path);
  }
  return out;
}

/** Every resource's values the normalizer copies: resource_changes after/before, planned_values, prior_state. */
function valuesOf(plan: Record<string, unknown>): { mode: "managed" | "data"; type: string; values: Record<string, unknown> }[] {
  const out: { mode: "managed" | "data"; type: string; values: Record<string, unknown> }[] = [];
  const push = (r: Record<string, unknown>, values: unknown) => {
    if (values && typeof values === "object" && !Array.isArray(values)) out.push({ mode: r.mode === "data" ? "data" : "managed", type: String(r.type), values: values as Record<string, unknown> });
  };
  for (const rc of (plan.resource_changes ?? []) as Record<string, Record<string, unknown>>[]) {
    push(rc, rc.change?.after);
    push(rc, rc.change?.before);
  }
  const walk = (m: Record<string, unknown> | undefined) => {
    for (const r of (m?.resources ?? []) as Record<string, unknown>[]) push(r, r.values);
    for (const c of (m?.child_modules ?? []) as Record<string, unknown>[]) walk(c);
  };
  walk((plan.planned_values as Record<string, Record<string, unknown>> | undefined)?.root_module);
  walk(((plan.prior_state as Record<string, Record<string, unknown>> | undefined)?.values as Record<string, Record<string, unknown>> | undefined)?.root_module);
  return out;
}

describe("dropNullsInBlockShape", () => {
  const files = planFiles(fixtures());

  it("finds the plan fixtures", () => {
    expect(files.length).toBeGreaterThan(40);
  });

  it("equals toBlockShape(dropNulls(values)) on every resource of every plan fixture", () => {
    let compared = 0;
    let shaped = 0;
    for (const file of files) {
      for (const { mode, type, values } of valuesOf(JSON.parse(readFileSync(file, "utf8")))) {
        const blocks = blockPathsFor(mode, type);
        const expected = toBlockShape(dropNulls(values, file) as Record<string, unknown>, blocks);
        expect(dropNullsInBlockShape(values, blocks, file), `${file} ${type}`).toStrictEqual(expected);
        compared++;
        if (blocks) shaped++;
      }
    }
    expect(compared).toBeGreaterThan(500);
    expect(shaped).toBeGreaterThan(100);
  });

  it("wraps a block written as an object, drops nulls inside blocks and lists, keeps maps as maps", () => {
    const blocks = blockPathsFor("managed", "aws_apprunner_service");
    const values = {
      service_name: "api",
      tags: { A: "1", B: null },
      instance_configuration: { cpu: "1024", instance_role_arn: null },
      source_configuration: [
        null,
        { image_repository: [{ image_configuration: { port: "8080", runtime_environment_variables: { K: null, V: "x" } } }], extra: [1, null, 2] },
      ],
    };
    const expected = toBlockShape(dropNulls(values, "f.json") as Record<string, unknown>, blocks);
    expect(dropNullsInBlockShape(values, blocks, "f.json")).toStrictEqual(expected);
    // (toEqual: the copies are prototype-less records, the literal is not)
    expect(expected).toEqual({
      service_name: "api",
      tags: { A: "1" },
      instance_configuration: [{ cpu: "1024" }],
      source_configuration: [{ image_repository: [{ image_configuration: [{ port: "8080", runtime_environment_variables: { V: "x" } }] }], extra: [1, 2] }],
    });
  });

  it("refuses values nested deeper than the limit, as dropNulls does", () => {
    let deep: Record<string, unknown> = { leaf: 1 };
    for (let i = 0; i < 250; i++) deep = { source_configuration: [deep] };
    const blocks = blockPathsFor("managed", "aws_apprunner_service");
    expect(() => dropNulls(deep, "deep.json")).toThrow(InputError);
    expect(() => dropNullsInBlockShape(deep, blocks, "deep.json")).toThrow(/deep\.json.*nesting deeper than 200 levels in resource values|nesting deeper than 200 levels in resource values/);
  });
});
