import { createHash } from "node:crypto";
import type { Severity } from "../evaluate/rules.js";
import type { Report, ReportFinding, ReportRule } from "./types.js";

/**
 * SARIF 2.1.0 for GitHub code scanning (upload with github/codeql-action/upload-sarif). One run,
 * one driver rule per rule in the bundle, one result per finding; waived findings carry an external
 * suppression, so they show as dismissed rather than disappearing.
 */
export const SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json";

/** GitHub maps security-severity to its labels: >= 9.0 critical, 7.0-8.9 high, 4.0-6.9 medium, < 4.0 low. */
const SECURITY_SEVERITY: Record<Severity, string> = { critical: "9.5", high: "8.0", medium: "5.5", low: "3.0" };
const LEVEL: Record<Severity, "error" | "warning" | "note"> = { critical: "error", high: "error", medium: "warning", low: "note" };

export function renderSarif(report: Report): string {
  const ruleIndex = new Map(report.rules.map((r, i) => [r.id, i]));
  const artifactIndex = new Map<string, number>();
  const artifacts = report.inputs.map((input, index) => {
    artifactIndex.set(input.path, index);
    return {
      location: { uri: toUri(input.path) },
      length: input.bytes,
      hashes: { "sha-256": input.sha256 },
      properties: { kind: input.kind, stack: input.stack },
    };
  });

  const notifications = report.waivers
    .filter((w) => w.state !== "active")
    .map((w) => ({
      level: "warning",
      message: {
        text:
          w.state === "expired"
            ? `Waiver ${w.index} (${w.rule} on ${w.resource}, owner ${w.owner}) expired on ${w.expires} and no longer waives anything.`
            : `Waiver ${w.index} (${w.rule} on ${w.resource}, owner ${w.owner}) matches no finding; remove it.`,
      },
      descriptor: { id: w.state === "expired" ? "expired-waiver" : "stale-waiver" },
      associatedRule: { id: w.rule, ...(ruleIndex.has(w.rule) ? { index: ruleIndex.get(w.rule) } : {}) },
    }));

  const sarif = {
    $schema: SARIF_SCHEMA,
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: report.tool.name,
            version: report.tool.version,
            semanticVersion: report.tool.version,
            rules: report.rules.map(sarifRule),
          },
        },
        invocations: [{ executionSuccessful: true, toolConfigurationNotifications: notifications }],
        artifacts,
        results: report.findings.map((f) => sarifResult(f, ruleIndex.get(f.rule_id), artifactIndex.get(f.input))),
        properties: {
          report_version: report.report_version,
          generated_at: report.generated_at,
          rule_set_version: report.policy.rule_set_version,
          wasm_sha256: report.policy.wasm_sha256,
          fail_on: report.fail_on,
          accepted: report.summary.accepted,
          blocking: report.summary.blocking,
          // The evidence, counted by the same statuses as every other format (pass, not-applicable, ...).
          evaluations: report.summary.evaluations,
        },
      },
    ],
  };
  return JSON.stringify(sarif, null, 2) + "\n";
}

function sarifRule(rule: ReportRule) {
  const controls = rule.controls.length > 0 ? rule.controls.join(", ") : "none listed";
  return {
    id: rule.id,
    name: pascalCase(rule.title),
    shortDescription: { text: rule.title },
    fullDescription: { text: rule.description || rule.title },
    defaultConfiguration: { level: LEVEL[rule.severity] },
    help: {
      text: `${rule.description}\n\nHow to fix: ${rule.remediation}\n\nSeverity: ${rule.severity}. Controls: ${controls}.`,
      markdown: `${rule.description}\n\n**How to fix:** ${rule.remediation}\n\n**Severity:** ${rule.severity} · **Controls:** ${controls}`,
    },
    properties: {
      "security-severity": SECURITY_SEVERITY[rule.severity],
      severity: rule.severity,
      precision: "high",
      tags: ["security", "apprunner", ...rule.controls],
      controls: rule.controls,
      applies_to: rule.applies_to,
    },
  };
}

function sarifResult(f: ReportFinding, ruleIndex: number | undefined, artifactIndex: number | undefined) {
  const logicalLocations = [
    ...(f.location.construct_path ? [{ name: lastSegment(f.location.construct_path), fullyQualifiedName: f.location.construct_path, kind: "module" }] : []),
    { name: f.resource, fullyQualifiedName: f.resource, kind: "resource" },
  ];
  return {
    ruleId: f.rule_id,
    ...(ruleIndex !== undefined ? { ruleIndex } : {}),
    level: LEVEL[f.severity],
    message: { text: f.attribute ? `${f.message} (attribute ${f.attribute})` : f.message },
    locations: [
      {
        physicalLocation: {
          artifactLocation: { uri: toUri(f.location.file), ...(artifactIndex !== undefined && f.location.file === f.input ? { index: artifactIndex } : {}) },
          // GitHub needs a region to show an alert; a file without line information anchors at line 1.
          region: { startLine: f.location.line ?? 1 },
        },
        logicalLocations,
      },
    ],
    partialFingerprints: { "apprunnerGuardFinding/v1": fingerprint(f) },
    ...(f.status === "waived" && f.waiver
      ? {
          suppressions: [
            {
              kind: "external",
              status: "accepted",
              justification: `${f.waiver.justification} (owner ${f.waiver.owner}, expires ${f.waiver.expires}${f.waiver.ticket ? `, ticket ${f.waiver.ticket}` : ""})`,
            },
          ],
        }
      : {}),
    properties: {
      severity: f.severity,
      resource: f.resource,
      attribute: f.attribute,
      related: f.related,
      blocking: f.blocking,
    },
  };
}

/** Stable across runs and line moves: the alert is the same while rule, resource, attribute and message are. */
function fingerprint(f: ReportFinding): string {
  return createHash("sha256").update([f.rule_id, f.resource, f.attribute, f.message].join("\u0000")).digest("hex");
}

/** A relative path stays relative (GitHub resolves it against the repository root); an absolute one becomes a file URI. */
export function toUri(path: string): string {
  const posix = path.replace(/\\/g, "/");
  const encoded = posix
    .split("/")
    .map((segment) => (/^[A-Za-z]:$/.test(segment) ? segment : encodeURIComponent(segment)))
    .join("/");
  if (posix.startsWith("/")) return `file://${encoded}`;
  if (/^[A-Za-z]:\//.test(posix)) return `file:///${encoded}`;
  return encoded.replace(/^\.\//, "");
}

function pascalCase(title: string): string {
  return title
    .replace(/[^A-Za-z0-9]+/g, " ")
    .trim()
    .split(" ")
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1).toLowerCase())
    .join("");
}

function lastSegment(path: string): string {
  return path.split("/").pop() ?? path;
}
