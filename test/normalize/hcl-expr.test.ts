import { readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { getReferencesInExpression } from "@cdktf/hcl2json";
import { describe, expect, test } from "vitest";
import { Evaluator, Unknown, parseTemplate, syntacticReferences, type Scope } from "../../src/normalize/hcl-expr.js";
import { referencesIn, specificResource } from "../../src/normalize/hcl-json.js";
import { exampleOut, fixtures, hasRealcases, noteRealcasesSkipped, realcase } from "../helpers/paths.js";

const scope: Scope = {
  instances: (config) => (config === "aws_x.counted" ? [0, 1] : config === "aws_x.keyed" ? ["a", "b"] : config.startsWith("aws_") || config.startsWith("data.") ? null : undefined),
  local: (name) => (name === "name" ? "orders" : undefined),
};
const evaluate = (text: string) => new Evaluator(scope).template(parseTemplate(text));

describe("HCL expressions in *.tf.json strings", () => {
  test.each([
    ["plain text", "hello", "hello"],
    ["escaped interpolation", "$${not.a.ref}", "${not.a.ref}"],
    ["a literal in an interpolation keeps its type", "${8080}", 8080],
    ["locals and functions of literals", '${upper(local.name)}-${length(["a", "b"])}', "ORDERS-2"],
    ["a known conditional picks its branch", '${true ? "yes" : aws_x.y.arn}', "yes"],
    ["toset of literals", '${toset(["a", "b", "a"])}', ["a", "b"]],
    ["jsonencode of literals", '${jsonencode({"A" = ["x"], B = 1})}', '{"A":["x"],"B":1}'],
  ])("%s", (_name, text, value) => {
    expect(evaluate(text)).toEqual(value);
  });

  test("a resource attribute is unknown, and names one specific resource", () => {
    const v = evaluate("${aws_x.y.arn}") as Unknown;
    expect(v).toBeInstanceOf(Unknown);
    expect([v.refs, v.reference]).toEqual([["aws_x.y"], { address: "aws_x.y", attribute: "arn" }]);
    const keyed = evaluate('${aws_x.keyed["b"].arn}/*') as Unknown;
    expect([keyed.refs, keyed.reference, keyed.suffix]).toEqual([['aws_x.keyed["b"]'], { address: 'aws_x.keyed["b"]', attribute: "arn" }, "/*"]);
  });

  test("an unknown conditional, a splat and coalesce() name every candidate and no specific resource", () => {
    for (const text of ["${var.a ? aws_x.a.arn : aws_x.b.arn}", "${coalesce(aws_x.a.arn, aws_x.b.arn)}"]) {
      const v = evaluate(text) as Unknown;
      expect([v.refs, v.reference]).toEqual([["aws_x.a", "aws_x.b"], null]);
    }
    const splat = evaluate("${aws_x.counted[*].arn}");
    expect(Array.isArray(splat) && splat.map((u) => (u as Unknown).refs)).toEqual([["aws_x.counted[0]"], ["aws_x.counted[1]"]]);
  });

  test("specificResource: exactly one attribute of one resource, optionally followed by literal text", () => {
    expect(specificResource("${aws_s3_bucket.b.arn}/*")).toBe("aws_s3_bucket.b");
    expect(specificResource('${aws_x.y["k"].arn}')).toBe('aws_x.y["k"]');
    expect(specificResource("${data.aws_iam_role.r.arn}")).toBe("data.aws_iam_role.r");
    for (const text of ["${aws_x.y}", "${var.arn}", "arn:${aws_x.y.arn}", "${aws_x.y.arn}${aws_z.w.arn}", "${aws_x.y[*].arn}", "${coalesce(aws_x.a.arn)}"]) {
      expect(specificResource(text), text).toBeNull();
    }
  });
});

/** Every `${...}` string of real synthesized stacks and fixture folders. */
function expressionStrings(): string[] {
  const files: string[] = [];
  const walkDir = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walkDir(path);
      else if (name.endsWith(".tf.json")) files.push(path);
    }
  };
  walkDir(fixtures("hcl"));
  walkDir(exampleOut());
  if (hasRealcases) files.push(realcase("bdchatham__obsidian-attestation-manager/cdktf.out/stacks/attestation-manager/cdk.tf.json"));
  else noteRealcasesSkipped("hcl-expr references oracle");
  const out = new Set<string>();
  const visit = (v: unknown) => {
    if (typeof v === "string" && v.includes("${")) out.add(v);
    else if (Array.isArray(v)) v.forEach(visit);
    else if (v && typeof v === "object") Object.values(v).forEach(visit);
  };
  for (const f of files) visit(JSON.parse(readFileSync(f, "utf8")));
  return [...out].sort();
}

