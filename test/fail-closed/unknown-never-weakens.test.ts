/**
 * The invariant of the semantics issue: making a value unknown never turns a rejected plan into an
 * accepted one. For every failing plan fixture and every attribute path any rule reads (and the
 * block that encloses it), the value is replaced by unknown as Terraform writes it: absent from
 * `after`, `true` in `after_unknown` (an unknown block is one `true` for the whole block list). The
 * pass must still reject. Cases are drawn with fast-check; seed and count are printed, FUZZ_SEED /
 * FUZZ_RUNS override (FUZZ_RUNS=0 is "every case").
 */
import { readFileSync, readdirSync } from "node:fs";
import fc from "fast-check";
import { beforeAll, describe, expect, test } from "vitest";
import { runCheck } from "../../src/check.js";
import { fixtures } from "../helpers/paths.js";
import { fuzzSettings, printFuzz, writeInput } from "../helpers/fail-closed.js";

type Json = Record<string, unknown>;

const image = "source_configuration.0.image_repository.0.image_configuration.0";
const code = "source_configuration.0.code_repository.0.code_configuration.0";
const codeValues = `${code}.code_configuration_values.0`;

/** What the rules read, per resource type (paths through block lists, `.0` for the one element). */
const READ: Record<string, string[]> = {
  aws_apprunner_service: [
    "instance_configuration",
    "instance_configuration.0.instance_role_arn",
    "source_configuration",
    "source_configuration.0.authentication_configuration",
    "source_configuration.0.authentication_configuration.0.access_role_arn",
    "source_configuration.0.image_repository",
    "source_configuration.0.image_repository.0.image_identifier",
    "source_configuration.0.image_repository.0.image_configuration",
    `${image}.port`,
    `${image}.runtime_environment_variables`,
    `${image}.runtime_environment_secrets`,
    "source_configuration.0.code_repository",
    "source_configuration.0.code_repository.0.code_configuration",
    `${code}.configuration_source`,
    `${code}.code_configuration_values`,
    `${codeValues}.port`,
    `${codeValues}.runtime_environment_variables`,
    `${codeValues}.runtime_environment_secrets`,
    "network_configuration",
    "network_configuration.0.ingress_configuration",
    "network_configuration.0.ingress_configuration.0.is_publicly_accessible",
    "health_check_configuration",
    "health_check_configuration.0.protocol",
    "health_check_configuration.0.path",
    "observability_configuration",
    "observability_configuration.0.observability_enabled",
    "observability_configuration.0.observability_configuration_arn",
    "encryption_configuration",
    "encryption_configuration.0.kms_key",
    "tags",
    "tags_all",
  ],
  aws_wafv2_web_acl_association: ["resource_arn"],
  aws_apprunner_vpc_ingress_connection: ["service_arn"],
  aws_apprunner_observability_configuration: ["trace_configuration", "trace_configuration.0.vendor"],
  aws_iam_role: ["assume_role_policy", "inline_policy", "managed_policy_arns"],
  aws_iam_role_policy: ["policy", "role"],
  aws_iam_policy: ["policy"],
  aws_iam_role_policy_attachment: ["policy_arn", "role"],
  aws_iam_policy_attachment: ["policy_arn", "roles"],
  aws_iam_role_policy_attachments_exclusive: ["policy_arns", "role_name"],
};
// Not mutated: a resource's own identity (arn, name, id). When Terraform does not know a resource's
// ARN or name, every value computed from it is unknown too (the service's instance_role_arn, an
// attachment's role); mutating it alone would make a plan Terraform cannot write. The dependent
// link attributes above are where those unknowns show up, and they are mutated.

type ReportFinding = Awaited<ReturnType<typeof runCheck>>["findings"][number];

/**
 * The stronger form, per finding: every blocking finding of the original plan is still reported
 * (same rule, same resource) or is blocked by an AR-META-001 about the same service/role (cannot
 * verify that rule there). A plan-level "still rejected" follows from it.
 */
