import { NO_SERVICES_NOTE } from "./build.js";
import type { Report, ReportFinding } from "./types.js";
import { waiverProblem, waiverScope } from "./waivers.js";
import { compare } from "../order.js";

export interface TextOptions {
  color: boolean;
}

const CODES = { red: 31, yellow: 33, green: 32, dim: 2, bold: 1, magenta: 35, cyan: 36 } as const;

/** Terminal report: findings grouped by resource, then a one-line verdict. */
export function renderText(raw: Report, options: TextOptions): string {
  const report = visibleStrings(raw);
  const paint = (code: keyof typeof CODES, s: string) => (options.color ? `\u001b[${CODES[code]}m${s}\u001b[0m` : s);
  const severityColor = { critical: "magenta", high: "red", medium: "yellow", low: "cyan" } as const;
  const lines: string[] = [];
  const multi = report.inputs.length > 1;
  const inputs = report.inputs.map((i) => `${i.path}${i.stack ? ` (stack ${i.stack})` : ""}`).join(", ");
  lines.push(paint("bold", `apprunner-guard ${report.tool.version}`) + paint("dim", ` · rules ${report.policy.rule_set_version} · ${inputs}`));
  for (const line of sourceLines(report)) lines.push(paint("dim", line));

  const groups = new Map<string, ReportFinding[]>();
  for (const f of report.findings) {
    const key = `${f.input}\u0000${f.resource}`;
    const list = groups.get(key);
    if (list) list.push(f);
    else groups.set(key, [f]);
  }
  if (groups.size === 0) lines.push("", paint("green", "No findings."));
  const width = "CRITICAL".length + 2;
  for (const key of [...groups.keys()].sort(compare)) {
    const [input, resource] = key.split("\u0000") as [string, string];
    const group = groups.get(key)!;
    const where = group[0]!.location;
    const at = where.construct_path ? ` [${where.construct_path}]` : "";
    const line = where.line ? `:${where.line}` : "";
    // A finding placed in the plan's .tf source shows that file (main.tf:42), else the input.
    const file = where.line && where.file !== input ? where.file : input;
    lines.push("", paint("bold", resource) + paint("dim", `${at}  ${file}${line}`));
    for (const f of group) {
      const sev = paint(severityColor[f.severity], f.severity.toUpperCase().padEnd(width));
      const by = f.waiver?.source ? `in construct ${f.waiver.source.construct_path ?? f.resource} ` : "";
      const why = f.waiver?.source ? `: ${visible(f.waiver.justification)}` : "";
      const status =
        f.status === "waived"
          ? paint("dim", ` (waived ${by}by ${f.waiver?.owner} until ${f.waiver?.expires}${why})`)
          : f.status === "baselined"
            ? paint("dim", " (baselined)")
            : report.mode.changes_only && f.delta === "existing" && !f.blocking
              ? paint("dim", " (existing: does not block with --changes-only)")
              : "";
      const attribute = f.attribute ? paint("dim", ` ${f.attribute}`) : "";
      const delta = f.regression ? paint("red", " [regression]") : f.delta === "unknown" ? "" : paint("dim", ` [${f.delta}]`);
      lines.push(`  ${sev} ${f.rule_id}${delta}${attribute}  ${f.message}${status}`);
      for (const what of f.what_changed) lines.push(paint("dim", `      regression: ${what}`));
    }
  }
  if (report.changes.length > 0) {
    const how = report.mode.fail_on_changes ? `blocking at or above ${report.fail_on} (--fail-on-changes)` : "informational; --fail-on-changes makes them block";
    lines.push("", paint("bold", `Protections this plan weakens while the rules still pass (${report.changes.length}, ${how})`));
    for (const c of report.changes) {
      const sev = paint(severityColor[c.severity], c.severity.toUpperCase().padEnd(width));
      lines.push(`  ${sev} ${c.rule_id} ${paint("dim", `[${c.kind}]`)}  ${c.message}${multi ? paint("dim", `  ${c.input}`) : ""}`);
    }
  }
  for (const w of report.waivers) {
    if (w.state === "expired") lines.push("", paint("yellow", `waiver ${w.index} (${w.rule} on ${w.resource}, owner ${w.owner}) ${waiverProblem(w)}`));
    if (w.state === "stale") lines.push("", paint("yellow", `waiver ${w.index} (${w.rule} on ${w.resource}) ${waiverProblem(w)}`));
    if (w.state === "active" && multi) lines.push("", paint("dim", `waiver ${w.index} (${w.rule} on ${w.resource}) applied ${waiverScope(w)}`));
  }
  if (report.baseline) {
    const b = report.baseline;
    lines.push("", paint("dim", `baseline ${b.path}: ${b.matched} of ${b.entries} entries match a finding`));
    for (const e of b.stale) lines.push(paint("yellow", `baseline entry ${e.id.slice(0, 12)} (${e.rule_id} on ${e.resource} in ${e.input}) matches no finding: stale; write the baseline again`));
  }
  const s = report.summary;
  if (multi) {
    lines.push("");
    for (const i of report.inputs) {
      const name = `${i.path}${i.stack ? ` (stack ${i.stack})` : ""}`;
      lines.push(`${i.accepted ? paint("green", "accepted") : paint("red", "rejected")}  ${name}${i.accepted ? "" : ` · ${i.blocking} blocking`}`);
    }
  }
  const counts = (["critical", "high", "medium", "low"] as const).map((sev) => `${s.by_severity[sev].fail} ${sev}`).join(", ");
  const held = `${s.waived} waived${s.baselined > 0 || report.baseline ? `, ${s.baselined} baselined` : ""}`;
  const verdict = s.accepted
    ? paint("green", `ACCEPTED`) + ` · ${s.findings} findings (${counts}), ${held}, none ${report.mode.changes_only ? "introduced " : ""}at or above ${report.fail_on}`
    : paint("red", `REJECTED`) + ` · ${s.blocking} blocking ${report.mode.changes_only ? "introduced " : ""}findings at or above ${report.fail_on} (${counts}), ${held}`;
  const diff = report.inputs.some((i) => i.prior_state)
    ? ` · against the prior state: ${s.introduced} introduced (${s.regressions} regressions), ${s.existing} existing, ${s.changes} weakened`
    : "";
  const e = s.evaluations;
  const evidence = `${report.rules.length} rules on ${s.resources_checked} resources: ${e.pass} pass, ${e.fail} fail, ${e.waived} waived, ${e.baselined > 0 ? `${e.baselined} baselined, ` : ""}${e["cannot-verify"]} cannot verify, ${e["not-applicable"]} not applicable`;
  if (s.services === 0) lines.push("", paint("yellow", NO_SERVICES_NOTE));
  lines.push("", `${verdict}${diff} · ${evidence}`);
  return lines.join("\n") + "\n";
}

