import { readFileSync } from "node:fs";
import { join } from "node:path";
import { InputError } from "../errors.js";
import type { Finding } from "../evaluate/engine.js";
import { SEVERITIES, severityRank, type RuleManifest, type Severity } from "../evaluate/rules.js";
import type { GuardConfig, Waiver } from "../load/config.js";
import type { LoadedInput } from "../load/types.js";
import { compare, type InputModel } from "../normalize/index.js";
import { packageRoot } from "../paths.js";
import {
  REPORT_SCHEMA_ID,
  REPORT_VERSION,
  EVALUATION_STATUSES,
  type EvaluationStatus,
  type Report,
  type ReportEvaluation,
  type ReportFinding,
  type ReportWaiver,
} from "./types.js";

export interface CheckedInput {
  input: LoadedInput;
  model: InputModel;
  findings: Finding[];
  /** Per rule id, the addresses the rule examined (from the bundle); absent: every resource of its types counts as examined. */
  applicable?: Record<string, string[]> | null;
}

export interface BuildReportOptions {
  checked: CheckedInput[];
  manifest: RuleManifest;
  wasmSha256: string;
  config: GuardConfig;
  parameters: Record<string, unknown>;
  failOn: Severity;
  now: Date;
  /** Where the waivers came from, for error messages (`--config` path). */
  configPath?: string;
}

/** Turns findings into the one report every format renders: waivers applied, evidence per rule and resource, verdict. */
export function buildReport(options: BuildReportOptions): Report {
  const { checked, manifest, config, failOn, now } = options;
  checkWaiverRules(config.waivers, manifest, options.configPath ?? "config");
  const today = utcDay(now);
  const waivers: ReportWaiver[] = config.waivers.map((w, index) => ({
    ...w,
    index,
    state: w.expires < today ? "expired" : "active",
    matched: 0,
  }));
  const threshold = severityRank(failOn);

  const findings: ReportFinding[] = [];
  const evaluations: ReportEvaluation[] = [];
  for (const { input, model, findings: raw, applicable } of checked) {
    for (const f of raw) {
      const matching = waivers.filter(
        (w) =>
          w.rule === f.rule_id &&
          globMatch(w.resource, f.resource) &&
          (w.attribute === undefined || globMatch(w.attribute, f.attribute)) &&
          (w.source === undefined || w.source.input === input.path),
      );
      for (const w of matching) w.matched++;
      const waiver = matching.find((w) => w.state === "active") ?? null;
      const origin = model.resources[f.resource]?.origin;
      findings.push({
        rule_id: f.rule_id,
        severity: f.severity,
        status: waiver ? "waived" : "fail",
        blocking: !waiver && severityRank(f.severity) >= threshold,
        input: input.path,
        resource: f.resource,
        attribute: f.attribute,
        message: f.message,
        related: f.related,
        blocks: f.blocks ?? [],
        location: { file: origin?.file ?? input.path, line: origin?.line ?? null, construct_path: origin?.construct_path ?? null },
        waiver: waiver ? stripWaiver(waiver) : null,
      });
    }
    for (const row of evidenceRows(input.path, model, manifest, findings.filter((f) => f.input === input.path), applicable ?? null)) evaluations.push(row);
  }
  for (const w of waivers) if (w.matched === 0 && w.state === "active") w.state = "stale";

  findings.sort(
    (a, b) =>
      compare(a.input, b.input) ||
      severityRank(b.severity) - severityRank(a.severity) ||
      compare(a.rule_id, b.rule_id) ||
      compare(a.resource, b.resource) ||
      compare(a.attribute, b.attribute) ||
      compare(a.message, b.message),
  );

  const bySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, { fail: 0, waived: 0 }])) as Report["summary"]["by_severity"];
  for (const f of findings) bySeverity[f.severity][f.status]++;
  const evaluationCounts = Object.fromEntries(EVALUATION_STATUSES.map((st) => [st, 0])) as Record<EvaluationStatus, number>;
  for (const e of evaluations) evaluationCounts[e.status]++;
  const blocking = findings.filter((f) => f.blocking).length;

  return {
    $schema: REPORT_SCHEMA_ID,
    report_version: REPORT_VERSION,
    generated_at: now.toISOString(),
    tool: { name: "apprunner-guard", version: toolVersion() },
    policy: { rule_set_version: manifest.rule_set_version, opa_version: manifest.opa_version, wasm_sha256: options.wasmSha256 },
    frameworks: manifest.frameworks ?? [],
    fail_on: failOn,
    parameters: options.parameters,
    inputs: checked.map(({ input, model }) => ({
      path: input.path,
      kind: input.kind,
      stack: input.stack,
      sha256: input.sha256,
      bytes: input.bytes,
      resources: Object.keys(model.resources).length,
    })),
    rules: manifest.rules.map((r) => ({
      id: r.id,
      title: r.title,
      description: r.description,
      severity: r.severity,
      controls: r.controls,
      mappings: r.mappings ?? [],
      remediation: r.remediation,
      applies_to: r.applies_to,
    })),
    findings,
    evaluations,
    waivers,
    summary: {
      accepted: blocking === 0,
      blocking,
      findings: findings.filter((f) => f.status === "fail").length,
      waived: findings.filter((f) => f.status === "waived").length,
      by_severity: bySeverity,
      evaluations: evaluationCounts,
      resources_checked: new Set(evaluations.map((e) => `${e.input}\u0000${e.resource}`)).size,
      services: checked.reduce((n, { model }) => n + (model.by_type["aws_apprunner_service"]?.length ?? 0), 0),
      expired_waivers: waivers.filter((w) => w.state === "expired").length,
      stale_waivers: waivers.filter((w) => w.state === "stale").length,
    },
  };
}