/**
 * The string as an HCL quoted template, as Terraform sees a JSON string value: literal text escaped,
 * the `${...}` parts copied as they are (braces and strings inside them skipped over).
 */
function asQuotedTemplate(text: string): string {
  let out = '"';
  for (let i = 0; i < text.length; i++) {
    if (text.startsWith("$${", i)) {
      out += "$${";
      i += 2;
    } else if (text.startsWith("${", i)) {
      let depth = 0;
      let j = i + 1;
      for (; j < text.length; j++) {
        const c = text[j];
        if (c === '"') {
          for (j++; j < text.length && text[j] !== '"'; j++) if (text[j] === "\\") j++;
        } else if (c === "{") depth++;
        else if (c === "}" && --depth === 0) break;
      }
      out += text.slice(i, j + 1);
      i = j;
    } else {
      const c = text[i]!;
      out += c === '"' ? '\\"' : c === "\\" ? "\\\\" : c === "\n" ? "\\n" : c;
    }
  }
  return out + '"';
}

/** hcl2json's reference strings ("aws_x.y.0.arn", 'aws_x.y."k".arn') as resource addresses. */
function oracleAddress(reference: string): string | null {
  const parts = reference.match(/"(?:[^"\\]|\\.)*"|[^.]+/g) ?? [];
  const [head, ...rest] = parts;
  if (!head || ["var", "local", "each", "count", "path", "terraform", "self", "module"].includes(head)) return null;
  const isData = head === "data";
  const config = isData ? rest.slice(0, 2) : [head, rest[0]];
  if (config.some((p) => p === undefined) || (!isData && !/^[a-z][a-z0-9]*_[a-z0-9_]+$/.test(head))) return null;
  const address = (isData ? ["data", ...config] : config).join(".");
  const key = rest[isData ? 2 : 1];
  if (key !== undefined && (/^\d+$/.test(key) || key.startsWith('"'))) return `${address}[${key}]`;
  return address;
}

describe("the references this parser reads equal HCL's own (@cdktf/hcl2json, Go HCL in wasm) on real stacks", () => {
  test("every ${...} string of the example app, the fixtures and the real cdktf case", async () => {
    const strings = expressionStrings();
    expect(strings.length).toBeGreaterThan(30);
    for (const text of strings) {
      const oracle = [...new Set((await getReferencesInExpression("main.tf", asQuotedTemplate(text))).map((r) => oracleAddress(r.value)).filter((a): a is string => a !== null))].sort();
      expect(referencesIn(text), text).toEqual(oracle);
    }
  }, 120_000);

  test("the parser reads every one of them (no fallback)", () => {
    for (const text of expressionStrings()) expect(() => syntacticReferences(parseTemplate(text)), text).not.toThrow();
  });
});

describe("hostile expressions", () => {
  test.each([
    ["unary operators", "${" + "!".repeat(50_000) + "true}"],
    ["nested templates", '${"'.repeat(20_000) + "x" + '"}'.repeat(20_000)],
    ["nested tuples", "${" + "[".repeat(50_000) + "]".repeat(50_000) + "}"],
  ])("%s: a syntax error (read as unknown), not a stack overflow", (_name, text) => {
    expect(() => parseTemplate(text)).toThrow(/nests too deep/);
    expect(referencesIn(text)).toEqual([]);
  });
});
