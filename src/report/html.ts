import { NO_SERVICES_NOTE } from "./build.js";
import { visible } from "./text.js";
import { EVALUATION_STATUSES, type EvaluationStatus, type Report, type ReportFinding, type ReportRule } from "./types.js";
import { SEVERITIES, severityRank } from "../severity.js";
import { compare } from "../order.js";

/**
 * One self-contained HTML document for auditors: inline CSS and SVG, no script, no network (a CSP forbids
 * both), print styles for "Save as PDF". Everything that comes from the input, the config or the rules is
 * escaped (esc), so a hostile resource name or tag value is text, never markup.
 */
export function renderHtml(report: Report): string {
  const s = report.summary;
  const rules = new Map(report.rules.map((r) => [r.id, r]));
  const verdict = s.accepted ? "ACCEPTED" : "REJECTED";
  const reason = s.accepted
    ? `no unwaived finding at or above ${report.fail_on}`
    : `${s.blocking} blocking ${plural(s.blocking, "finding")} at or above ${report.fail_on}`;
  const byRule = countsBy(report, (ruleId) => [ruleId]);
  const body: string[] = [];

  body.push(
    `<header><h1>apprunner-guard audit report</h1>`,
    `<p class="verdict ${s.accepted ? "ok" : "bad"}" id="verdict"><span class="label">Verdict</span> <strong>${verdict}</strong> <span>${esc(reason)}</span></p>`,
    `<p class="meta">${s.findings} ${plural(s.findings, "finding")}, ${s.waived} waived · ${report.rules.length} rules on ${s.resources_checked} resources · generated ${esc(report.generated_at)}</p>`,
    `</header>`,
  );
  if (s.services === 0) body.push(`<p class="note" id="no-services">${esc(NO_SERVICES_NOTE)}</p>`);

  // Evidence summary: the statuses, counted, with a legend that is also the colour key of the charts.
  body.push(`<section id="summary"><h2>Evidence summary</h2>`, `<table class="counts"><thead><tr>${EVALUATION_STATUSES.map((st) => `<th>${swatch(st)}${LABEL[st]}</th>`).join("")}</tr></thead>`);
  body.push(`<tbody><tr>${EVALUATION_STATUSES.map((st) => `<td>${s.evaluations[st]}</td>`).join("")}</tr></tbody></table>`);
  body.push(
    `<p class="note">pass: examined and compliant · not applicable: the rule does not apply to the resource (e.g. the WAF rule on a private service) · cannot verify: a value the rule needs is unknown until apply (AR-META-001).</p>`,
  );
  body.push(`<table class="counts"><thead><tr><th>severity</th><th>findings</th><th>waived</th></tr></thead><tbody>`);
  for (const sev of SEVERITIES) body.push(`<tr><td>${sev}</td><td>${s.by_severity[sev].fail}</td><td>${s.by_severity[sev].waived}</td></tr>`);
  body.push(`</tbody></table></section>`);

  // Charts: results per framework, per control and per rule.
  body.push(`<section id="frameworks"><h2>Results per framework</h2>`);
  body.push(chartTable("framework (edition)", frameworkRows(report)));
  body.push(`</section><section id="controls"><h2>Results per control</h2>`);
  body.push(controlTable(report));
  body.push(`</section><section id="rules"><h2>Results per rule</h2>`);
  body.push(
    chartTable(
      "rule",
      report.rules.map((r) => ({ label: `<span class="id">${esc(r.id)}</span> ${esc(r.title)} <span class="sev ${r.severity}">${r.severity}</span>`, counts: byRule.get(r.id) ?? zero() })),
    ),
  );
  body.push(`</section>`);

  // Findings: blocking first with how to fix, then the others.
  const failing = report.findings.filter((f) => f.status === "fail").sort(worstFirst);
  const blocking = failing.filter((f) => f.blocking);
  const other = failing.filter((f) => !f.blocking);
  body.push(`<section id="blocking"><h2>Blocking findings (${blocking.length})</h2>`);
  body.push(blocking.length > 0 ? findingList(blocking, rules, true) : `<p>None.</p>`);
  body.push(`</section><section id="other"><h2>Other findings, below ${esc(report.fail_on)} (${other.length})</h2>`);
  body.push(other.length > 0 ? findingList(other, rules, true) : `<p>None.</p>`);
  body.push(`</section>`);

  // Waivers with owner, expiry and state.
  body.push(`<section id="waivers"><h2>Waivers (${report.waivers.length})</h2>`);
  if (report.waivers.length === 0) body.push(`<p>No waivers in the config.</p>`);
  else {
    body.push(`<table><thead><tr><th>#</th><th>rule</th><th>resource</th><th>owner</th><th>expires</th><th>state</th><th>findings waived</th><th>justification</th></tr></thead><tbody>`);
    for (const w of report.waivers) {
      body.push(
        `<tr class="waiver-${w.state}"><td>${w.index}</td><td>${esc(w.rule)}</td><td><code>${esc(w.resource)}</code></td><td>${esc(w.owner)}</td><td>${esc(w.expires)}</td><td><strong>${w.state}</strong></td><td>${w.matched}</td><td>${esc(w.justification)}${w.ticket ? ` (${esc(w.ticket)})` : ""}</td></tr>`,
      );
    }
    body.push(`</tbody></table>`);
  }
  body.push(`</section>`);

  // The full evidence: every rule against every resource, per input.
  body.push(`<section id="evidence"><h2>Evidence (${report.evaluations.length} rule × resource results)</h2>`);
  for (const input of report.inputs) {
    const rows = report.evaluations.filter((e) => e.input === input.path);
    body.push(`<h3><code>${esc(input.path)}</code></h3>`);
    if (rows.length === 0) {
      body.push(`<p>No resource any rule applies to.</p>`);
      continue;
    }
    body.push(`<table class="evidence"><thead><tr><th>rule</th><th>resource</th><th>result</th></tr></thead><tbody>`);
    for (const e of rows) body.push(`<tr class="st-${e.status}"><td>${esc(e.rule_id)}</td><td><code>${esc(e.resource)}</code></td><td>${swatch(e.status)}${LABEL[e.status]}</td></tr>`);
    body.push(`</tbody></table>`);
  }
  body.push(`</section>`);

  // Integrity: what was checked, with which bundle, under which parameters.
  body.push(`<section id="integrity"><h2>Inputs, policy and parameters</h2>`);
  body.push(`<table><thead><tr><th>input</th><th>kind</th><th>resources</th><th>bytes</th></tr></thead><tbody>`);
  for (const i of report.inputs) {
    body.push(`<tr><td><code>${esc(i.path)}</code>${i.stack ? ` (stack ${esc(i.stack)})` : ""}</td><td>${esc(i.kind)}</td><td>${i.resources}</td><td>${i.bytes}</td></tr>`);
    body.push(`<tr class="sha"><td colspan="4">sha256 <code class="hash">${esc(i.sha256)}</code></td></tr>`);
  }
  body.push(`</tbody></table>`);
  body.push(
    `<table class="kv"><tbody>`,
    kv("tool", `${esc(report.tool.name)} ${esc(report.tool.version)}`),
    kv("rule set", esc(report.policy.rule_set_version)),
    kv("OPA", esc(report.policy.opa_version)),
    kv("policy.wasm sha256", `<code class="hash">${esc(report.policy.wasm_sha256)}</code>`),
    kv("fail on", esc(report.fail_on)),
    kv("report version", esc(report.report_version)),
    kv("generated", esc(report.generated_at)),
    `</tbody></table>`,
  );
  body.push(`<h3>Parameters in force</h3><pre class="params">${esc(JSON.stringify(report.parameters, null, 2))}</pre></section>`);

  // The rule catalogue with versioned mappings.
  const frameworks = new Map(report.frameworks.map((f) => [f.id, f]));
  body.push(`<section id="catalogue"><h2>Rules and control mappings</h2>`);
  if (report.frameworks.length > 0) {
    body.push(`<table><thead><tr><th>framework</th><th>edition</th></tr></thead><tbody>`);
    for (const f of report.frameworks) body.push(`<tr><td>${esc(f.name)}</td><td>${esc(f.edition)}</td></tr>`);
    body.push(`</tbody></table>`);
  }
  body.push(`<table><thead><tr><th>rule</th><th>severity</th><th>title</th><th>mappings</th></tr></thead><tbody>`);
  for (const r of report.rules) {
    const maps = r.mappings.length > 0 ? r.mappings.map((m) => `${esc(frameworks.get(m.framework)?.label ?? m.framework)} ${esc(m.control)}`) : r.controls.map(esc);
    body.push(`<tr><td class="id">${esc(r.id)}</td><td><span class="sev ${r.severity}">${r.severity}</span></td><td>${esc(r.title)}</td><td>${maps.join("<br>") || "none"}</td></tr>`);
  }
  body.push(`</tbody></table></section>`);

  return [
    `<!DOCTYPE html>`,
    `<html lang="en">`,
    `<head>`,
    `<meta charset="utf-8">`,
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`,
    `<meta name="viewport" content="width=device-width, initial-scale=1">`,
    `<title>apprunner-guard: ${verdict} (${esc(report.generated_at)})</title>`,
    `<style>${CSS}</style>`,
    `</head>`,
    `<body>`,
    ...body,
    `<footer>apprunner-guard ${esc(report.tool.version)} · rule set ${esc(report.policy.rule_set_version)} · report ${esc(report.report_version)}</footer>`,
    `</body>`,
    `</html>`,
    ``,
  ].join("\n");
}

const LABEL: Record<EvaluationStatus, string> = {
  fail: "fail",
  waived: "waived",
  baselined: "baselined",
  "cannot-verify": "cannot verify",
  pass: "pass",
  "not-applicable": "not applicable",
};

const COLOR: Record<EvaluationStatus, string> = {
  fail: "#c62828",
  waived: "#f9a825",
  baselined: "#6d4c41",
  "cannot-verify": "#8e24aa",
  pass: "#2e7d32",
  "not-applicable": "#bdbdbd",
};

type Counts = Record<EvaluationStatus, number>;

function zero(): Counts {
  return Object.fromEntries(EVALUATION_STATUSES.map((st) => [st, 0])) as Counts;
}

/** Evaluation counts grouped by the keys `keys(rule_id)` returns. */
function countsBy(report: Report, keys: (ruleId: string) => string[]): Map<string, Counts> {
  const out = new Map<string, Counts>();
  for (const e of report.evaluations) {
    for (const key of keys(e.rule_id)) {
      let c = out.get(key);
      if (!c) out.set(key, (c = zero()));
      c[e.status]++;
    }
  }
  return out;
}

function frameworkRows(report: Report): { label: string; counts: Counts }[] {
  const rulesOf = new Map(report.rules.map((r) => [r.id, r]));
  const counts = countsBy(report, (id) => [...new Set((rulesOf.get(id)?.mappings ?? []).map((m) => m.framework))]);
  return report.frameworks.map((f) => ({ label: `${esc(f.name)} <span class="edition">(${esc(f.edition)})</span>`, counts: counts.get(f.id) ?? zero() }));
}

function controlTable(report: Report): string {
  const frameworks = new Map(report.frameworks.map((f) => [f.id, f]));
  const byRule = countsBy(report, (id) => [id]);
  const rows = new Map<string, { framework: string; control: string; rules: ReportRule[] }>();
  for (const r of report.rules) {
    for (const m of r.mappings) {
      const key = `${m.framework}\u0000${m.control}`;
      const row = rows.get(key) ?? { framework: m.framework, control: m.control, rules: [] };
      row.rules.push(r);
      rows.set(key, row);
    }
  }
  const order = new Map(report.frameworks.map((f, i) => [f.id, i]));
  const sorted = [...rows.values()].sort((a, b) => (order.get(a.framework) ?? 99) - (order.get(b.framework) ?? 99) || compare(a.control, b.control));
  return chartTable(
    "control",
    sorted.map((row) => {
      const counts = zero();
      for (const r of row.rules) for (const st of EVALUATION_STATUSES) counts[st] += byRule.get(r.id)?.[st] ?? 0;
      const label = `${esc(frameworks.get(row.framework)?.label ?? row.framework)} <strong>${esc(row.control)}</strong> <span class="rules">${row.rules.map((r) => esc(r.id)).join(", ")}</span>`;
      return { label, counts };
    }),
  );
}

/** A table with a label, a stacked SVG bar of the statuses and the numbers (the bar is never the only carrier). */
function chartTable(what: string, rows: { label: string; counts: Counts }[]): string {
  const out = [`<table class="chart"><thead><tr><th>${esc(what)}</th><th class="bar">results</th>${EVALUATION_STATUSES.map((st) => `<th class="n" title="${LABEL[st]}">${swatch(st)}</th>`).join("")}</tr></thead><tbody>`];
  for (const row of rows) {
    out.push(`<tr><td>${row.label}</td><td class="bar">${bar(row.counts)}</td>${EVALUATION_STATUSES.map((st) => `<td class="n">${row.counts[st]}</td>`).join("")}</tr>`);
  }
  out.push(`</tbody></table>`);
  return out.join("\n");
}

const BAR_WIDTH = 200;

function bar(counts: Counts): string {
  const total = EVALUATION_STATUSES.reduce((n, st) => n + counts[st], 0);
  const label = EVALUATION_STATUSES.filter((st) => counts[st] > 0).map((st) => `${counts[st]} ${LABEL[st]}`).join(", ") || "no results";
  let x = 0;
  const rects: string[] = [];
  for (const st of EVALUATION_STATUSES) {
    if (total === 0 || counts[st] === 0) continue;
    const w = (counts[st] / total) * BAR_WIDTH;
    rects.push(`<rect x="${x.toFixed(2)}" y="0" width="${w.toFixed(2)}" height="12" fill="${COLOR[st]}"/>`);
    x += w;
  }
  if (total === 0) rects.push(`<rect x="0" y="0" width="${BAR_WIDTH}" height="12" fill="none" stroke="#999"/>`);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${BAR_WIDTH}" height="12" viewBox="0 0 ${BAR_WIDTH} 12" role="img" aria-label="${esc(label)}"><title>${esc(label)}</title>${rects.join("")}</svg>`;
}

function swatch(st: EvaluationStatus): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" class="swatch" width="10" height="10" viewBox="0 0 10 10" aria-hidden="true"><rect width="10" height="10" fill="${COLOR[st]}"/></svg>`;
}