function lost(before: ReportFinding[], after: ReportFinding[]): string[] {
  // What a finding is about: the service/role it names as related, else its resource (a finding may
  // move from the policy resource to the document it came from; it is the same finding).
  const about = (f: ReportFinding) => (f.related.length > 0 ? f.related : [f.resource]);
  const still = new Set(after.flatMap((f) => about(f).map((a) => `${f.rule_id} ${a}`)));
  const blocked = new Set<string>();
  for (const f of after) for (const id of f.blocks) for (const a of [f.resource, ...f.related]) blocked.add(`${id} ${a}`);
  return before
    .filter((f) => f.blocking)
    .filter((f) => !about(f).every((a) => still.has(`${f.rule_id} ${a}`)) && ![f.resource, ...f.related].some((a) => blocked.has(`${f.rule_id} ${a}`)))
    .map((f) => `${f.rule_id} ${f.resource}`);
}

interface Case {
  fixture: string;
  change: number;
  address: string;
  path: string;
}

function get(node: unknown, parts: string[]): unknown {
  let cur = node;
  for (const p of parts) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Json)[p];
  }
  return cur;
}

/** after_unknown already says the value (or a block around it) is unknown. */
function alreadyUnknown(tree: unknown, parts: string[]): boolean {
  let cur = tree;
  for (const p of parts) {
    if (cur === true) return true;
    if (cur === null || typeof cur !== "object") return false;
    cur = (cur as Json)[p];
  }
  return cur === true;
}

/** Replaces after[path] by unknown the way Terraform writes it. */
function makeUnknown(change: Json, parts: string[]): void {
  const after = change.after as Json;
  const parent = get(after, parts.slice(0, -1)) as Json;
  delete parent[parts[parts.length - 1]!];
  if (change.after_unknown === null || typeof change.after_unknown !== "object") change.after_unknown = {};
  let node = change.after_unknown as Json;
  parts.forEach((p, i) => {
    if (i === parts.length - 1) {
      node[p] = true;
      return;
    }
    const next = node[p];
    if (next === null || typeof next !== "object") {
      // Mirror the shape of after: a list index gets a list.
      node[p] = /^\d+$/.test(parts[i + 1]!) ? [] : {};
    }
    node = node[p] as Json;
  });
}

/**
 * Root variables always have known values in a plan, so a value computed only from them and from
 * resource references is unknown only through a reference. Making such a value unknown is consistent
 * only if the variables it reads may be the unknown part too: their values are dropped as well.
 */
function forgetVariables(plan: Json, c: Case): void {
  const config = ((plan.configuration as Json | undefined)?.root_module as Json | undefined)?.resources as Json[] | undefined;
  const address = c.address.replace(/\[[^\]]*\]$/, "");
  const resource = config?.find((r) => r.address === address);
  const variables = plan.variables as Record<string, Json> | undefined;
  if (!resource || !variables) return;
  let node: unknown = resource.expressions;
  for (const p of c.path.split(".")) {
    if (node === null || typeof node !== "object") return;
    node = (node as Json)[p];
  }
  const references = node && typeof node === "object" && Array.isArray((node as Json).references) ? ((node as Json).references as string[]) : [];
  for (const r of references) {
    const name = /^var\.([^.[]+)/.exec(r)?.[1];
    if (name && variables[name]) delete variables[name]!.value;
  }
}

/**
 * Mutations that still weaken the verdict, each with the reason and the owner of the fix. They run,
 * are printed, and are left out of the assertion; nothing else may be added here without one.
 */
const NO_TRACE_OF_DYNAMIC =
  "instance_configuration is the resource's only dynamic block: made wholly unknown, the plan is byte-for-byte what Terraform writes for a service that does not set it (the provider computes it), so the plan reader cannot tell; the *.tf.json reading of the same folder (test/normalize/tfjson.test.ts) and the tfjson unknown-never-weakens test cover it";
const KNOWN_GAPS: { fixture: string; address: string; path: string; why: string }[] = [
  { fixture: "tfjson-dynamic-role.json", address: "aws_apprunner_service.orders", path: "instance_configuration", why: NO_TRACE_OF_DYNAMIC },
  { fixture: "tfjson-dynamic-role-admin.json", address: "aws_apprunner_service.orders", path: "instance_configuration", why: NO_TRACE_OF_DYNAMIC },
];
const isKnownGap = (c: Case) => KNOWN_GAPS.some((g) => g.fixture === c.fixture && g.address === c.address && g.path === c.path);