/**
 * Findings quote values from the input (variable names, values, tags), so a control character or a bidi
 * override could move the cursor, recolour or hide text in a terminal: show them as \\xNN / \\u{NNNN}.
 */
// eslint-disable-next-line no-control-regex -- finding the control characters is the point
const UNSAFE = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u200E\u200F\u202A-\u202E\u2066-\u2069]/g;

export function visible(value: string): string {
  return value.replace(UNSAFE, (c) => {
    const code = c.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u{${code.toString(16)}}`;
  });
}

function visibleStrings<T>(value: T): T {
  if (typeof value === "string") return visible(value) as T;
  if (Array.isArray(value)) return value.map(visibleStrings) as T;
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = visibleStrings(v);
    return out as T;
  }
  return value;
}

/** What each plan's findings point into: its .tf source (and how it was found), or the plan itself. */
export function sourceLines(report: Report): string[] {
  const how = { flag: "--source", "plan-dir": "the plan's folder", cwd: "the current folder" } as const;
  const out: string[] = [];
  for (const i of report.inputs) {
    if (i.source === undefined) continue;
    if (i.source === null) {
      out.push(`${i.path}: no .tf source found (not in the plan's folder nor the current one; pass --source DIR): locations are in the plan`);
      continue;
    }
    const read = i.source.values_read.length;
    out.push(`${i.path}: source ${i.source.root} (${how[i.source.found_by]})${read > 0 ? `; ${read} ${read === 1 ? "value" : "values"} the plan does not know read from it` : ""}`);
    if (i.source.disagreed.length > 0) {
      out.push(`${i.path}: the source disagrees with the plan for ${i.source.disagreed.join(", ")}: not used for their values (edited since the plan was made?)`);
    }
    for (const [module, why] of Object.entries(i.source.unreadable)) out.push(`${i.path}: source of ${module} not read: ${why}`);
  }
  return out;
}