function findingList(findings: ReportFinding[], rules: Map<string, ReportRule>, withFix: boolean): string {
  const out = [`<ol class="findings">`];
  for (const f of findings) {
    const rule = rules.get(f.rule_id);
    const where = [f.location.construct_path ? `construct <code>${esc(f.location.construct_path)}</code>` : "", `${esc(f.location.file)}${f.location.line ? `:${f.location.line}` : ""}`]
      .filter(Boolean)
      .join(" · ");
    out.push(
      `<li><p><span class="sev ${f.severity}">${f.severity}</span> <strong>${esc(f.rule_id)}</strong> ${rule ? esc(rule.title) : ""}</p>`,
      `<p><code>${esc(f.resource)}</code>${f.attribute ? ` <code class="attr">${esc(f.attribute)}</code>` : ""}: ${esc(f.message)}</p>`,
      `<p class="where">${where}</p>`,
      withFix && rule?.remediation ? `<p class="fix"><strong>How to fix:</strong> ${esc(rule.remediation)}</p>` : "",
      `</li>`,
    );
  }
  out.push(`</ol>`);
  return out.join("\n");
}

function worstFirst(a: ReportFinding, b: ReportFinding): number {
  return (
    severityRank(b.severity) - severityRank(a.severity) ||
    compare(a.rule_id, b.rule_id) ||
    compare(a.input, b.input) ||
    compare(a.resource, b.resource) ||
    compare(a.attribute, b.attribute) ||
    compare(a.message, b.message)
  );
}

