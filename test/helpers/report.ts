import { readFileSync } from "node:fs";
import { findingSeverity, type Finding, type RawFinding } from "../../src/evaluate/engine.js";
import type { RuleManifest } from "../../src/evaluate/rules.js";
import { loadConfig, type GuardConfig } from "../../src/load/config.js";
import { loadInputs } from "../../src/load/index.js";
import { normalize } from "../../src/normalize/index.js";
import { priorView } from "../../src/normalize/prior.js";
import { baselineEntry, valueFingerprint } from "../../src/report/baseline.js";
import { buildReport, type BuildReportOptions } from "../../src/report/build.js";
import type { Report } from "../../src/report/types.js";
import { fixtures, repoRoot } from "./paths.js";

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

export const DIFF_INPUTS = ["test/fixtures/plans/diff-made-public.json", "test/fixtures/plans/diff-role-unchanged.json"];

/**
 * The diff-aware report, pinned: two real two-step plans (test/fixtures/hcl/diff-*) with their after and
 * before findings frozen in diff-findings.json, --changes-only, and a baseline holding one real entry (AR-NET-001
 * on the status service) and one entry nothing matches (stale).
 */
export function goldenDiffReport(): Report {
  const manifest = frozenManifest();
  const frozen = JSON.parse(readFileSync(fixtures("reports", "diff-findings.json"), "utf8")) as Record<string, { after: RawFinding[]; before: RawFinding[] }>;
  const checked = loadInputs(DIFF_INPUTS).map((input) => {
    const prior = priorView(input)!;
    return {
      input,
      model: normalize(input),
      findings: withRuleFacts(frozen[input.path]!.after, manifest),
      before: { model: normalize(prior), findings: withRuleFacts(frozen[input.path]!.before, manifest) },
    };
  });
  const status = checked[1]!.findings.find((f) => f.resource === "aws_apprunner_service.status")!;
  const statusModel = checked[1]!.model.resources[status.resource];
  const entries = [
    baselineEntry(status, "test/fixtures/plans/diff-role-unchanged.json", valueFingerprint(status.message, status.attribute, statusModel)),
    baselineEntry({ rule_id: "AR-OPS-002", resource: "aws_apprunner_service.api", attribute: "source_configuration.0.image_repository.0.image_identifier" }, "test/fixtures/plans/diff-role-unchanged.json", "0123456789abcdef"),
  ];
  const config: GuardConfig = { params: {}, waivers: [] };
  return buildReport({
    checked,
    manifest,
    wasmSha256: manifest.wasm_sha256,
    config,
    parameters: { ...manifest.params },
    failOn: "high",
    now: GOLDEN_NOW,
    changesOnly: true,
    baseline: { path: "test/fixtures/reports/diff.baseline.json", entries },
  });
}
