import { createHash } from "node:crypto";
import { NO_SERVICES_NOTE } from "./build.js";
import type { Report, ReportFinding, ReportRule } from "./types.js";
import { waiverProblem } from "./waivers.js";
import type { Severity } from "../severity.js";

/**
 * SARIF 2.1.0 for GitHub code scanning (upload with github/codeql-action/upload-sarif). One run,
 * one driver rule per rule in the bundle, one result per finding; waived findings carry an external
 * suppression, so they show as dismissed rather than disappearing.
 */
export const SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json";
export const INFORMATION_URI = "https://www.npmjs.com/package/apprunner-guard";

/**
 * GitHub code scanning's hard limits on one upload (docs: "SARIF results exceed limit"): 20 runs per
 * file, 25,000 results per run (only the top 5,000 by severity are shown), 20 tags per rule (10 shown).
 * We write one run per file, so the run limit cannot be reached; results beyond the limit are left out
 * (blocking and most severe kept) with a notification saying so; tags are capped at the shown 10.
 */
export const GITHUB_LIMITS = { runsPerFile: 20, resultsPerRun: 25_000, resultsShown: 5_000, tagsPerRule: 10 } as const;

export interface SarifOptions {
  /**
   * Code scanning category: runs with different categories are separate analyses (one per plan, stack
   * or environment), and an upload replaces only the alerts of its own category. Default:
   * "apprunner-guard/" plus the input paths.
   */
  category?: string;
}

/** GitHub maps security-severity to its labels: >= 9.0 critical, 7.0-8.9 high, 4.0-6.9 medium, < 4.0 low. */
const SECURITY_SEVERITY: Record<Severity, string> = { critical: "9.5", high: "8.0", medium: "5.5", low: "3.0" };
const LEVEL: Record<Severity, "error" | "warning" | "note"> = { critical: "error", high: "error", medium: "warning", low: "note" };

export function renderSarif(report: Report, options: SarifOptions = {}): string {
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
      message: { text: `Waiver ${w.index} (${w.rule} on ${w.resource}, owner ${w.owner}) ${waiverProblem(w)}.` },
      descriptor: { id: w.state === "expired" ? "expired-waiver" : "stale-waiver" },
      associatedRule: { id: w.rule, ...(ruleIndex.has(w.rule) ? { index: ruleIndex.get(w.rule) } : {}) },
    }));

  const withSource = new Set(report.inputs.filter((i) => i.source || i.kind === "cdktf-stack").map((i) => i.path));
  const cdktfStacks = new Set(report.inputs.filter((i) => i.kind === "cdktf-stack").map((i) => i.path));
  const ordered = [...report.findings].sort((a, b) => Number(b.blocking) - Number(a.blocking) || SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity]);
  const kept = report.findings.length > GITHUB_LIMITS.resultsPerRun ? new Set(ordered.slice(0, GITHUB_LIMITS.resultsPerRun)) : null;
  const results = report.findings.filter((f) => !kept || kept.has(f));
  const executionNotifications = [];
  if (kept) {
    executionNotifications.push({
      level: "warning",
      message: {
        text: `${report.findings.length - results.length} of ${report.findings.length} findings are left out of this SARIF file: GitHub code scanning rejects a run with more than ${GITHUB_LIMITS.resultsPerRun} results. Blocking and most severe findings are kept; report.json has all of them.`,
      },
      descriptor: { id: "results-over-github-limit" },
    });
  } else if (results.length > GITHUB_LIMITS.resultsShown) {
    executionNotifications.push({
      level: "note",
      message: { text: `${results.length} results: GitHub code scanning shows only the top ${GITHUB_LIMITS.resultsShown} by severity; report.json has all of them.` },
      descriptor: { id: "results-over-github-display-limit" },
    });
  }
  if (report.summary.services === 0) {
    executionNotifications.push({ level: "warning", message: { text: NO_SERVICES_NOTE }, descriptor: { id: "no-apprunner-service" } });
  }
  const category = sarifCategory(options.category, report);

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
            informationUri: INFORMATION_URI,
            rules: report.rules.map(sarifRule),
          },
        },
        automationDetails: {
          id: `${category}/`,
          description: { text: `apprunner-guard on ${report.inputs.map((i) => i.path).join(", ") || "no input"}` },
        },
        invocations: [
          {
            executionSuccessful: true,
            toolConfigurationNotifications: [...notifications, ...baselineNotifications(report), ...changeNotifications(report, ruleIndex)],
            ...(executionNotifications.length > 0 ? { toolExecutionNotifications: executionNotifications } : {}),
          },
        ],
        ...(results.some((f) => fromSource(f, withSource))
          ? { originalUriBaseIds: sourceBase(results.some((f) => cdktfStacks.has(f.input) && fromSource(f, withSource))) }
          : {}),
        artifacts,
        results: results.map((f) => sarifResult(f, ruleIndex.get(f.rule_id), artifactIndex.get(f.input), report, fromSource(f, withSource))),
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
          services: report.summary.services,
          changes_only: report.mode.changes_only,
          inputs: report.inputs.map((i) => ({ path: i.path, accepted: i.accepted, blocking: i.blocking, prior_state: i.prior_state })),
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
      tags: ["security", "apprunner", ...rule.controls].slice(0, GITHUB_LIMITS.tagsPerRule),
      controls: rule.controls,
      applies_to: rule.applies_to,
    },
  };
}

/**
 * Source locations are relative to the repository root, which GitHub and GitLab resolve as %SRCROOT%
 * themselves; no absolute uri is written, so the file is the same on every machine.
 */
function sourceBase(cdktfCode: boolean) {
  const what = cdktfCode ? "source locations (.tf files, cdktf app code)" : ".tf source locations";
  return { "%SRCROOT%": { description: { text: `The repository root: ${what} are relative to it.` } } };
}

