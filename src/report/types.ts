import type { Waiver } from "../load/config.js";
import type { InputKind } from "../load/types.js";
import type { Framework, RuleInfo, Severity } from "../evaluate/rules.js";

export const REPORT_VERSION = "1.1.0";
export const REPORT_SCHEMA_ID = "https://apprunner-guard.dev/schemas/report.v1.json";

export type FindingStatus = "fail" | "waived";
/**
 * The result of one rule on one resource. `pass` means examined and compliant; `not-applicable` means the
 * rule does not apply to that resource (a private service for the WAF rule); `cannot-verify` means a value
 * the rule needs is unknown (AR-META-001). `baselined` is reserved for findings accepted by a baseline.
 */
export type EvaluationStatus = "pass" | "fail" | "waived" | "baselined" | "cannot-verify" | "not-applicable";
/** Every status, in the order reports print them. */
export const EVALUATION_STATUSES: readonly EvaluationStatus[] = ["fail", "waived", "baselined", "cannot-verify", "pass", "not-applicable"];

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
  location: { file: string; line: number | null; construct_path: string | null };
  waiver: (Waiver & { index: number }) | null;
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
}

/** A rule's facts as the report repeats them (rules.json minus where its sources live). */
export type ReportRule = Omit<RuleInfo, "package" | "readme" | "mappings"> & { mappings: NonNullable<RuleInfo["mappings"]> };

export interface SeverityCounts {
  fail: number;
  waived: number;
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
  inputs: { path: string; kind: InputKind; stack: string | null; sha256: string; bytes: number; resources: number }[];
  rules: ReportRule[];
  findings: ReportFinding[];
  evaluations: ReportEvaluation[];
  waivers: ReportWaiver[];
  summary: {
    accepted: boolean;
    blocking: number;
    findings: number;
    waived: number;
    by_severity: Record<Severity, SeverityCounts>;
    evaluations: Record<EvaluationStatus, number>;
    resources_checked: number;
    /** aws_apprunner_service resources in the inputs; 0 means the rules had nothing to check (every format says so). */
    services: number;
    expired_waivers: number;
    stale_waivers: number;
  };
}