/**
 * Evidence for auditors: every rule against every resource of the types it covers. A resource fails a rule
 * when a finding names it or lists it as related; it cannot be verified when a finding lists that rule in
 * `blocks`; otherwise it passes if the rule examined it (the bundle's applicability) and is not-applicable
 * if not, so "pass" always means "examined and compliant".
 */
function evidenceRows(
  inputPath: string,
  model: InputModel,
  manifest: RuleManifest,
  findings: ReportFinding[],
  applicable: Record<string, string[]> | null,
): ReportEvaluation[] {
  const out: ReportEvaluation[] = [];
  const touched = new Map<string, ReportFinding[]>();
  for (const f of findings) {
    for (const address of [f.resource, ...f.related]) {
      const key = `${f.rule_id}\u0000${address}`;
      const list = touched.get(key);
      if (list) list.push(f);
      else touched.set(key, [f]);
    }
  }
  const blocked = new Set<string>();
  for (const f of findings) {
    for (const id of f.blocks) for (const address of [f.resource, ...f.related]) blocked.add(`${id}\u0000${address}`);
  }
  for (const rule of manifest.rules) {
    const examined = applicable ? new Set(applicable[rule.id] ?? []) : null;
    const addresses = new Set(rule.applies_to.flatMap((type) => model.by_type[type] ?? []));
    for (const f of findings) if (f.rule_id === rule.id) addresses.add(f.resource);
    for (const address of [...addresses].sort(compare)) {
      const hits = touched.get(`${rule.id}\u0000${address}`) ?? [];
      let status: EvaluationStatus = "pass";
      if (hits.some((f) => f.status === "fail")) status = "fail";
      else if (hits.length > 0) status = "waived";
      else if (blocked.has(`${rule.id}\u0000${address}`)) status = "cannot-verify";
      else if (examined && !examined.has(address)) status = "not-applicable";
      out.push({ rule_id: rule.id, input: inputPath, resource: address, status });
    }
  }
  return out;
}

/** "Today" for waiver expiry: the UTC calendar day of `now`. A waiver is still in force on its expires day. */
export function utcDay(now: Date): string {
  return now.toISOString().slice(0, 10);
}

/** A waiver naming a rule the bundle does not have is a typo that would silently waive nothing: refuse it. */
function checkWaiverRules(waivers: Waiver[], manifest: RuleManifest, subject: string): void {
  const known = new Set(manifest.rules.map((r) => r.id));
  waivers.forEach((w, index) => {
    if (!known.has(w.rule)) {
      const valid = [...known].sort(compare).join(", ");
      if (w.source) throw new InputError(w.source.input, `${w.resource}: a construct waiver names rule ${w.rule}, which rule set ${manifest.rule_set_version} does not have (valid: ${valid})`);
      throw new InputError(subject, `invalid config: waiver ${index} names rule ${w.rule}, which rule set ${manifest.rule_set_version} does not have (valid: ${valid})`);
    }
  });
}

/** Waiver resource patterns: `*` any run of characters, `?` one character; everything else literal. */
export function globMatch(pattern: string, value: string): boolean {
  const source = pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".");
  return new RegExp(`^${source}$`).test(value);
}

function stripWaiver(w: ReportWaiver): Waiver & { index: number } {
  const { state: _state, matched: _matched, ...rest } = w;
  return rest;
}

let cachedVersion: string | undefined;
/** Said by every format when the inputs hold no aws_apprunner_service. */
export const NO_SERVICES_NOTE =
  "No App Runner service (aws_apprunner_service) in the inputs: the rules had nothing to check. Pass the plan or stack that defines the service; --require-services makes this exit 1.";

export function toolVersion(): string {
  cachedVersion ??= (JSON.parse(readFileSync(join(packageRoot, "package.json"), "utf8")) as { version: string }).version;
  return cachedVersion;
}
