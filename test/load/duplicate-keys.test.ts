import { describe, expect, test } from "vitest";
import { InputError } from "../../src/errors.js";
import { loadInputs } from "../../src/load/index.js";
import { scanDuplicateKeys, scanTopLevel } from "../../src/load/duplicate-keys.js";
import { normalize } from "../../src/normalize/index.js";
import { tempJson } from "../helpers/model.js";

function errorOf(text: string, name = "main.tf.json"): string {
  try {
    loadInputs([tempJson(text, name)]);
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return (error as Error).message;
  }
  throw new Error("expected an InputError");
}

describe("duplicate keys", () => {
  test("the scan finds the key, the object and the line of the second occurrence", () => {
    const text = '{\n  "a": {\n    "b": 1,\n    "c": {"x": "\\"b\\":", "y": [1, {"z": 1, "z": 2}]}\n  }\n}';
    expect(scanDuplicateKeys(text).nested).toEqual({ key: "z", object: "a.c.y[]", line: 4 });
    expect(scanDuplicateKeys('{"a": 1, "b": {"a": 2}, "s": "a", "c": ["a", "a"]}').nested).toBeNull();
    expect(scanDuplicateKeys('{"k\\u0041": 1, "kA": 2}').topLevel).toEqual([{ key: "kA", object: "", line: 1 }]);
  });

  test("an argument set twice in a *.tf.json is refused (Terraform: Duplicate argument), naming file, key and line", () => {
    const text = JSON.stringify({ resource: { aws_iam_role: { r: { name: "a" } } } }, null, 2).replace('"name": "a"', '"name": "a",\n          "name": "b"');
    const message = errorOf(text);
    expect(message).toMatch(/main\.tf\.json: the key "name" appears twice in resource\.aws_iam_role\.r \(again at line 6\); Terraform rejects an argument set twice/);
    expect(message).not.toContain("\n");
  });

  test("a resource name twice is refused too (Terraform: Duplicate resource)", () => {
    const text = '{"resource": {"aws_iam_role": {"r": {"name": "a"}, "r": {"name": "b"}}}}';
    expect(errorOf(text)).toMatch(/the key "r" appears twice in resource\.aws_iam_role \(again at line 1\)/);
  });

  test("a top-level block type twice means both blocks, as Terraform reads it", () => {
    const text = '{\n"resource": {"aws_iam_role": {"a": {"name": "a"}}},\n"resource": {"aws_iam_role": {"b": {"name": "b"}}}\n}';
    const [input] = loadInputs([tempJson(text, "main.tf.json")]);
    expect(input!.document.resource).toEqual([{ aws_iam_role: { a: { name: "a" } } }, { aws_iam_role: { b: { name: "b" } } }]);
  });

  test("a cdktf stack with a repeated non-block top-level key is refused", () => {
    const text = '{"//": {"metadata": {"stackName": "s"}}, "//": {}, "resource": {}}';
    expect(errorOf(text, "cdk.tf.json")).toMatch(/the key "\/\/" appears twice at the top level \(again at line 1\); only block types/);
  });

  test("a plan with a top-level key twice is refused; keys repeated deeper in a plan are not scanned", () => {
    const plan = '{"format_version": "1.2",\n "resource_changes": [],\n "resource_changes": [{"address": "x"}]}';
    expect(errorOf(plan, "plan.json")).toMatch(/plan\.json: the key "resource_changes" appears twice at the top level \(again at line 3\); "terraform show -json" never writes a key twice/);
    const nested = '{"format_version": "1.2", "resource_changes": [], "planned_values": {"a": 1, "a": 2}}';
    expect(() => loadInputs([tempJson(nested, "plan.json")])).not.toThrow();
  });
});

/**
 * Random JSON texts whose strings are full of what a string skipper can get wrong (escaped quotes,
 * runs of backslashes before a closing quote, brackets and colons inside strings, \\u escapes in
 * keys), written with the facts the scans must report: the deepest nesting, the top-level keys
 * written twice, the first key written twice in one nested object.
 */
function trickyJson(seed: number): { text: string; depth: number; topLevel: string[]; nested: string | null } {
  let state = seed;
  const next = (n: number) => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state % n;
  };
  const pieces = ["a", "b", '\\"', "\\\\", "\\\\\\\"", "{", "]", ":", ",", "\\u0041", "\\n", " "];
  const stringText = () => {
    let raw = "";
    for (let k = next(5); k > 0; k--) raw += pieces[next(pieces.length)];
    return `"${raw}"`;
  };
  const keyPool = ['"a"', '"\\u0061"', '"b\\\\"', '"c\\""', '"d"'];
  let maxDepth = 0;
  const topLevel: string[] = [];
  let nested: string | null = null;
  const value = (depth: number): string => {
    const kind = depth > 6 ? 3 : next(5);
    if (kind === 0) {
      maxDepth = Math.max(maxDepth, depth);
      const items: string[] = [];
      for (let k = next(4); k > 0; k--) items.push(value(depth + 1));
      return `[${items.join(",")}]`;
    }
    if (kind === 1) return object(depth, false);
    if (kind === 2) return String(next(1000));
    return stringText();
  };
  const object = (depth: number, top: boolean): string => {
    maxDepth = Math.max(maxDepth, depth);
    const seen = new Set<string>();
    const members: string[] = [];
    for (let k = next(top ? 7 : 4); k > 0; k--) {
      const key = keyPool[next(keyPool.length)]!;
      const decoded = JSON.parse(key) as string;
      const member = `${key} : ${value(depth + 1)}`;
      if (seen.has(decoded)) {
        if (top) topLevel.push(decoded);
        else nested ??= decoded;
      }
      seen.add(decoded);
      members.push(member);
    }
    return `{${members.join(",")}}`;
  };
  const text = object(1, true);
  return { text, depth: maxDepth, topLevel, nested };
}

describe("the scans skip strings exactly", () => {
  test("on 2,000 random texts with escapes everywhere: depth, top-level and nested duplicates as written", () => {
    let escapedKeys = 0;
    for (let seed = 1; seed <= 2000; seed++) {
      const { text, depth, topLevel, nested } = trickyJson(seed);
      expect(() => JSON.parse(text), text).not.toThrow();
      expect(scanTopLevel(text, depth).depthExceededAt, text).toBe(-1);
      const at = scanTopLevel(text, depth - 1).depthExceededAt;
      expect(at, text).toBeGreaterThanOrEqual(0);
      expect("{[", text).toContain(text[at]);
      expect(scanTopLevel(text, 512).topLevel.map((d) => d.key), text).toEqual(topLevel);
      const scan = scanDuplicateKeys(text);
      expect(scan.topLevel.map((d) => d.key), text).toEqual(topLevel);
      expect(scan.nested?.key ?? null, text).toEqual(nested);
      if (text.includes('"\\u0061"')) escapedKeys++;
    }
    expect(escapedKeys).toBeGreaterThan(100);
  });
});

describe("counts no real stack has", () => {
  test("count above the expansion limit is refused with the file and the resource", () => {
    const text = JSON.stringify({ resource: { aws_iam_role: { r: { count: 1e9, name: "r" } } } });
    const [input] = loadInputs([tempJson(text, "main.tf.json")]);
    expect(() => normalize(input!)).toThrow(InputError);
    expect(() => normalize(input!)).toThrow(/main\.tf\.json: aws_iam_role\.r has count = 1000000000, above the 10000 instances this reader expands/);
  });
});
