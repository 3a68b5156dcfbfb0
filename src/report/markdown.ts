import { NO_SERVICES_NOTE } from "./build.js";
import { sourceLines, visible } from "./text.js";
import { EVALUATION_STATUSES, type EvaluationStatus, type Report, type ReportFinding, type ReportRule } from "./types.js";
import { waiverProblem, waiverScope } from "./waivers.js";
import { SEVERITIES, severityRank } from "../severity.js";
import { compare } from "../order.js";

/** How many findings the PR-comment part lists before it points at the appendix. */
const SUMMARY_LIMIT = 25;
const STATUS_LABEL: Record<EvaluationStatus, string> = {
  pass: "pass",
  fail: "**FAIL**",
  waived: "waived",
  baselined: "baselined",
  "cannot-verify": "cannot verify",
  "not-applicable": "not applicable",
};

/**
 * Markdown in two parts: a PR-comment-sized summary (verdict, counts, blocking findings first with
 * how to fix), then an audit appendix with the control-by-control table and the evidence per resource.
 */
export function renderMarkdown(report: Report): string {
  const rules = new Map(report.rules.map((r) => [r.id, r]));
  const s = report.summary;
  const out: string[] = [];

  const verdict = s.accepted ? "✅ **ACCEPTED**" : "❌ **REJECTED**";
  const reason = s.accepted
    ? `no unwaived finding at or above **${report.fail_on}**`
    : `${s.blocking} blocking ${plural(s.blocking, "finding")} at or above **${report.fail_on}**`;
  const held = `${s.waived} waived${s.baselined > 0 || report.baseline ? `, ${s.baselined} baselined` : ""}`;
  const evidence = EVALUATION_STATUSES.filter((st) => s.evaluations[st] > 0)
    .map((st) => `${s.evaluations[st]} ${STATUS_LABEL[st].replace(/\*/g, "").toLowerCase()}`)
    .join(", ");
  out.push(
    `## apprunner-guard: ${verdict}`,
    "",
    `${reason} · ${s.findings} ${plural(s.findings, "finding")}, ${held} · ${s.resources_checked} resources checked${evidence ? ` (rule × resource: ${evidence})` : ""}`,
    "",
  );
  if (s.services === 0) out.push(`> ⚠️ ${NO_SERVICES_NOTE}`, "");
  const sources = sourceLines(report);
  if (sources.length > 0) out.push(...sources.map((l) => `- ${inline(l)}`), "");
  if (report.inputs.some((i) => i.prior_state)) {
    const only = report.mode.changes_only ? " · **changes only**: existing findings do not block" : "";
    out.push(`Against the prior state: ${s.introduced} introduced (${s.regressions} ${plural(s.regressions, "regression")}), ${s.existing} existing, ${s.changes} weakened ${plural(s.changes, "protection")}${only}`, "");
  }
  if (report.inputs.length > 1) {
    out.push("| input | verdict | blocking |", "| --- | --- | ---: |");
    for (const i of report.inputs) out.push(`| ${code(i.path)}${i.stack ? ` (stack ${cell(i.stack)})` : ""} | ${i.accepted ? "✅ accepted" : "❌ rejected"} | ${i.blocking} |`);
    out.push("");
  }

  out.push("| severity | findings | waived |", "| --- | ---: | ---: |");
  for (const sev of SEVERITIES) out.push(`| ${sev} | ${s.by_severity[sev].fail} | ${s.by_severity[sev].waived} |`);
  out.push("");

  // Worst first across every input: the reader of a PR comment looks at the top.
  const failing = report.findings
    .filter((f) => f.status === "fail")
    .sort(
      (a, b) =>
        severityRank(b.severity) - severityRank(a.severity) ||
        compare(a.rule_id, b.rule_id) ||
        compare(a.input, b.input) ||
        compare(a.resource, b.resource) ||
        compare(a.attribute, b.attribute) ||
        compare(a.message, b.message),
    );
  const blocking = failing.filter((f) => f.blocking);
  const other = failing.filter((f) => !f.blocking);
  let budget = SUMMARY_LIMIT;
  if (blocking.length > 0) {
    out.push(`### Blocking findings (${blocking.length})`, "");
    budget = list(out, blocking, rules, budget, true);
  }
  if (other.length > 0) {
    const why = report.mode.changes_only ? `not blocking: below ${report.fail_on}, or existing before this plan (--changes-only)` : `below ${report.fail_on}`;
    out.push(`### Other findings, ${why} (${other.length})`, "");
    budget = list(out, other, rules, budget, false);
  }
  if (report.changes.length > 0) {
    const how = report.mode.fail_on_changes ? `blocking at or above **${report.fail_on}** (--fail-on-changes)` : "informational";
    out.push(`### Protections this plan weakens (${report.changes.length}, ${how})`, "");
    for (const c of report.changes) out.push(`- **${c.severity.toUpperCase()}** ${c.rule_id} ${code(c.resource)} (${c.kind}): ${inline(c.message)}`);
    out.push("");
  }
  if (budget < 0) out.push(`_${-budget} more ${plural(-budget, "finding")} are in the appendix below and in report.json._`, "");

  const waived = report.findings.filter((f) => f.status === "waived");
  if (waived.length > 0) {
    out.push(`### Waived (${waived.length})`, "", "| rule | resource | owner | expires | justification |", "| --- | --- | --- | --- | --- |");
    for (const f of waived) {
      const w = f.waiver!;
      out.push(`| ${f.rule_id} | ${code(f.resource)} | ${cell(w.owner)} | ${w.expires} | ${cell(w.justification)}${w.ticket ? ` (${cell(w.ticket)})` : ""} |`);
    }
    out.push("");
  }
  const baselined = report.findings.filter((f) => f.status === "baselined");
  if (baselined.length > 0) {
    out.push(`### Baselined (${baselined.length})`, "", "| rule | resource | attribute | input |", "| --- | --- | --- | --- |");
    for (const f of baselined) out.push(`| ${f.rule_id} | ${code(f.resource)} | ${f.attribute ? code(f.attribute) : ""} | ${code(f.input)} |`);
    out.push("");
  }
  const problems = report.waivers.filter((w) => w.state !== "active");
  if (problems.length > 0) {
    out.push(`### Waivers to fix (${problems.length})`, "");
    for (const w of problems) {
      out.push(`- ⚠️ waiver ${w.index}: ${w.rule} on ${code(w.resource)} (owner ${cell(w.owner)}) ${inline(waiverProblem(w))}`);
    }
    out.push("");
  }

  if (report.baseline && report.baseline.stale.length > 0) {
    out.push(`### Stale baseline entries (${report.baseline.stale.length})`, "", `These entries of ${code(report.baseline.path)} match no finding any more; write the baseline again.`, "");
    for (const e of report.baseline.stale) out.push(`- ${e.rule_id} ${code(e.resource)}${e.attribute ? ` ${code(e.attribute)}` : ""} in ${code(e.input)}`);
    out.push("");
  }
  if (report.inputs.length > 1) {
    const applied = report.waivers.filter((w) => w.state === "active" && w.inputs.length > 0);
    if (applied.length > 0) {
      out.push("### Where waivers applied", "");
      for (const w of applied) out.push(`- waiver ${w.index}: ${w.rule} on ${code(w.resource)} ${inline(waiverScope(w))}`);
      out.push("");
    }
  }
  // Audit appendix: everything, collapsed so the comment stays short.
  out.push("<details>", "<summary>Audit appendix: controls, evidence per resource, inputs</summary>", "");
  if (report.frameworks.length > 0) {
    out.push("### Frameworks", "", "| framework | edition | controls mapped |", "| --- | --- | ---: |");
    for (const fw of report.frameworks) {
      const n = new Set(report.rules.flatMap((r) => r.mappings.filter((m) => m.framework === fw.id).map((m) => m.control))).size;
      out.push(`| ${cell(fw.name)} | ${cell(fw.edition)} | ${n} |`);
    }
    out.push("");
  }
  out.push(
    "### Controls",
    "",
    `| control | rule | severity | title | ${EVALUATION_STATUSES.map((st) => STATUS_LABEL[st].replace(/\*/g, "").toLowerCase()).join(" | ")} |`,
    `| --- | --- | --- | --- | ${EVALUATION_STATUSES.map(() => "---:").join(" | ")} |`,
  );
  const rows: { control: string; rule: ReportRule }[] = [];
  for (const rule of report.rules) for (const control of rule.controls.length > 0 ? rule.controls : ["(none)"]) rows.push({ control, rule });
  rows.sort((a, b) => compare(a.control, b.control) || compare(a.rule.id, b.rule.id));
  const counts = evaluationCounts(report);
  for (const { control, rule } of rows) {
    const c = counts.get(rule.id) ?? zeroCounts();
    out.push(`| ${cell(control)} | ${rule.id} | ${rule.severity} | ${cell(rule.title)} | ${EVALUATION_STATUSES.map((st) => c[st]).join(" | ")} |`);
  }
  out.push("");

  out.push("### Evidence", "");
  for (const input of report.inputs) {
    const evaluations = report.evaluations.filter((e) => e.input === input.path);
    out.push(`#### ${code(input.path)}`, "", "| rule | resource | result |", "| --- | --- | --- |");
    for (const e of evaluations) out.push(`| ${e.rule_id} | ${code(e.resource)} | ${STATUS_LABEL[e.status]} |`);
    if (evaluations.length === 0) out.push("| | no resource any rule applies to | |");
    out.push("");
  }

  out.push("### Inputs and policy", "", "| input | kind | sha256 |", "| --- | --- | --- |");
  for (const i of report.inputs) out.push(`| ${code(i.path)}${i.stack ? ` (stack ${cell(i.stack)})` : ""} | ${i.kind} | \`${i.sha256}\` |`);
  out.push(
    "",
    `apprunner-guard ${report.tool.version} · rule set ${report.policy.rule_set_version} · OPA ${report.policy.opa_version} · policy.wasm sha256 \`${report.policy.wasm_sha256}\` · fail on ${report.fail_on} · generated ${report.generated_at}`,
    "",
    "</details>",
  );
  return out.join("\n") + "\n";
}

