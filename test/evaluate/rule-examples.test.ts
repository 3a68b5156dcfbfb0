// Every rule's README examples (examples/rules/<area>/<rule>/) run through the real loader,
// normalizer, input-model schema and compiled wasm, so the docs cannot drift from what the rules do.
//
// Layout per rule: examples/rules/<area>/<rule>/fail.*.json and pass.*.json (at least fail.tf.json and
// pass.tf.json), and expected.json there mapping each example file to the exact, sorted set of rule
// ids it produces. A fail example must produce its own rule; a pass example must not. A rule that is off
// by default (an optional AWS Config parity rule) has params.json there: the parameters, over the
// defaults, that its examples run with.
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { beforeAll, describe, expect, test } from "vitest";
import { PolicyEngine } from "../../src/evaluate/engine.js";
import { loadInputs } from "../../src/load/index.js";
import { normalize } from "../../src/normalize/index.js";
import { describeFirstError, validator } from "../../src/schemas/ajv.js";

const repo = join(import.meta.dirname, "..", "..");

interface ManifestRule {
  id: string;
  package: string;
  readme: string;
}

const manifest = JSON.parse(readFileSync(join(repo, "policies/dist/rules.json"), "utf8")) as { rules: ManifestRule[] };
const rules = [...manifest.rules].sort((a, b) => a.id.localeCompare(b.id));
const REQUIRED = ["fail.tf.json", "pass.tf.json"];
const EXAMPLE_FILE = /^(fail|pass)\.[^/]*json$/;

function folderOf(rule: ManifestRule): string {
  return join(repo, dirname(rule.readme));
}

/** Outside policies/: OPA loads every *.json under a -d directory as data, so examples there break "opa test policies". */
function examplesRel(rule: ManifestRule): string {
  return `examples/rules/${rule.package.replace(".", "/")}`;
}

function examplesDir(rule: ManifestRule): string {
  return join(repo, examplesRel(rule));
}

function exampleFiles(rule: ManifestRule): string[] {
  const dir = examplesDir(rule);
  return existsSync(dir) ? readdirSync(dir).filter((f) => EXAMPLE_FILE.test(f)).sort() : [];
}

function expectedOf(rule: ManifestRule): Record<string, string[]> {
  return JSON.parse(readFileSync(join(examplesDir(rule), "expected.json"), "utf8")) as Record<string, string[]>;
}

/** The README's "## Examples" section (up to the next heading of the same level, or the end). */
function examplesSection(readme: string): string | null {
  const m = /^## Examples[ \t]*\n([\s\S]*?)(?=^## |(?![\s\S]))/m.exec(readme);
  return m ? m[1]! : null;
}

/** The ```json blocks of the section, each with the example file named on the line just before it. */
function snippets(section: string): { file: string; lines: string[] }[] {
  const out: { file: string; lines: string[] }[] = [];
  for (const m of section.matchAll(/^([^\n]*)\n```json\n([\s\S]*?)\n```/gm)) {
    const file = /`examples\/rules\/[^`]*\/([^`/]+)`/.exec(m[1]!)?.[1];
    if (file) out.push({ file, lines: m[2]!.split("\n") });
  }
  return out;
}

let engine: PolicyEngine;
const validate = validator("input-model");

beforeAll(async () => {
  engine = await PolicyEngine.load();
});

function paramsOf(rule: ManifestRule): Record<string, unknown> {
  const file = join(examplesDir(rule), "params.json");
  const extra = existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>) : {};
  return { ...engine.manifest.params, ...extra };
}

function ruleIdsOf(path: string, params: Record<string, unknown> = engine.manifest.params): string[] {
  const inputs = loadInputs([path]);
  expect(inputs).toHaveLength(1);
  const input = inputs[0]!;
  expect(input.kind, `${path} should load as a plain *.tf.json`).toBe("terraform-json");
  const model = normalize(input);
  const valid = validate(model);
  expect(valid, `${path}: model does not match input-model.schema.json: ${describeFirstError(validate.errors)}`).toBe(true);
  const findings = engine.evaluate(model, params);
  return [...new Set(findings.map((f) => f.rule_id))].sort();
}

test("no examples are left under policies/ (OPA would load them as data)", () => {
  for (const rule of rules) expect(existsSync(join(folderOf(rule), "examples")), `${folderOf(rule)}/examples: move it to ${examplesRel(rule)}`).toBe(false);
});

test("rules.json lists rules with README folders", () => {
  expect(rules.length).toBeGreaterThan(0);
  for (const rule of rules) expect(existsSync(join(repo, rule.readme)), rule.readme).toBe(true);
});

describe.each(rules.map((r) => [r.id, r] as const))("%s examples", (id, rule) => {
  test("has examples/fail.tf.json, examples/pass.tf.json and an expected.json covering exactly its example files", () => {
    const files = exampleFiles(rule);
    for (const name of REQUIRED) expect(files, `${examplesDir(rule)} lacks ${name}`).toContain(name);
    const expected = expectedOf(rule);
    expect(Object.keys(expected).sort()).toEqual(files);
    for (const [file, ids] of Object.entries(expected)) {
      expect(ids, `${file}: expected rule ids must be a sorted list without duplicates`).toEqual([...new Set(ids)].sort());
      if (file.startsWith("fail.")) expect(ids, `${file} must list ${id}`).toContain(id);
      else expect(ids, `${file} must not list ${id}`).not.toContain(id);
    }
  });

  test("README has an Examples section naming both files, whose snippets are lines of those files", () => {
    const readme = readFileSync(join(repo, rule.readme), "utf8");
    const section = examplesSection(readme);
    expect(section, `${rule.readme} has no "## Examples" section`).not.toBeNull();
    for (const name of REQUIRED) expect(section, `${rule.readme} does not mention ${examplesRel(rule)}/${name}`).toContain(`${examplesRel(rule)}/${name}`);
    const blocks = snippets(section!);
    expect(blocks.map((b) => b.file).sort(), `${rule.readme}: one json block for the fail example and one for its fix`).toEqual(REQUIRED);
    for (const { file, lines } of blocks) {
      const text = readFileSync(join(examplesDir(rule), file), "utf8");
      for (const raw of lines) {
        const line = raw.trim().replace(/,$/, "");
        if (line === "..." || /^[[\]{}]*$/.test(line)) continue;
        expect(text, `${rule.readme} shows a line that is not in examples/${file}: ${line}`).toContain(line);
      }
    }
  });

  test("fail example produces exactly its expected rule ids (including this rule)", () => {
    const expected = expectedOf(rule);
    for (const file of exampleFiles(rule).filter((f) => f.startsWith("fail."))) {
      const ids = ruleIdsOf(join(examplesDir(rule), file), paramsOf(rule));
      expect(ids, `${file} must produce ${id}`).toContain(id);
      expect(ids, `${file}: rule ids differ from examples/expected.json`).toEqual(expected[file]);
    }
  });

  test("pass example produces no finding for this rule (and exactly its expected rule ids)", () => {
    const expected = expectedOf(rule);
    for (const file of exampleFiles(rule).filter((f) => f.startsWith("pass."))) {
      const ids = ruleIdsOf(join(examplesDir(rule), file), paramsOf(rule));
      expect(ids, `${file} must not produce ${id}`).not.toContain(id);
      expect(ids, `${file}: rule ids differ from examples/expected.json`).toEqual(expected[file]);
    }
  });
});
