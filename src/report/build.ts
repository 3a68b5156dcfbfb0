import type { Finding } from "../evaluate/engine.js";
import type { RuleManifest } from "../evaluate/rules.js";
import type { GuardConfig } from "../load/config.js";
import type { LoadedInput } from "../load/types.js";
import type { InputModel } from "../normalize/index.js";
import { configAddress } from "../normalize/source-origin.js";
import { toolVersion } from "../about.js";
import { BASELINE_EXEMPT_RULE, baselineEntry, inputIdentity, valueFingerprint, type LoadedBaseline } from "./baseline.js";
import { changesOf, deltaOf, type BeforeState } from "./delta.js";
import {
  REPORT_SCHEMA_ID,
  REPORT_VERSION,
  EVALUATION_STATUSES,
  type EvaluationStatus,
  type Report,
  type ReportChange,
  type ReportEvaluation,
  type ReportFinding,
  type ReportInput,
} from "./types.js";
import { applyWaivers, checkWaiverRules, prepareWaivers, settleWaivers, stripWaiver } from "./waivers.js";
import { SEVERITIES, type Severity, severityRank } from "../severity.js";
import { compare } from "../order.js";

export { globMatch, utcDay } from "./waivers.js";

export interface CheckedInput {
  input: LoadedInput;
  model: InputModel;
  findings: Finding[];
  /** The prior state evaluated with the same rules; null or absent: no prior state (delta "unknown"). */
  before?: BeforeState | null;
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
  /** --changes-only: only findings this plan introduces can block (AR-META-001 always can). */
  changesOnly?: boolean;
  /** --fail-on-changes: weakened protections (the `changes` section) at or above fail_on block too. */
  failOnChanges?: boolean;
  /** --baseline: findings recorded there are reported as baselined, not blocking. */
  baseline?: LoadedBaseline;
}

