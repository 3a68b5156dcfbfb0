import { mkdtempSync, mkdirSync, readdirSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { describe, expect, test } from "vitest";
import { runCheck } from "../../src/check.js";
import { parseHclFile } from "../../src/load/hcl-body.js";
import { attachSources, loadInputs } from "../../src/load/index.js";
import type { LoadedInput } from "../../src/load/types.js";
import { configAddress } from "../../src/normalize/source-origin.js";
import { renderers } from "../../src/report/index.js";
import { fixtures, repoRoot } from "../helpers/paths.js";

const NOW = new Date("2025-06-01T12:00:00Z");

/** The 1-based line of the `resource "T" "N"` / `data "T" "N"` header, found in the fixture text. */
function headerLine(dir: string, address: string): { file: string; line: number } | null {
  const parts = configAddress(address).split(".");
  let moduleDir = dir;
  // module.x.<rest>: the module's folder comes from its source in the caller's text
  while (parts[0] === "module") {
    const name = parts[1]!;
    const callerText = readdirSync(moduleDir).filter((f) => f.endsWith(".tf") || f.endsWith(".tf.json")).map((f) => readFileSync(join(moduleDir, f), "utf8")).join("\n");
    const m = new RegExp(`(?:module "${name}" \\{|"${name}"\\s*:\\s*\\{)[^}]*?"?source"?\\s*[=:]\\s*"([^"]+)"`, "s").exec(callerText);
    if (!m) return null;
    moduleDir = join(moduleDir, m[1]!);
    parts.splice(0, 2);
  }
  const data = parts[0] === "data";
  const [type, name] = data ? [parts[1], parts[2]] : [parts[0], parts[1]];
  for (const f of readdirSync(moduleDir).sort()) {
    if (!f.endsWith(".tf") && !f.endsWith(".tf.json")) continue;
    const lines = readFileSync(join(moduleDir, f), "utf8").split("\n");
    const i = f.endsWith(".tf.json")
      ? lines.findIndex((l, k) => l.trim().startsWith(`"${name}"`) && lines.slice(0, k).reverse().find((p) => p.includes(`"${type}"`)) !== undefined)
      : lines.findIndex((l) => new RegExp(`^${data ? "data" : "resource"} "${type}" "${name}"`).test(l));
    if (i >= 0) return { file: relative(repoRoot, join(moduleDir, f)), line: i + 1 };
  }
  return null;
}

const cases = readdirSync(fixtures("hcl")).filter((c) => !c.startsWith("_") && existsSync(fixtures("plans", `${c}.json`)));

describe("findings on the .tf line (check --source)", () => {
  test.each(cases)("%s: every finding's file/line is its block's header (or an argument inside it)", async (name) => {
    const dir = fixtures("hcl", name);
    const report = await runCheck({ paths: [relative(repoRoot, fixtures("plans", `${name}.json`))], source: relative(repoRoot, dir), now: NOW });
    expect(report.inputs[0]!.source).toMatchObject({ found_by: "flag", root: relative(repoRoot, dir) });
    let placed = 0;
    for (const f of report.findings) {
      const expected = headerLine(dir, f.resource);
      if (!expected) {
        // not in the configuration (deleted by the plan): the location stays the plan
        expect(f.location.file, f.resource).toBe(relative(repoRoot, fixtures("plans", `${name}.json`)));
        continue;
      }
      placed++;
      expect(f.location.file, f.resource).toBe(expected.file);
      // An attribute's line lies inside the block, at or after its header.
      expect(f.location.line, `${f.resource} ${f.attribute}`).toBeGreaterThanOrEqual(expected.line);
      const text = readFileSync(join(repoRoot, expected.file), "utf8").split("\n");
      const top = f.attribute.split(/[.[]/)[0]!;
      if (f.location.line !== expected.line) expect(text[f.location.line! - 1]).toMatch(new RegExp(`\\b${top}\\b`));
    }
    if (report.findings.some((f) => headerLine(dir, f.resource) !== null)) expect(placed).toBeGreaterThan(0);
  });

  test("modules: a finding in a child module points at the module's file; SARIF uses %SRCROOT%", async () => {
    const report = await runCheck({ paths: ["test/fixtures/plans/modules.json"], source: "test/fixtures/hcl/modules", now: NOW });
    const inModule = report.findings.filter((f) => f.resource.startsWith("module.app."));
    expect(inModule.length).toBeGreaterThan(0);
    for (const f of inModule) expect(f.location.file).toBe("test/fixtures/hcl/modules/modules/app-runner-service/main.tf");
    const sarif = JSON.parse(renderers.sarif(report));
    expect(sarif.runs[0].originalUriBaseIds["%SRCROOT%"]).toBeDefined();
    const loc = sarif.runs[0].results[0].locations[0].physicalLocation;
    expect(loc.artifactLocation.uriBaseId).toBe("%SRCROOT%");
    expect(loc.artifactLocation.uri).not.toMatch(/^\/|^file:/);
    expect(renderers.text(report, { color: false })).toMatch(/test\/fixtures\/hcl\/modules\/modules\/app-runner-service\/main\.tf:\d+/);
    expect(renderers.text(report, { color: false })).toContain("source test/fixtures/hcl/modules (--source)");
  });

  test("SARIF locations of the modules fixture with its source match test/fixtures/reports/golden/source-modules.sarif-locations.json", async () => {
    const report = await runCheck({ paths: ["test/fixtures/plans/modules.json"], source: "test/fixtures/hcl/modules", now: NOW });
    const run = JSON.parse(renderers.sarif(report)).runs[0];
    // Only the location parts are pinned: rule texts and the bundle hash change with every rule edit.
    const pinned = JSON.stringify({ originalUriBaseIds: run.originalUriBaseIds, locations: run.results.map((r: { ruleId: string; locations: unknown[] }) => [r.ruleId, r.locations]) }, null, 2) + "\n";
    const path = fixtures("reports", "golden", "source-modules.sarif-locations.json");
    if (process.env.UPDATE_GOLDEN === "1" || !existsSync(path)) writeFileSync(path, pinned);
    expect(pinned).toBe(readFileSync(path, "utf8"));
  });

  test("no source found: locations stay the plan file, and the report says none was found", async () => {
    const report = await runCheck({ paths: ["test/fixtures/plans/modules.json"], now: NOW });
    expect(report.inputs[0]!.source).toBeNull();
    for (const f of report.findings) expect(f.location.file).toBe("test/fixtures/plans/modules.json");
    expect(renderers.text(report, { color: false })).toContain("no .tf source found");
  });

  test("plan-dir: a plan next to its .tf is placed without --source", async () => {
    const dir = mkdtempSync(join(tmpdir(), "src-plan-dir-"));
    writeFileSync(join(dir, "main.tf"), readFileSync(fixtures("hcl", "insecure-iam", "main.tf")));
    writeFileSync(join(dir, "plan.json"), readFileSync(fixtures("plans", "insecure-iam.json")));
    const inputs = loadInputs([join(dir, "plan.json")]);
    await attachSources(inputs, { cwd: repoRoot });
    expect(inputs[0]!.source?.found_by).toBe("plan-dir");
    expect(Object.keys(inputs[0]!.source!.blocks).length).toBeGreaterThan(0);
  });

  test("unreadable module: a registry module without .terraform/modules is recorded, not an error; with modules.json it is read", async () => {
    const dir = mkdtempSync(join(tmpdir(), "src-unreadable-"));
    writeFileSync(join(dir, "main.tf"), 'module "svc" {\n  source = "acme/svc/aws"\n}\n');
    const plan = { format_version: "1.2", configuration: { root_module: { module_calls: { svc: { source: "acme/svc/aws", module: {} } } } } };
    const inputs: LoadedInput[] = [{ kind: "terraform-plan", path: join(dir, "plan.json"), stack: null, document: plan, text: "", sha256: "", bytes: 0 }];
    await attachSources(inputs, { source: dir });
    expect(inputs[0]!.source!.unreadable["module.svc"]).toMatch(/not downloaded|terraform init/);
    mkdirSync(join(dir, ".terraform", "modules", "svc"), { recursive: true });
    writeFileSync(join(dir, ".terraform", "modules", "modules.json"), JSON.stringify({ Modules: [{ Key: "", Source: "", Dir: "." }, { Key: "svc", Source: "registry.terraform.io/acme/svc/aws", Dir: ".terraform/modules/svc" }] }));
    writeFileSync(join(dir, ".terraform", "modules", "svc", "main.tf"), '\n\nresource "aws_iam_role" "instance" {\n  name = "x"\n}\n');
    await attachSources(inputs, { source: dir });
    expect(inputs[0]!.source!.unreadable).toEqual({});
    expect(inputs[0]!.source!.blocks["module.svc.aws_iam_role.instance"]).toMatchObject({ line: 3, attribute_lines: { name: 4 } });
  });

  test("broken .tf: one-line input error naming the file", async () => {
    const dir = mkdtempSync(join(tmpdir(), "src-broken-"));
    writeFileSync(join(dir, "main.tf"), 'resource "aws_iam_role" "x" {\n  name = \n');
    const inputs = loadInputs(["test/fixtures/plans/insecure-iam.json"]);
    await expect(attachSources(inputs, { source: dir })).rejects.toThrow(/main\.tf: not valid HCL: .*main\.tf:\d+/);
  });
});

describe("the line scanner", () => {
  test("braces in strings, heredocs and comments, one-line and dynamic blocks", () => {
    const text = [
      '# resource "no" "comment" {',
      "/* resource \"no\" \"block\" { */",
      'resource "aws_iam_role" "a" {',
      '  name = "}${jsonencode({ a = "}" })}{"',
      "  policy = <<EOF",
      "{ } } resource \"no\" \"heredoc\" {",
      "EOF",
      "  dynamic \"statement\" {",
      "    for_each = {}",
      "    content { x = 1 }",
      "  }",
      "  tags = {",
      "    inner = 1",
      "  }",
      "  // } not the end",
      "  description = \"x\"",
      "}",
      'data "aws_iam_policy_document" "d" { statement { actions = ["*"] } }',
      'resource "aws_x" "one" { name = "x" }',
    ].join("\n");
    const blocks = parseHclFile("main.tf", text).blocks;
    expect(blocks.map((b) => [b.key, b.line])).toEqual([
      ["resource.aws_iam_role.a", 3],
      ["data.aws_iam_policy_document.d", 18],
      ["resource.aws_x.one", 19],
    ]);
    expect(blocks[0]!.attributes).toEqual({ name: 4, policy: 5, dynamic: 8, statement: 8, tags: 12, description: 16 });
    expect(blocks[1]!.attributes).toEqual({ statement: 18 });
    expect(blocks[2]!.attributes).toEqual({ name: 19 });
  });

  test("configuration addresses drop instance keys", () => {
    expect(configAddress('module.a["k]"].aws_x.y[0]')).toBe("module.a.aws_x.y");
  });
});
