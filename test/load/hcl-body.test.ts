// The .tf reader (src/load/hcl-body.ts) held to HCL's own parser, @cdktf/hcl2json (Go HCL in wasm), on
// every .tf file of the fixtures: the same blocks, arguments and, once both are evaluated by the
// *.tf.json reader's expression evaluator, the same values (literal parts known, references the same).
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { parse } from "@cdktf/hcl2json";
import { describe, expect, test } from "vitest";
import { parseHclFile, scanHclFile } from "../../src/load/hcl-body.js";
import { Evaluator, parseTemplate, renderLeaves, type Scope, type Value } from "../../src/normalize/hcl-expr.js";
import { fixtures, repoRoot } from "../helpers/paths.js";

function tfFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (name === ".terraform") continue;
    if (statSync(path).isDirectory()) out.push(...tfFiles(path));
    else if (name.endsWith(".tf")) out.push(path);
  }
  return out;
}

const scope: Scope = { instances: () => undefined, local: () => undefined };

/** A configuration value as the *.tf.json reader sees it: strings are templates, evaluated with nothing known. */
function evaluated(value: unknown): unknown {
  if (typeof value === "string") {
    if (!value.includes("${") && !value.includes("%{")) return value;
    try {
      return renderLeaves(new Evaluator(scope).template(parseTemplate(value)) as Value);
    } catch {
      return "(not readable)";
    }
  }
  if (Array.isArray(value)) return value.map(evaluated);
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, evaluated(v)]));
  return value;
}

const files = tfFiles(fixtures("hcl"));

describe("src/load/hcl-body.ts reads every fixture .tf file as HCL's own parser does", () => {
  test("there are files to compare", () => expect(files.length).toBeGreaterThan(50));

  test.each(files.map((f) => relative(repoRoot, f)))("%s", async (file) => {
    const text = readFileSync(join(repoRoot, file), "utf8");
    const ours = parseHclFile(file, text).document;
    const theirs = await parse(file, text);
    expect(evaluated(JSON.parse(JSON.stringify(ours)))).toEqual(evaluated(theirs));
    // The scan finds the same blocks, and each block's body parsed later is the one of the whole file.
    const scanned = scanHclFile(file, text);
    expect(scanned.blocks).toEqual(parseHclFile(file, text).blocks);
    for (const b of scanned.blocks) {
      const [mode, type, name] = b.key.split(".") as [string, string, string];
      const whole = ((ours[mode] as Record<string, Record<string, unknown[]>>)[type]![name]![0]);
      expect(JSON.parse(JSON.stringify(scanned.bodyOf(b.key))), b.key).toEqual(JSON.parse(JSON.stringify(whole)));
    }
  });
});

describe("shapes the fixtures do not all show, against HCL's own parser", () => {
  const tricky = [
    "locals {",
    "  enabled = { for k, v in var.services : k => v if v.enabled } # a comment",
    '  banner  = "a } b { c ${var.x} d \\"quoted\\" ${"}"}"',
    "  policy = <<-EOT",
    "    {\"Resource\": \"${aws_s3_bucket.b.arn}/*\"}",
    "    EOT",
    "  script = <<EOF",
    "echo } {",
    "EOF",
    "  joined = join(\",\", [",
    "    # a comment inside brackets",
    "    var.a, /* and another */ var.b,",
    "  ])",
    '  escaped = "$${not_a_template} and %%{not_a_directive}"',
    '  directive = "%{ if var.on }on%{ else }off%{ endif }"',
    "  neg = -1.5e3",
    '  unicode = "caf\\u00e9"',
    "}",
    'resource "aws_x" "y" {',
    "  lifecycle { ignore_changes = [tags] }",
    '  dynamic "setting" {',
    "    for_each = var.settings",
    "    iterator = s",
    "    content {",
    "      name  = s.key",
    "      value = s.value",
    "    }",
    "  }",
    "  tags = merge(local.tags, {",
    '    Name = "y"',
    "  })",
    "}",
    'module "m" {',
    '  source = "./m"',
    "  count  = var.on ? 1 : 0",
    "}",
    "",
  ].join("\n");

  test("for expressions, braces in strings and templates, heredocs, comments in brackets, escapes, one-line blocks", async () => {
    const ours = parseHclFile("tricky.tf", tricky).document;
    expect(evaluated(JSON.parse(JSON.stringify(ours)))).toEqual(evaluated(await parse("tricky.tf", tricky)));
    expect((ours.module as Record<string, [Record<string, unknown>]>).m[0].source).toBe("./m");
  });
});

describe("what makes the structure ambiguous is an input error naming the file and line", () => {
  test.each([
    ['resource "a_b" "c" {\n  x = 1\n', /main\.tf:1: a block is not closed/],
    ['resource "a_b" "c" {\n  x = "abc\n}\n', /main\.tf:2: a quoted string is not closed on its line/],
    ['resource "a_b" "c" {\n  x = 1\n  x = 2\n}\n', /main\.tf:3: the argument "x" is set twice/],
    ['resource "a_b" "c" {\n  x = [1,\n  2\n}\n', /main\.tf:2: an expression's brackets are not closed/],
    ['locals {\n  p = <<EOF\nabc\n', /main\.tf:2: the heredoc <<EOF is not closed/],
    ["/* a comment\n", /main\.tf:1: a \/\* comment is not closed/],
    ['resource "a_b" "c" {\n  = 1\n}\n', /main\.tf:2: expected an argument or a block/],
  ])("%j", (text, message) => {
    expect(() => parseHclFile("main.tf", text)).toThrow(message);
  });

  test("lines: each resource block's header and its arguments' lines, dynamic blocks under their label", () => {
    const text = ['# c', 'resource "aws_x" "a" {', '  name = "n"', '  dynamic "statement" {', "    for_each = var.s", "    content {}", "  }", "}", 'data "aws_y" "b" {}'].join("\n");
    expect(parseHclFile("main.tf", text).blocks).toEqual([
      { key: "resource.aws_x.a", line: 2, attributes: { name: 3, dynamic: 4, statement: 4 }, rich: ["dynamic", "statement"] },
      { key: "data.aws_y.b", line: 9, attributes: {}, rich: [] },
    ]);
  });

  test("rich: the arguments and blocks that write more than a bare reference", () => {
    const text = [
      'resource "aws_x" "a" {',
      "  role   = aws_iam_role.r.id",
      "  subnets = [aws_subnet.a.id, aws_subnet.b.id]",
      '  name   = "literal"',
      "  count_ = 3",
      '  policy = jsonencode({ Action = "sqs:*", Resource = aws_sqs_queue.q.arn })',
      "  arn    = \"${aws_s3_bucket.b.arn}/*\"",
      "  doc    = local.policy",
      "  source_configuration {",
      "    image_repository {",
      "      image_configuration {",
      "        runtime_environment_secrets = { DB = aws_secretsmanager_secret.db.arn }",
      "      }",
      "    }",
      "  }",
      "  network_configuration {",
      "    egress_type = \"VPC\"",
      "    vpc_connector_arn = aws_apprunner_vpc_connector.c.arn",
      "  }",
      "}",
    ].join("\n");
    for (const read of [parseHclFile, scanHclFile]) {
      expect(read("main.tf", text).blocks[0]!.rich).toEqual(["arn", "doc", "policy", "source_configuration"]);
    }
  });
});
