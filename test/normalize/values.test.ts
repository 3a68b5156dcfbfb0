import { describe, expect, it } from "vitest";
import { InputError } from "../../src/errors.js";
import { MAX_DEPTH, unknownPaths } from "../../src/normalize/values.js";

/** The reading unknownPaths must agree with: every node walked, every path built. */
function unknownPathsByWalkingEverything(tree: unknown): string[] {
  const out: string[] = [];
  const walk = (node: unknown, path: string, depth: number) => {
    if (depth > MAX_DEPTH) throw new Error("too deep");
    if (node === true) {
      if (path !== "") out.push(path);
    } else if (Array.isArray(node)) node.forEach((v, i) => walk(v, path === "" ? String(i) : `${path}.${i}`, depth + 1));
    else if (node && typeof node === "object") for (const [k, v] of Object.entries(node)) walk(v, path === "" ? k : `${path}.${k}`, depth + 1);
  };
  walk(tree, "", 0);
  return out;
}

/** A tree of `depth` nested lists around one leaf. */
function nested(depth: number, leaf: unknown): unknown {
  let node = leaf;
  for (let i = 0; i < depth; i++) node = [node];
  return node;
}

describe("unknownPaths", () => {
  it("lists the true leaves of an after_unknown tree, blocks and maps included, and nothing else", () => {
    const tree = {
      arn: true,
      name: false,
      tags: {},
      source_configuration: [{ image_repository: [{ image_identifier: true, image_configuration: [{ port: false, runtime_environment_secrets: { DB: true } }] }] }],
      list: [false, true, [true, false]],
      "key.with.dots": true,
    };
    expect(unknownPaths(tree, "plan.json")).toEqual([
      "arn",
      "source_configuration.0.image_repository.0.image_identifier",
      "source_configuration.0.image_repository.0.image_configuration.0.runtime_environment_secrets.DB",
      "list.1",
      "list.2.0",
      "key.with.dots",
    ]);
  });

  it("ignores a root that is a leaf (true, false, null, a string) or absent", () => {
    for (const root of [true, false, null, "x", 1, undefined]) expect(unknownPaths(root, "plan.json")).toEqual([]);
  });

  it("agrees with walking every node on random trees", () => {
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const tree = (depth: number): unknown => {
      const r = random();
      if (depth > 5 || r < 0.35) return random() < 0.5;
      if (r < 0.45) return null;
      if (r < 0.7) return Array.from({ length: Math.floor(random() * 4) }, () => tree(depth + 1));
      return Object.fromEntries(Array.from({ length: Math.floor(random() * 4) }, (_, i) => [`k${i}`, tree(depth + 1)]));
    };
    for (let i = 0; i < 300; i++) {
      const t = { a: tree(0), b: tree(0) };
      expect(unknownPaths(t, "plan.json")).toEqual(unknownPathsByWalkingEverything(t));
    }
  });

  it(`refuses a tree nesting deeper than ${MAX_DEPTH} levels, as walking every leaf did`, () => {
    // The root is level 0: a leaf at level 200 is within the limit, one at 201 is not.
    expect(unknownPaths(nested(MAX_DEPTH, true), "plan.json")).toEqual([Array(MAX_DEPTH).fill("0").join(".")]);
    expect(unknownPaths(nested(MAX_DEPTH, false), "plan.json")).toEqual([]);
    expect(() => unknownPathsByWalkingEverything(nested(MAX_DEPTH + 1, false))).toThrow();
    expect(() => unknownPaths(nested(MAX_DEPTH + 1, false), "plan.json")).toThrow(InputError);
    expect(() => unknownPaths(nested(MAX_DEPTH + 1, true), "plan.json")).toThrow(/after_unknown nesting deeper than 200 levels/);
    // An empty container at level 200 holds nothing deeper; one at 201 is itself too deep.
    expect(unknownPaths(nested(MAX_DEPTH, []), "plan.json")).toEqual([]);
    expect(() => unknownPaths(nested(MAX_DEPTH + 1, {}), "plan.json")).toThrow(InputError);
  });
});