/** Appends findings until the budget runs out; returns the budget left (negative: how many were cut). */
function list(out: string[], findings: ReportFinding[], rules: Map<string, ReportRule>, budget: number, withFix: boolean): number {
  for (const f of findings) {
    if (budget <= 0) {
      budget--;
      continue;
    }
    budget--;
    const rule = rules.get(f.rule_id);
    const at = f.location.line && f.location.file !== f.input ? ` at ${code(`${f.location.file}:${f.location.line}`)}` : "";
    const where = (f.location.construct_path ? ` (${code(f.location.construct_path)})` : "") + at;
    const attribute = f.attribute ? ` ${code(f.attribute)}` : "";
    const delta = f.regression ? " **regression**" : f.delta === "unknown" ? "" : ` _${f.delta}_`;
    out.push(`- **${f.severity.toUpperCase()}** ${f.rule_id}${delta} ${code(f.resource)}${where}${attribute}: ${inline(f.message)}`);
    for (const what of f.what_changed) out.push(`  - Regression: ${inline(what)}`);
    if (withFix && rule?.remediation) out.push(`  - How to fix: ${inline(rule.remediation)}`);
  }
  out.push("");
  return budget;
}

function evaluationCounts(report: Report): Map<string, Record<EvaluationStatus, number>> {
  const counts = new Map<string, Record<EvaluationStatus, number>>();
  for (const e of report.evaluations) {
    let c = counts.get(e.rule_id);
    if (!c) counts.set(e.rule_id, (c = zeroCounts()));
    c[e.status]++;
  }
  return counts;
}

function zeroCounts(): Record<EvaluationStatus, number> {
  return Object.fromEntries(EVALUATION_STATUSES.map((st) => [st, 0])) as Record<EvaluationStatus, number>;
}

function plural(n: number, word: string): string {
  return n === 1 ? word : `${word}s`;
}

/** Text that must not turn into markup or HTML: escape the characters Markdown and HTML act on. */
export function inline(value: string): string {
  return visible(value)
    .replace(/\r?\n/g, " ")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/([\\`*[\]|])/g, "\\$1");
}

/** A table cell: inline text with pipes escaped (inline already does). */
function cell(value: string): string {
  return inline(value);
}

/** A code span that survives any backticks or pipes in the value. */
export function code(value: string): string {
  const clean = visible(value.replace(/\r?\n/g, " ")).replace(/\|/g, "\\|");
  const longest = Math.max(0, ...[...clean.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = "`".repeat(longest + 1);
  const pad = clean.startsWith("`") || clean.endsWith("`") ? " " : "";
  return `${fence}${pad}${clean}${pad}${fence}`;
}
