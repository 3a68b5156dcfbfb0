import { isAbsolute, relative } from "node:path";
import { fingerprint } from "./sarif.js";
import type { Report, ReportFinding } from "./types.js";
import type { Severity } from "../severity.js";

/**
 * GitLab Code Quality report (artifacts:reports:codequality): a JSON array of issues, each with
 * description, check_name, fingerprint, severity (info | minor | major | critical | blocker) and
 * location.path + location.lines.begin, as GitLab documents it. The fingerprint is the one the SARIF
 * report uses: stable across runs and line moves, unique per finding (GitLab shows only the first
 * issue of a fingerprint). Waived findings stay in, as "info", with the waiver in the description.
 */
const GITLAB_SEVERITY: Record<Severity, "critical" | "major" | "minor" | "info"> = { critical: "critical", high: "major", medium: "minor", low: "info" };

export function renderGitlab(report: Report): string {
  const issues = report.findings.map((f) => issue(f, report));
  return JSON.stringify(issues, null, 2) + "\n";
}

function issue(f: ReportFinding, report: Report) {
  const waived = f.status === "waived" && f.waiver ? ` [waived until ${f.waiver.expires} by ${f.waiver.owner}: ${f.waiver.justification}]` : "";
  return {
    type: "issue",
    description: `${f.rule_id} ${f.resource}: ${f.message}${f.attribute ? ` (attribute ${f.attribute})` : ""}${waived}`,
    check_name: f.rule_id,
    fingerprint: fingerprint(f, report),
    severity: waived ? "info" : GITLAB_SEVERITY[f.severity],
    categories: ["Security"],
    location: { path: repoPath(f.location.file), lines: { begin: f.location.line ?? 1 } },
  };
}

/** GitLab links a path relative to the repository root; the job runs there. */
function repoPath(file: string): string {
  const rel = isAbsolute(file) ? relative(process.cwd(), file) : file;
  return rel.replace(/\\/g, "/").replace(/^\.\//, "");
}