/**
 * A finding placed in source code rather than on the input file itself: a .tf line of a plan's source,
 * or the cdktf app line that created the resource (a stack is one file, so any other file is app code,
 * already repository-relative: see normalize/creation-site.ts).
 */
function fromSource(f: ReportFinding, withSource: Set<string>): boolean {
  return withSource.has(f.input) && f.location.file !== f.input;
}

function sarifResult(f: ReportFinding, ruleIndex: number | undefined, artifactIndex: number | undefined, report: Report, source: boolean) {
  const logicalLocations = [
    ...(f.location.construct_path ? [{ name: lastSegment(f.location.construct_path), fullyQualifiedName: f.location.construct_path, kind: "module" }] : []),
    { name: f.resource, fullyQualifiedName: f.resource, kind: "resource" },
  ];
  return {
    ruleId: f.rule_id,
    ...(ruleIndex !== undefined ? { ruleIndex } : {}),
    level: LEVEL[f.severity],
    message: { text: (f.attribute ? `${f.message} (attribute ${f.attribute})` : f.message) + (f.regression ? ` Regression: ${f.what_changed.join("; ") || "introduced by this plan"}.` : "") },
    locations: [
      {
        physicalLocation: {
          artifactLocation: { uri: toUri(f.location.file), ...(source ? { uriBaseId: "%SRCROOT%" } : {}), ...(artifactIndex !== undefined && f.location.file === f.input ? { index: artifactIndex } : {}) },
          // GitHub needs a region to show an alert; a file without line information anchors at line 1.
          region: { startLine: f.location.line ?? 1 },
        },
        logicalLocations,
      },
    ],
    partialFingerprints: { "apprunnerGuardFinding/v1": fingerprint(f, report) },
    // GitHub's own "new alert" tracking: introduced findings are new, existing ones unchanged.
    ...(f.delta !== "unknown" ? { baselineState: f.delta === "introduced" ? "new" : "unchanged" } : {}),
    ...(f.status === "baselined"
      ? { suppressions: [{ kind: "external", status: "accepted", justification: "recorded in the --baseline file" }] }
      : {}),
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
      status: f.status,
      delta: f.delta,
      regression: f.regression,
      what_changed: f.what_changed,
      baseline_id: f.baseline_id,
    },
  };
}

function baselineNotifications(report: Report) {
  return (report.baseline?.stale ?? []).map((e) => ({
    level: "warning",
    message: { text: `Baseline entry ${e.id} (${e.rule_id} on ${e.resource} in ${e.input}) matches no finding: stale; write the baseline again.` },
    descriptor: { id: "stale-baseline-entry" },
  }));
}

/** Weakened protections are not results (no rule fails); they are notes on the run, tied to their rule. */
function changeNotifications(report: Report, ruleIndex: Map<string, number>) {
  return report.changes.map((c) => ({
    level: c.blocking ? "error" : "note",
    message: { text: `${c.rule_id} (${c.severity}) ${c.kind}: ${c.message} [${c.input}]` },
    descriptor: { id: `change-${c.kind}` },
    associatedRule: { id: c.rule_id, ...(ruleIndex.has(c.rule_id) ? { index: ruleIndex.get(c.rule_id) } : {}) },
  }));
}

const SEVERITY_ORDER: Record<Severity, number> = { critical: 0, high: 1, medium: 2, low: 3 };

/**
 * GitHub de-duplicates alerts by partialFingerprints: the same finding must give the same value on
 * every push, whatever moved around it. So it is built from what the finding is — rule, which input
 * (the cdktf stack name, else the input path), which resource (its construct path when cdktf gives one,
 * else the address), attribute and message — and from nothing positional: no line, no order, no index
 * into the results. cdktf's 8-hex-digit logical-id suffixes (`Api_InstanceRole_5E2C1A3B`) are dropped,
 * because cdktf re-hashes them when a construct moves or is renamed upstream; the construct path
 * already says which resource it is.
 */
export function fingerprint(f: ReportFinding, report: Report): string {
  const input = report.inputs.find((i) => i.path === f.input);
  const where = input?.stack ?? posixPath(f.input);
  const resource = f.location.construct_path ?? f.resource;
  return createHash("sha256")
    .update(["v1", f.rule_id, where, withoutHashSuffix(resource), withoutHashSuffix(f.attribute), withoutHashSuffix(f.message)].join("\u0000"))
    .digest("hex");
}

/**
 * `aws_iam_role.Api_InstanceRole_5E2C1A3B` → `aws_iam_role.Api_InstanceRole` (cdktf's logical-id hash).
 * Kept apart from baseline.ts's withoutCdktfHash, which draws the edges differently: merging would move the
 * fingerprints of existing code-scanning alerts or the ids in existing baseline files.
 */
export function withoutHashSuffix(text: string): string {
  return text.replace(/([A-Za-z0-9])_[0-9A-F]{8}(?![0-9A-Za-z])/g, "$1");
}

function posixPath(path: string): string {
  return path.replace(/\\/g, "/").replace(/^\.\//, "");
}

/**
 * One category per input set: `apprunner-guard/<inputs>` by default, or what --sarif-category says.
 * A category is the automationDetails.id without its last segment, so the id ends with "/".
 */
export function sarifCategory(category: string | undefined, report: Report): string {
  if (category !== undefined && category.trim() !== "") return category.trim().replace(/\/+$/, "");
  const inputs = report.inputs.map((i) => posixPath(i.path).replace(/[^A-Za-z0-9._/-]+/g, "-")).sort();
  return ["apprunner-guard", inputs.join("+") || "none"].join("/");
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
