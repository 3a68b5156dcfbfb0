import { readFileSync } from "node:fs";
import { Ajv2020 } from "ajv/dist/2020.js";
import AjvDraft04Module from "ajv-draft-04";
import addFormatsModule from "ajv-formats";
import { expect } from "vitest";
import type { Report } from "../../src/report/types.js";
import { validator } from "../../src/schemas/ajv.js";
import { join } from "node:path";
import { fixtures, repoRoot } from "../helpers/paths.js";
import { all, parseXml } from "./xml.js";

const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv2020) => void;

/** The trimmed SARIF 2.1.0 schema (test/fixtures/reports) compiled once, on its own ajv: it is a test oracle, not product. */
const sarifAjv = new Ajv2020({ allErrors: true, strict: false });
addFormats(sarifAjv);
export const validateSarif = sarifAjv.compile(JSON.parse(readFileSync(fixtures("reports", "sarif-2.1.0.subset.schema.json"), "utf8")));

/** The full OASIS SARIF 2.1.0 schema (test/schemas/, draft-04): every property, not a subset. */
const AjvDraft04 = ((AjvDraft04Module as unknown as { default?: unknown }).default ?? AjvDraft04Module) as unknown as typeof AjvDraft04Module.default;
const fullAjv = new AjvDraft04({ allErrors: true, strict: false });
addFormats(fullAjv as unknown as Ajv2020);
export const validateFullSarif = fullAjv.compile(JSON.parse(readFileSync(join(repoRoot, "test", "schemas", "sarif-schema-2.1.0.json"), "utf8")));

export function expectValidJsonReport(json: string): void {
  const validate = validator("report.v1");
  const ok = validate(JSON.parse(json));
  expect(validate.errors ?? []).toEqual([]);
  expect(ok).toBe(true);
}

/** Valid against the full SARIF 2.1.0 schema and against GitHub's extra requirements (the subset schema). */
export function expectValidSarif(sarif: string): void {
  const doc = JSON.parse(sarif);
  const full = validateFullSarif(doc);
  expect(validateFullSarif.errors ?? []).toEqual([]);
  expect(full).toBe(true);
  const ok = validateSarif(doc);
  expect(validateSarif.errors ?? []).toEqual([]);
  expect(ok).toBe(true);
}

/** Structural JUnit check: parses strictly, and the counts on every suite match its test cases. */
export function expectValidJunit(xml: string, report: Report): void {
  const root = parseXml(xml);
  expect(root.name).toBe("testsuites");
  const suites = all(root, "testsuite");
  let tests = 0;
  let failures = 0;
  let skipped = 0;
  for (const suite of suites) {
    const cases = all(suite, "testcase");
    for (const c of cases) {
      expect(c.attrs.classname).toBeTruthy();
      expect(c.attrs.name).toBeTruthy();
      expect(all(c, "failure").length + all(c, "skipped").length).toBeLessThanOrEqual(1);
    }
    const f = cases.filter((c) => all(c, "failure").length > 0).length;
    const s = cases.filter((c) => all(c, "skipped").length > 0).length;
    expect(Number(suite.attrs.tests)).toBe(cases.length);
    expect(Number(suite.attrs.failures)).toBe(f);
    expect(Number(suite.attrs.skipped)).toBe(s);
    expect(suite.attrs.errors).toBe("0");
    tests += cases.length;
    failures += f;
    skipped += s;
  }
  expect(Number(root.attrs.tests)).toBe(tests);
  expect(Number(root.attrs.failures)).toBe(failures);
  expect(Number(root.attrs.skipped)).toBe(skipped);
  const inputSuites = suites.filter((s) => s.attrs.name !== "apprunner-guard waivers");
  expect(inputSuites.map((s) => s.attrs.name)).toEqual(report.inputs.map((i) => i.path));
  expect(inputSuites.reduce((n, s) => n + all(s, "testcase").length, 0)).toBe(report.evaluations.length);
}
