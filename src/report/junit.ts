import { NO_SERVICES_NOTE } from "./build.js";
import type { Report, ReportEvaluation, ReportFinding, ReportRule } from "./types.js";
import { waiverProblem } from "./waivers.js";
import { compare } from "../order.js";

/**
 * JUnit XML for CI test tabs: a testsuite per input, a testcase per rule × resource (the evaluations),
 * a failure for each one with findings, skipped for waived, cannot-verify and not-applicable. Expired and stale waivers
 * get their own suite so they show up where the team looks.
 */
export function renderJunit(report: Report): string {
  const rules = new Map(report.rules.map((r) => [r.id, r]));
  const suites: string[] = [];
  let total = { tests: 0, failures: 0, skipped: 0 };

  for (const input of report.inputs) {
    const evaluations = report.evaluations.filter((e) => e.input === input.path);
    const behind = findingsByRuleAndResource(report.findings.filter((f) => f.input === input.path));
    const cases = evaluations.map((e) => testcase(e, rules.get(e.rule_id), behind.get(`${e.rule_id}\u0000${e.resource}`) ?? []));
    const counts = countOf(cases);
    total = add(total, counts);
    const properties = [
      ["input.kind", input.kind],
      ["input.sha256", input.sha256],
      ...(input.stack ? [["input.stack", input.stack]] : []),
      ["input.accepted", String(input.accepted)],
      ...(input.prior_state ? [["input.prior_state", "true"]] : []),
      ["tool.version", report.tool.version],
      ["policy.rule_set_version", report.policy.rule_set_version],
      ["policy.wasm_sha256", report.policy.wasm_sha256],
      ["fail_on", report.fail_on],
    ];
    suites.push(
      `  <testsuite name="${attr(input.path)}" tests="${counts.tests}" failures="${counts.failures}" errors="0" skipped="${counts.skipped}" timestamp="${attr(report.generated_at)}">\n` +
        `    <properties>\n${properties.map(([k, v]) => `      <property name="${attr(k!)}" value="${attr(v!)}"/>`).join("\n")}\n    </properties>\n` +
        cases.map((c) => c.xml).join("") +
        `  </testsuite>\n`,
    );
  }

  const waiverProblems = report.waivers.filter((w) => w.state !== "active");
  if (report.waivers.length > 0) {
    const cases = report.waivers.map((w) => {
      const name = `waiver ${w.index}: ${w.rule} on ${w.resource}`;
      const open = `    <testcase classname="apprunner-guard.waivers" name="${attr(name)}"`;
      if (w.state === "active") return { xml: `${open}/>\n`, failed: false, skipped: false };
      const message = `${waiverProblem(w)} (owner ${w.owner})`;
      return { xml: `${open}>\n      <failure type="${w.state}-waiver" message="${attr(message)}">${text(`${message}\njustification: ${w.justification}${w.ticket ? `\nticket: ${w.ticket}` : ""}`)}</failure>\n    </testcase>\n`, failed: true, skipped: false };
    });
    const counts = countOf(cases);
    total = add(total, counts);
    suites.push(
      `  <testsuite name="apprunner-guard waivers" tests="${counts.tests}" failures="${waiverProblems.length}" errors="0" skipped="0" timestamp="${attr(report.generated_at)}">\n` +
        cases.map((c) => c.xml).join("") +
        `  </testsuite>\n`,
    );
  }

  if (report.summary.services === 0) {
    // Zero test cases would look like a green run in a CI test tab: say that nothing was checked.
    total = add(total, { tests: 1, failures: 0, skipped: 1 });
    suites.push(
      `  <testsuite name="apprunner-guard services" tests="1" failures="0" errors="0" skipped="1" timestamp="${attr(report.generated_at)}">\n` +
        `    <testcase classname="apprunner-guard.services" name="App Runner services in the inputs">\n      <skipped message="${attr(NO_SERVICES_NOTE)}"/>\n    </testcase>\n` +
        `  </testsuite>\n`,
    );
  }

  if (report.changes.length > 0) {
    // Weakened protections: informational (system-out) unless --fail-on-changes makes them block.
    const cases = report.changes.map((c) => {
      const open = `    <testcase classname="apprunner-guard.changes.${attr(c.rule_id)}" name="${attr(`${c.resource} ${c.kind}`)}"`;
      const body = `${c.rule_id} (${c.severity}) ${c.kind} in ${c.input}: ${c.message}\nbefore: ${c.before}\nafter: ${c.after}`;
      if (c.blocking) return { xml: `${open}>\n      <failure type="weakened-${attr(c.severity)}" message="${attr(c.message)}">${text(body)}</failure>\n    </testcase>\n`, failed: true, skipped: false };
      return { xml: `${open}>\n      <system-out>${text(body)}</system-out>\n    </testcase>\n`, failed: false, skipped: false };
    });
    const counts = countOf(cases);
    total = add(total, counts);
    suites.push(
      `  <testsuite name="apprunner-guard changes" tests="${counts.tests}" failures="${counts.failures}" errors="0" skipped="0" timestamp="${attr(report.generated_at)}">\n` +
        cases.map((c) => c.xml).join("") +
        `  </testsuite>\n`,
    );
  }
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<testsuites name="apprunner-guard" tests="${total.tests}" failures="${total.failures}" errors="0" skipped="${total.skipped}">\n` +
    suites.join("") +
    `</testsuites>\n`
  );
}

interface Case {
  xml: string;
  failed: boolean;
  skipped: boolean;
}

function testcase(e: ReportEvaluation, rule: ReportRule | undefined, findings: ReportFinding[]): Case {
  const title = rule ? ` ${rule.title}` : "";
  const open = `    <testcase classname="${attr(e.rule_id)}" name="${attr(`${e.resource}`)}"`;
  const header = rule ? `${e.rule_id} (${rule.severity})${title}\n` : "";
  const fix = rule?.remediation ? `\nHow to fix: ${rule.remediation}` : "";
  const lines = (list: ReportFinding[]) =>
    list
      .map((f) => {
        const delta = f.regression ? " [regression]" : f.delta === "unknown" ? "" : ` [${f.delta}]`;
        const why = f.what_changed.map((w) => `\n  regression: ${w}`).join("");
        return `- ${f.resource}${f.attribute ? ` ${f.attribute}` : ""}${delta}: ${f.message}${why}`;
      })
      .join("\n");
  switch (e.status) {
    case "pass":
      return { xml: `${open}/>\n`, failed: false, skipped: false };
    case "fail": {
      const failing = findings.filter((f) => f.status === "fail");
      const first = failing[0];
      const message = first ? first.message + (failing.length > 1 ? ` (and ${failing.length - 1} more)` : "") : "failed";
      const where = first?.location.line ? `\nat ${first.location.file}:${first.location.line}` : "";
      return {
        xml: `${open}>\n      <failure type="${attr(rule?.severity ?? "finding")}" message="${attr(message)}">${text(header + lines(failing) + where + fix)}</failure>\n    </testcase>\n`,
        failed: true,
        skipped: false,
      };
    }
    case "baselined":
      return { xml: `${open}>\n      <skipped message="${attr("baselined: recorded in the --baseline file")}"/>\n    </testcase>\n`, failed: false, skipped: true };
    case "waived": {
      const w = findings.find((f) => f.waiver)?.waiver;
      const message = w ? `waived until ${w.expires} by ${w.owner}: ${w.justification}` : "waived";
      return { xml: `${open}>\n      <skipped message="${attr(message)}"/>\n    </testcase>\n`, failed: false, skipped: true };
    }
    case "cannot-verify":
      return {
        xml: `${open}>\n      <skipped message="${attr(`cannot verify: a value this rule needs is unknown until apply (see AR-META-001 on ${e.resource})`)}"/>\n    </testcase>\n`,
        failed: false,
        skipped: true,
      };
    case "not-applicable":
      return { xml: `${open}>\n      <skipped message="${attr(`not applicable: the rule does not apply to ${e.resource}`)}"/>\n    </testcase>\n`, failed: false, skipped: true };
  }
}

/** The findings behind each evaluation (rule × resource): those naming the resource or listing it as related. */
function findingsByRuleAndResource(findings: ReportFinding[]): Map<string, ReportFinding[]> {
  const index = new Map<string, ReportFinding[]>();
  for (const f of findings) {
    for (const address of new Set([f.resource, ...f.related])) {
      const key = `${f.rule_id}\u0000${address}`;
      const list = index.get(key);
      if (list) list.push(f);
      else index.set(key, [f]);
    }
  }
  for (const list of index.values()) {
    list.sort((a, b) => compare(a.resource, b.resource) || compare(a.attribute, b.attribute) || compare(a.message, b.message));
  }
  return index;
}

function countOf(cases: Case[]) {
  return { tests: cases.length, failures: cases.filter((c) => c.failed).length, skipped: cases.filter((c) => c.skipped).length };
}

function add(a: { tests: number; failures: number; skipped: number }, b: { tests: number; failures: number; skipped: number }) {
  return { tests: a.tests + b.tests, failures: a.failures + b.failures, skipped: a.skipped + b.skipped };
}

// XML 1.0 allows only these characters; anything else (other C0 controls, lone surrogates, U+FFFE/F) is replaced.
// eslint-disable-next-line no-control-regex -- the allowed controls (tab, LF, CR) are named so the rest can be replaced
const INVALID_XML = /[^\u0009\u000A\u000D\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/** Attribute value: escape markup and quotes, keep newlines and tabs as character references. */
export function attr(value: string): string {
  return value
    .replace(INVALID_XML, "\uFFFD")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;")
    .replace(/\n/g, "&#10;")
    .replace(/\r/g, "&#13;")
    .replace(/\t/g, "&#9;");
}

/** Element text content. */
export function text(value: string): string {
  return value.replace(INVALID_XML, "\uFFFD").replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/\r/g, "&#13;");
}
