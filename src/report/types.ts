import type { Waiver } from "../load/config.js";
import type { InputKind } from "../load/types.js";
import type { Framework, RuleInfo } from "../evaluate/rules.js";
import type { Severity } from "../severity.js";

export const REPORT_VERSION = "1.1.0";
export const REPORT_SCHEMA_ID = "https://apprunner-guard.dev/schemas/report.v1.json";

/** `baselined`: present in the `--baseline` file, reported but not blocking. */
export type FindingStatus = "fail" | "waived" | "baselined";
/**
 * The result of one rule on one resource. `pass` means examined and compliant; `not-applicable` means the
 * rule does not apply to that resource (a private service for the WAF rule); `cannot-verify` means a value
 * the rule needs is unknown (AR-META-001); `baselined` means a failing result recorded in the baseline.
 */
export type EvaluationStatus = "pass" | "fail" | "waived" | "baselined" | "cannot-verify" | "not-applicable";
/** Every status, in the order reports print them. */
export const EVALUATION_STATUSES: readonly EvaluationStatus[] = ["fail", "waived", "baselined", "cannot-verify", "pass", "not-applicable"];
/**
 * What this plan does to a finding, from evaluating the plan's prior state with the same rules:
 * `introduced` (it fails after the plan and did not before), `existing` (it failed before and still
 * does), `unknown` (the input has no prior state: cdktf output, *.tf.json, a plan without one).
 */
export type Delta = "introduced" | "existing" | "unknown";

export interface ReportFinding {
  rule_id: string;
  severity: Severity;
  status: FindingStatus;
  /** Counts against the verdict: not waived and at or above fail_on. */
  blocking: boolean;
  input: string;
  resource: string;
  attribute: string;
  message: string;
  related: string[];
  /** AR-META-001: the rules this finding keeps from being verified (empty for every other rule). */
  blocks: string[];
  /** file: relative to the repository root when it is a .tf source file, else the input as given. */
  location: { file: string; line: number | null; construct_path: string | null };
  waiver: (Waiver & { index: number }) | null;
  delta: Delta;
  /** Introduced on something that existed before this plan and did not fail this rule there. */
  regression: boolean;
  /** For a regression: what the plan changes that makes it fail ("... is deleted by this plan"). */
  what_changed: string[];
  /** Baseline identity: rule, input, address (cdktf hash suffixes removed), attribute, value fingerprint. */
  baseline_id: string;
  /** Fingerprint of the offending value (see report/baseline.ts). */
  fingerprint: string;
}

/**
 * A protection this plan weakens while every rule still passes (a role widened, a private service
 * made public behind a WAF, a secret binding turned into a plain variable): informational, with the
 * severity of the rule it is closest to; blocking only with --fail-on-changes.
 */
export interface ReportChange {
  kind: "iam-widened" | "made-public" | "secret-to-plain" | "waf-removed" | "ingress-removed";
  rule_id: string;
  severity: Severity;
  input: string;
  resource: string;
  /** The attribute the weakening is on ("" when it is about linked resources). */
  attribute: string;
  message: string;
  before: string;
  after: string;
  blocking: boolean;
}

export interface ReportEvaluation {
  rule_id: string;
  input: string;
  resource: string;
  status: EvaluationStatus;
}

export interface ReportWaiver extends Waiver {
  index: number;
  state: "active" | "expired" | "stale";
  matched: number;
  /** The inputs (paths) where it matched a finding. */
  inputs: string[];
}

export interface ReportInput {
  path: string;
  kind: InputKind;
  stack: string | null;
  sha256: string;
  bytes: number;
  resources: number;
  /** The input's path from the repository root (or its stack name): what baselines and waivers' `input` name. */
  identity: string;
  /** Whether a prior state was read, so findings have a delta other than "unknown". */
  prior_state: boolean;
  /** This input's own verdict: no blocking finding or change in it. */
  accepted: boolean;
  blocking: number;
  /**
   * Plans checked by `check`: the .tf configuration findings point into (root folder, how it was found,
   * modules whose source could not be read), or null when none was found. Absent when nobody looked.
   */
  source?: { root: string; found_by: "flag" | "plan-dir" | "cwd"; unreadable: Record<string, string>; values_read: string[]; disagreed: string[] } | null;
}

export interface ReportBaseline {
  path: string;
  entries: number;
  matched: number;
  /** Entries no current finding matches: fixed since, or moved; remove them by writing the baseline again. */
  stale: BaselineEntry[];
}

export interface BaselineEntry {
  id: string;
  rule_id: string;
  input: string;
  resource: string;
  attribute: string;
  fingerprint: string;
}

/** A rule's facts as the report repeats them (rules.json minus where its sources live). */
export type ReportRule = Omit<RuleInfo, "package" | "readme" | "mappings"> & { mappings: NonNullable<RuleInfo["mappings"]> };

export interface SeverityCounts {
  fail: number;
  waived: number;
  baselined: number;
}

export interface Report {
  $schema: typeof REPORT_SCHEMA_ID;
  report_version: typeof REPORT_VERSION;
  /** The only field that differs between two runs on the same input. */
  generated_at: string;
  tool: { name: "apprunner-guard"; version: string };
  policy: { rule_set_version: string; opa_version: string; wasm_sha256: string };
  /** The frameworks the rules' mappings refer to, with their editions. */
  frameworks: Framework[];
  fail_on: Severity;
  parameters: Record<string, unknown>;
  /** --changes-only: only introduced findings block. --fail-on-changes: changes at or above fail_on block. */
  mode: { changes_only: boolean; fail_on_changes: boolean };
  inputs: ReportInput[];
  rules: ReportRule[];
  findings: ReportFinding[];
  evaluations: ReportEvaluation[];
  changes: ReportChange[];
  waivers: ReportWaiver[];
  baseline: ReportBaseline | null;
  summary: {
    accepted: boolean;
    blocking: number;
    findings: number;
    waived: number;
    baselined: number;
    introduced: number;
    existing: number;
    regressions: number;
    changes: number;
    by_severity: Record<Severity, SeverityCounts>;
    evaluations: Record<EvaluationStatus, number>;
    resources_checked: number;
    /** aws_apprunner_service resources in the inputs; 0 means the rules had nothing to check (every format says so). */
    services: number;
    expired_waivers: number;
    stale_waivers: number;
    stale_baseline_entries: number;
  };
}
