import type { Waiver } from "../load/config.js";
import type { InputKind } from "../load/types.js";
import type { RuleInfo, Severity } from "../evaluate/rules.js";

export const REPORT_VERSION = "1.0.0";
export const REPORT_SCHEMA_ID = "https://apprunner-guard.dev/schemas/report.v1.json";

export type FindingStatus = "fail" | "waived";
export type EvaluationStatus = "pass" | "fail" | "waived" | "cannot-verify";

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
export type ReportRule = Omit<RuleInfo, "package" | "readme">;

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