function kv(key: string, value: string): string {
  return `<tr><th scope="row">${esc(key)}</th><td>${value}</td></tr>`;
}

function plural(n: number, word: string): string {
  return n === 1 ? word : `${word}s`;
}

/** Text for HTML content and attribute values: control characters made visible, then the five HTML specials escaped. */
export function esc(value: string): string {
  return visible(String(value)).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");
}

const CSS = `
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; color: #1b1b1b; margin: 0 auto; max-width: 1100px; padding: 24px; }
h1 { font-size: 24px; margin: 0 0 8px; }
h2 { font-size: 18px; border-bottom: 2px solid #ddd; padding-bottom: 4px; margin-top: 28px; }
h3 { font-size: 15px; margin: 16px 0 6px; }
code { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, monospace; font-size: 12px; overflow-wrap: anywhere; }
code.hash { font-size: 11px; white-space: nowrap; overflow-wrap: normal; }
table { border-collapse: collapse; width: 100%; margin: 8px 0; }
th, td { text-align: left; vertical-align: top; padding: 3px 6px; border-bottom: 1px solid #e6e6e6; }
thead th { background: #f4f4f4; font-weight: 600; }
td.n, th.n { text-align: right; width: 3.2em; }
td.bar, th.bar { width: 210px; }
table.counts { width: auto; }
table.counts td { text-align: right; font-variant-numeric: tabular-nums; }
table.kv th { width: 180px; }
.verdict { font-size: 20px; padding: 10px 14px; border-radius: 6px; margin: 8px 0; }
.verdict .label { font-size: 13px; text-transform: uppercase; letter-spacing: .05em; opacity: .8; }
.verdict.ok { background: #e8f5e9; border: 2px solid #2e7d32; }
.verdict.bad { background: #ffebee; border: 2px solid #c62828; }
.meta, .note, .where, footer { color: #555; font-size: 12px; }
.edition, .rules { color: #555; font-size: 12px; }
.id { font-family: ui-monospace, "DejaVu Sans Mono", monospace; white-space: nowrap; }
.sev { display: inline-block; font-size: 11px; font-weight: 700; text-transform: uppercase; padding: 0 5px; border-radius: 3px; color: #fff; }
.sev.critical { background: #6a1b9a; } .sev.high { background: #c62828; } .sev.medium { background: #ef6c00; } .sev.low { background: #1565c0; }
.swatch { vertical-align: -1px; margin-right: 3px; }
ol.findings { padding-left: 22px; }
ol.findings li { margin-bottom: 10px; break-inside: avoid; }
ol.findings p { margin: 2px 0; }
.fix { background: #f7f7f7; border-left: 3px solid #1565c0; padding: 4px 8px; }
tr.st-fail td:last-child { color: #c62828; font-weight: 600; }
tr.st-not-applicable td { color: #666; }
tr.waiver-expired td, tr.waiver-stale td { background: #fff8e1; }
pre.params { background: #f7f7f7; padding: 8px; font-size: 11px; white-space: pre-wrap; overflow-wrap: anywhere; }
footer { margin-top: 32px; border-top: 1px solid #ddd; padding-top: 8px; }
svg rect { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
@media print {
  @page { size: A4; margin: 14mm 12mm; }
  body { max-width: none; padding: 0; font-size: 10.5pt; }
  h2 { break-after: avoid; }
  tr, li { break-inside: avoid; }
  thead { display: table-header-group; }
  .verdict, .sev, thead th { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
`;