/** Turns findings into the one report every format renders: waivers applied, evidence per rule and resource, verdict. */
export function buildReport(options: BuildReportOptions): Report {
  const { checked, manifest, config, failOn, now } = options;
  const changesOnly = options.changesOnly ?? false;
  const failOnChanges = options.failOnChanges ?? false;
  checkWaiverRules(config.waivers, manifest, options.configPath ?? "config");
  const waivers = prepareWaivers(config.waivers, now);
  const threshold = severityRank(failOn);
  const baselineIds = new Set(options.baseline?.entries.map((e) => e.id) ?? []);
  const baselineMatched = new Set<string>();

  const findings: ReportFinding[] = [];
  const evaluations: ReportEvaluation[] = [];
  const changes: ReportChange[] = [];
  const identities = new Map<string, string>();
  for (const { input, model, findings: raw, before, applicable } of checked) {
    const identity = inputIdentity(input);
    identities.set(input.path, identity);
    const names = { path: input.path, stack: input.stack, identity };
    const mine: ReportFinding[] = [];
    for (const f of raw) {
      const waiver = applyWaivers(waivers, f, names);
      const origin = model.resources[f.resource]?.origin;
      const delta = deltaOf(f, model, before ?? null);
      const fingerprint = valueFingerprint(f.message, f.attribute, model.resources[f.resource]);
      const entry = baselineEntry(f, identity, fingerprint);
      const baselined = !waiver && f.rule_id !== BASELINE_EXEMPT_RULE && baselineIds.has(entry.id);
      if (baselined) baselineMatched.add(entry.id);
      const status = waiver ? "waived" : baselined ? "baselined" : "fail";
      // --changes-only: an existing finding is reported, not blocking; unknown (no prior state) still blocks,
      // and so does AR-META-001 whatever its delta: a plan the pass cannot judge is never accepted.
      const exempt = changesOnly && delta.delta === "existing" && f.rule_id !== BASELINE_EXEMPT_RULE;
      mine.push({
        rule_id: f.rule_id,
        severity: f.severity,
        status,
        blocking: status === "fail" && !exempt && severityRank(f.severity) >= threshold,
        input: input.path,
        resource: f.resource,
        attribute: f.attribute,
        message: f.message,
        related: f.related,
        blocks: f.blocks ?? [],
        location: { file: origin?.file ?? input.path, line: attributeLine(input, f.resource, f.attribute) ?? origin?.line ?? null, construct_path: origin?.construct_path ?? null },
        waiver: waiver ? stripWaiver(waiver) : null,
        ...delta,
        baseline_id: entry.id,
        fingerprint,
      });
    }
    findings.push(...mine);
    for (const row of evidenceRows(input.path, model, manifest, mine, applicable ?? null)) evaluations.push(row);
    if (before) {
      const introduced = mine.filter((f) => f.delta === "introduced");
      for (const c of changesOf({ input: input.path, after: model, before, introduced, manifest })) {
        changes.push({ ...c, blocking: failOnChanges && severityRank(c.severity) >= threshold });
      }
    }
  }
  settleWaivers(waivers);

  findings.sort(
    (a, b) =>
      compare(a.input, b.input) ||
      severityRank(b.severity) - severityRank(a.severity) ||
      compare(a.rule_id, b.rule_id) ||
      compare(a.resource, b.resource) ||
      compare(a.attribute, b.attribute) ||
      compare(a.message, b.message),
  );

  const bySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, { fail: 0, waived: 0, baselined: 0 }])) as Report["summary"]["by_severity"];
  for (const f of findings) bySeverity[f.severity][f.status]++;
  const evaluationCounts = Object.fromEntries(EVALUATION_STATUSES.map((st) => [st, 0])) as Record<EvaluationStatus, number>;
  for (const e of evaluations) evaluationCounts[e.status]++;
  const blocking = findings.filter((f) => f.blocking).length + changes.filter((c) => c.blocking).length;
  const stale = (options.baseline?.entries ?? []).filter((e) => !baselineMatched.has(e.id));

  const inputs: ReportInput[] = checked.map(({ input, model, before }) => {
    const mine = findings.filter((f) => f.input === input.path && f.blocking).length + changes.filter((c) => c.input === input.path && c.blocking).length;
    return {
      path: input.path,
      kind: input.kind,
      stack: input.stack,
      sha256: input.sha256,
      bytes: input.bytes,
      resources: Object.keys(model.resources).length,
      identity: identities.get(input.path)!,
      prior_state: Boolean(before),
      accepted: mine === 0,
      blocking: mine,
      ...(input.kind === "terraform-plan" && input.source_searched
        ? {
            source: input.source
              ? {
                  root: input.source.root,
                  found_by: input.source.found_by,
                  unreadable: input.source.unreadable,
                  values_read: model.source.source_values?.read ?? [],
                  disagreed: model.source.source_values?.disagreed ?? [],
                }
              : null,
          }
        : {}),
    };
  });

  return {
    $schema: REPORT_SCHEMA_ID,
    report_version: REPORT_VERSION,
    generated_at: now.toISOString(),
    tool: { name: "apprunner-guard", version: toolVersion() },
    policy: { rule_set_version: manifest.rule_set_version, opa_version: manifest.opa_version, wasm_sha256: options.wasmSha256 },
    frameworks: manifest.frameworks ?? [],
    fail_on: failOn,
    mode: { changes_only: changesOnly, fail_on_changes: failOnChanges },
    parameters: options.parameters,
    inputs,
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
    changes,
    waivers,
    baseline: options.baseline ? { path: options.baseline.path, entries: options.baseline.entries.length, matched: baselineMatched.size, stale } : null,
    summary: {
      accepted: blocking === 0,
      blocking,
      findings: findings.filter((f) => f.status === "fail").length,
      waived: findings.filter((f) => f.status === "waived").length,
      baselined: findings.filter((f) => f.status === "baselined").length,
      introduced: findings.filter((f) => f.delta === "introduced").length,
      existing: findings.filter((f) => f.delta === "existing").length,
      regressions: findings.filter((f) => f.regression).length,
      changes: changes.length,
      by_severity: bySeverity,
      evaluations: evaluationCounts,
      resources_checked: new Set(evaluations.map((e) => `${e.input}\u0000${e.resource}`)).size,
      services: checked.reduce((n, { model }) => n + (model.by_type["aws_apprunner_service"]?.length ?? 0), 0),
      expired_waivers: waivers.filter((w) => w.state === "expired").length,
      stale_waivers: waivers.filter((w) => w.state === "stale").length,
      stale_baseline_entries: stale.length,
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
      else if (hits.some((f) => f.status === "baselined")) status = "baselined";
      else if (hits.length > 0) status = "waived";
      else if (blocked.has(`${rule.id}\u0000${address}`)) status = "cannot-verify";
      else if (examined && !examined.has(address)) status = "not-applicable";
      out.push({ rule_id: rule.id, input: inputPath, resource: address, status });
    }
  }
  return out;
}

/** Said by every format when the inputs hold no aws_apprunner_service. */
export const NO_SERVICES_NOTE =
  "No App Runner service (aws_apprunner_service) in the inputs: the rules had nothing to check. Pass the plan or stack that defines the service; --require-services makes this exit 1.";

/**
 * The line of the argument or nested block a finding names ("instance_configuration.0.instance_role_arn"
 * → the instance_configuration line), when the plan's source has the block and the name.
 */
function attributeLine(input: LoadedInput, resource: string, attribute: string): number | null {
  if (!input.source || attribute === "") return null;
  const block = input.source.blocks[configAddress(resource)];
  const top = attribute.split(/[.[]/)[0]!;
  return block && Object.hasOwn(block.attribute_lines, top) ? block.attribute_lines[top]! : null;
}