const plans = new Map<string, Json>();
const original = new Map<string, ReportFinding[]>();
const cases: Case[] = [];

beforeAll(async () => {
  for (const name of readdirSync(fixtures("plans")).filter((n) => n.endsWith(".json")).sort()) {
    const path = fixtures("plans", name);
    const report = await runCheck({ paths: [path], now: new Date("2026-11-23T00:00:00Z") });
    if (report.summary.accepted) continue;
    const plan = JSON.parse(readFileSync(path, "utf8")) as Json;
    plans.set(name, plan);
    original.set(name, report.findings);
    (plan.resource_changes as Json[]).forEach((rc, index) => {
      const change = rc.change as Json;
      const after = change.after;
      if (after === null || typeof after !== "object") return;
      const actions = change.actions as string[];
      if (actions.length === 1 && actions[0] === "delete") return;
      for (const path of READ[String(rc.type)] ?? []) {
        const parts = path.split(".");
        const value = get(after, parts);
        if (value === undefined || value === null) continue;
        if (Array.isArray(value) && value.length === 0) continue;
        if (alreadyUnknown(change.after_unknown, parts)) continue;
        cases.push({ fixture: name, change: index, address: String(rc.address), path });
      }
    });
  }
}, 120_000);

describe("making a value unknown never turns a rejected plan into an accepted one", () => {
  test("there are failing fixtures and paths to make unknown", () => {
    expect(plans.size).toBeGreaterThanOrEqual(10);
    expect(cases.length).toBeGreaterThan(100);
  });

  const run = async (fixture: string, chosen: Case[], failures: string[]) => {
    const plan = structuredClone(plans.get(fixture)!);
    for (const c of chosen) {
      const change = (plan.resource_changes as Json[])[c.change]!.change as Json;
      const parts = c.path.split(".");
      // An earlier mutation may already have made this value (or its block) unknown.
      if (get(change.after, parts) === undefined || alreadyUnknown(change.after_unknown, parts)) continue;
      makeUnknown(change, parts);
      forgetVariables(plan, c);
    }
    const report = await runCheck({ paths: [writeInput(plan, fixture)], now: new Date("2026-11-23T00:00:00Z") });
    const gone = lost(original.get(fixture)!, report.findings);
    const label = `${fixture} ${chosen.map((c) => `${c.address} ${c.path}`).join(" + ")}`;
    if (report.summary.accepted || gone.length > 0) failures.push(`${label}: ${report.summary.accepted ? "accepted" : `lost ${gone.join(", ")}`}`);
    return !report.summary.accepted && gone.length === 0;
  };

  test("every (fixture, resource, path) made unknown alone: still rejected, and no blocking finding disappears without a cannot-verify in its place", { timeout: 600_000 }, async () => {
    const failures: string[] = [];
    const gaps: string[] = [];
    for (const c of cases) await run(c.fixture, [c], isKnownGap(c) ? gaps : failures);
    for (const g of gaps) process.stdout.write(`[unknown-never-weakens] known gap (not asserted): ${g}\n`);
    process.stdout.write(`[unknown-never-weakens] ${cases.length} single mutations over ${plans.size} failing fixtures\n`);
    expect(failures).toEqual([]);
  });

  test("several values made unknown at once (fast-check, seeded): the same holds", { timeout: 600_000 }, async () => {
    const { seed, numRuns } = fuzzSettings(40);
    printFuzz("unknown-never-weakens (combined)", seed, numRuns);
    const byFixture = new Map<string, Case[]>();
    for (const c of cases.filter((c) => !isKnownGap(c))) byFixture.set(c.fixture, [...(byFixture.get(c.fixture) ?? []), c]);
    const arbitrary = fc
      .constantFrom(...[...byFixture.keys()])
      .chain((fixture) => fc.tuple(fc.constant(fixture), fc.subarray(byFixture.get(fixture)!, { minLength: Math.min(2, byFixture.get(fixture)!.length), maxLength: Math.min(4, byFixture.get(fixture)!.length) })));
    const failures: string[] = [];
    await fc.assert(
      fc.asyncProperty(arbitrary, ([fixture, chosen]) => run(fixture, chosen, failures)),
      { seed, numRuns },
    );
    expect(failures).toEqual([]);
  });
});
