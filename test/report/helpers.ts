import { readFileSync } from "node:fs";
import { findingSeverity, type Finding, type RawFinding } from "../../src/evaluate/engine.js";
import type { RuleManifest } from "../../src/evaluate/rules.js";
import { loadConfig, type GuardConfig } from "../../src/load/config.js";
import { loadInputs } from "../../src/load/index.js";
import { normalize } from "../../src/normalize/index.js";
import { buildReport, type BuildReportOptions } from "../../src/report/build.js";
import type { Report } from "../../src/report/types.js";
import { fixtures, repoRoot } from "../helpers/paths.js";

/**
 * Golden reports come from real inputs through the real loader and normalizer, with findings and rule
 * facts frozen in test/fixtures/reports (findings.json, rules.json with a fixed wasm sha256): a rebuilt
 * bundle or a reworded rule does not churn the goldens, while every renderer is pinned byte for byte.
 * The CLI tests run the real bundle. applicable.json freezes, the same way, which resources each rule examined.
 */
export const GOLDEN_NOW = new Date("2025-06-01T12:00:00Z");
export const GOLDEN_INPUTS = ["test/fixtures/reports/stack.cdk.tf.json", "test/fixtures/reports/plan.json"];
export const GOLDEN_CONFIG = "test/fixtures/reports/config.json";

export function frozenManifest(): RuleManifest {
  return JSON.parse(readFileSync(fixtures("reports", "rules.json"), "utf8")) as RuleManifest;
}

export function frozenFindings(): Record<string, RawFinding[]> {
  return JSON.parse(readFileSync(fixtures("reports", "findings.json"), "utf8")) as Record<string, RawFinding[]>;
}

export function frozenApplicable(): Record<string, Record<string, string[]>> {
  return JSON.parse(readFileSync(fixtures("reports", "applicable.json"), "utf8")) as Record<string, Record<string, string[]>>;
}

export function withRuleFacts(raw: RawFinding[], manifest: RuleManifest): Finding[] {
  const byPackage = new Map(manifest.rules.map((r) => [r.package, r]));
  const byId = new Map(manifest.rules.map((r) => [r.id, r]));
  return raw.map((f) => {
    const info = byPackage.get(f.rule);
    if (!info) throw new Error(`fixture finding for unknown package ${f.rule}`);
    return { ...f, rule_id: info.id, severity: findingSeverity(info, f.blocks ?? [], byId) };
  });
}

export function goldenReport(overrides: Omit<Partial<BuildReportOptions>, "configPath"> & { configPath?: string | null; config?: GuardConfig } = {}): Report {
  if (process.cwd() !== repoRoot) throw new Error(`run the tests from the repository root (cwd is ${process.cwd()})`);
  const manifest = frozenManifest();
  const raw = frozenFindings();
  const applicable = frozenApplicable();
  const configPath = overrides.configPath === null ? undefined : (overrides.configPath ?? GOLDEN_CONFIG);
  const config = overrides.config ?? loadConfig(configPath);
  const checked = loadInputs(GOLDEN_INPUTS).map((input) => ({
    input,
    model: normalize(input),
    findings: withRuleFacts(raw[input.path] ?? [], manifest),
    applicable: applicable[input.path] ?? null,
  }));
  return buildReport({
    checked,
    manifest,
    wasmSha256: manifest.wasm_sha256,
    config,
    parameters: { ...manifest.params, ...config.params },
    failOn: "high",
    now: GOLDEN_NOW,
    ...overrides,
    configPath,
  });
}
