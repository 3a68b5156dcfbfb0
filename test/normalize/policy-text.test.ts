import { describe, expect, it } from "vitest";
import { parsePolicyJson, scanPolicyText } from "../../src/normalize/iam/policy-json.js";

/** The reading scanPolicyText must agree with: JSON.parse without losing keys, then a walk of the document. */
function reference(text: string, maxDepth: number): { duplicate: string | null; tooDeep: boolean } {
  let duplicate: string | null = null;
  // A reviver sees each object after its last duplicate won, so the keys are counted from the text's
  // own tokens instead: a tiny tokenizer that only needs to be right, not fast.
  const stack: (Set<string> | null)[] = [];
  let deepest = 0;
  const tokens = text.match(/"(?:[^"\\]|\\.)*"\s*:?|[{}[\]]/g) ?? [];
  for (const token of tokens) {
    if (token === "{" || token === "[") {
      stack.push(token === "{" ? new Set() : null);
      deepest = Math.max(deepest, stack.length);
    } else if (token === "}" || token === "]") stack.pop();
    else if (token.endsWith(":")) {
      const keys = stack[stack.length - 1];
      const key = JSON.parse(token.slice(0, -1).trim()) as string;
      if (keys?.has(key)) {
        duplicate = key;
        break; // the repeated key is the answer; nesting after it is not read
      }
      keys?.add(key);
    }
  }
  return { duplicate, tooDeep: deepest > maxDepth };
}

function nested(depth: number): string {
  return "[".repeat(depth) + "]".repeat(depth);
}

describe("scanPolicyText", () => {
  it("finds a key written twice in one object, escapes decoded, but not the same key in different objects", () => {
    expect(scanPolicyText('{"Statement":[{"Effect":"Deny","Effect":"Allow"}]}', 64).duplicate).toBe("Effect");
    expect(scanPolicyText('{"Effect":"Deny","Eff\\u0065ct":"Allow"}', 64).duplicate).toBe("Effect");
    expect(scanPolicyText('{"a":{"k":1},"b":{"k":2}, "s": ["k", "k"]}', 64).duplicate).toBeNull();
    expect(scanPolicyText('{"v":"has \\"quotes\\" and : colons","w" : 1 , "w"\n:2}', 64).duplicate).toBe("w");
  });

  it(`says when objects and arrays nest deeper than the limit, as a walk of the parsed document does`, () => {
    expect(scanPolicyText(`{"x":${nested(63)}}`, 64).tooDeep).toBe(false);
    expect(scanPolicyText(`{"x":${nested(64)}}`, 64).tooDeep).toBe(true);
    expect(scanPolicyText(`{"x":"${"[".repeat(100)}"}`, 64).tooDeep).toBe(false); // brackets inside a string
  });

  it("agrees with the reference reading on random policy-like texts", () => {
    let seed = 11;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const names = ["Effect", "Action", "Resource", "Eff\\u0065ct", 'A\\"b', "k:v", "Sid"];
    const value = (depth: number): string => {
      const r = random();
      if (depth > 8 || r < 0.3) return JSON.stringify(["Allow", "s3:*", "a \"q\" {[", 1, null][Math.floor(random() * 5)]);
      if (r < 0.55) return `[${Array.from({ length: Math.floor(random() * 3) }, () => value(depth + 1)).join(", ")}]`;
      const keys = Array.from({ length: Math.floor(random() * 4) }, () => names[Math.floor(random() * names.length)]!);
      return `{${keys.map((k) => `"${k}"${random() < 0.3 ? " " : ""}:${value(depth + 1)}`).join(",")}}`;
    };
    for (let i = 0; i < 400; i++) {
      const text = value(0);
      JSON.parse(text);
      expect(scanPolicyText(text, 4)).toEqual(reference(text, 4));
    }
  });

  it("parsePolicyJson refuses both, the repeated key first", () => {
    const deepWithDuplicate = `{"Statement":[], "Statement":${nested(70)}}`;
    expect(parsePolicyJson(deepWithDuplicate, "aws_iam_role_policy.p")).toMatchObject({ unreadable: expect.stringContaining('key "Statement" twice') });
    expect(parsePolicyJson(`{"Statement":[], "X":${nested(70)}}`, "aws_iam_role_policy.p")).toMatchObject({ unreadable: expect.stringContaining("deeper than 64") });
  });
});
