import { createHash } from "node:crypto";
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { PolicyEngine, type RawFinding } from "../../src/evaluate/engine.js";
import { namedTypesOf, Partitioner } from "../../src/evaluate/partition.js";
import { loadInputs } from "../../src/load/index.js";
import { normalize, type InputModel } from "../../src/normalize/index.js";
import { policyDistDir } from "../../src/paths.js";
import { validator } from "../../src/schemas/ajv.js";
// @ts-expect-error: the benchmark generator is plain ESM without types
import { buildResources, planJson, SHAPES } from "../../bench/generate.mjs";
import { exampleOut, fixtures, hasRealcases, noteRealcasesSkipped, realcases } from "../helpers/paths.js";

/** Every input we have: plan fixtures, the synthesized example, generated plans of every shape, real inputs. */
function inputs(scratch: string): string[] {
  const found: string[] = [];
  for (const name of readdirSync(fixtures("plans")).sort()) if (name.endsWith(".json")) found.push(fixtures("plans", name));
  found.push(exampleOut());
  for (const shape of SHAPES as string[]) {
    const { resources } = buildResources(40, 11, shape);
    const path = join(scratch, `generated-${shape}.json`);
    writeFileSync(path, JSON.stringify(planJson(resources)));
    found.push(path);
  }
  if (hasRealcases) {
    const walk = (dir: string) => {
      for (const name of readdirSync(dir).sort()) {
        const path = join(dir, name);
        if (statSync(path).isDirectory()) {
          if (name === "cdktf.out") found.push(path);
          else walk(path);
        } else if (/tfplan\.json$|_infra\.json$/.test(name)) found.push(path);
      }
    };
    walk(realcases);
  } else noteRealcasesSkipped("test/evaluate/partition.test.ts: real inputs only; fixtures and generated plans still run");
  return found;
}

/** Key order differs between evaluations' JSON; content must not. */
const sortedKeys = (value: unknown): unknown =>
  Array.isArray(value)
    ? value.map(sortedKeys)
    : value && typeof value === "object"
      ? Object.fromEntries(Object.keys(value).sort().map((k) => [k, sortedKeys((value as Record<string, unknown>)[k])]))
      : value;
const digest = (findings: RawFinding[]) =>
  createHash("sha256")
    .update(findings.map((f) => JSON.stringify(sortedKeys(f))).sort().join("\n"))
    .digest("hex");

const scratch = mkdtempSync(join(tmpdir(), "arg-partition-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("partitioned evaluation gives the findings of a whole-model evaluation", () => {
  let whole: PolicyEngine;
  let single: PolicyEngine;
  let grouped: PolicyEngine;
  let parallel: PolicyEngine;
  beforeAll(async () => {
    whole = await PolicyEngine.load({ partition: "never" });
    // A 1-byte bound: every owner in a partition of its own (the strictest cut).
    single = await PolicyEngine.load({ partition: "always", maxPartitionBytes: 1 });
    grouped = await PolicyEngine.load({ partition: "always", maxPartitionBytes: 48 * 1024 });
    // The CLI's path: partitions shared between this thread and a worker thread.
    parallel = await PolicyEngine.load({ partition: "always", maxPartitionBytes: 8 * 1024 });
    parallel.startWorkers(1);
  });
  afterAll(() => parallel.close());

  const cases = inputs(scratch);
  test("there are inputs to compare", () => {
    expect(cases.length).toBeGreaterThanOrEqual(18);
  });

  // Tightened, and every opt-in parity rule on, so their findings and applicability are compared too.
  const tightened = {
    allowed_ports: [8080, 8443],
    required_tags: ["Environment", "Owner", "CostCenter"],
    allow_ssm_for_secret_names: true,
    require_vpc_egress: true,
    require_private_ingress: true,
    ip_address_type: "IPV4",
    vpc_connector_required_tags: ["Owner"],
  };

  test.each(cases.map((c) => [c.slice(c.lastIndexOf("/", c.lastIndexOf("/") - 1) + 1), c]))("%s", async (_name, path) => {
    for (const input of loadInputs([path])) {
      const model = normalize(input);
      for (const params of [whole.manifest.params, { ...whole.manifest.params, ...tightened }]) {
        const expected = whole.evaluateAll(model, params);
        expect(whole.lastStats?.partitions).toBe(1);
        // The evidence (which rule examined which resource) is part of the answer, not only the findings.
        expect(expected.applicable).not.toBeNull();
        for (const engine of [single, grouped]) {
          const got = engine.evaluateAll(model, params);
          expect(digest(got.findings)).toBe(digest(expected.findings));
          expect(sortedApplicable(got.applicable)).toEqual(sortedApplicable(expected.applicable));
        }
        // In parallel, even the order is that of the one-thread evaluation of the same partitions.
        const inParallel = await parallel.evaluateAllInParallel(model, params);
        expect(digest(inParallel.findings)).toBe(digest(expected.findings));
        expect(sortedApplicable(inParallel.applicable)).toEqual(sortedApplicable(expected.applicable));
        expect(inParallel).toEqual(parallel.evaluateAll(model, params));
        const services = model.by_type.aws_apprunner_service?.length ?? 0;
        single.evaluateRaw(model, params);
        expect(single.lastStats!.partitions).toBeGreaterThanOrEqual(services);
      }
    }
  });

  test("a neighbour service copied into another partition is examined only in its own (applicability unchanged)", () => {
    const path = join(scratch, "neighbour.json");
    writeFileSync(path, JSON.stringify(planJson(buildResources(6, 3, "flat").resources)));
    const m = normalize(loadInputs([path])[0]!);
    // svc0002's environment refers to svc0001: svc0001 is copied into svc0002's partition.
    m.resources["aws_apprunner_service.svc0002"]!.refs["source_configuration.0.image_repository.0.image_configuration.0.runtime_environment_variables.PEER"] = [
      "aws_apprunner_service.svc0001",
    ];
    const params = { ...whole.manifest.params, ...tightened };
    const expected = whole.evaluateAll(m, params);
    const got = single.evaluateAll(m, params);
    expect(single.lastStats!.partitions).toBeGreaterThan(1);
    expect(digest(got.findings)).toBe(digest(expected.findings));
    expect(sortedApplicable(got.applicable)).toEqual(sortedApplicable(expected.applicable));
  });

  test("a model with nothing to partition still gets the model-level answers (refusal, applicability)", () => {
    const path = join(scratch, "empty.json");
    writeFileSync(path, JSON.stringify(planJson([])));
    const m = normalize(loadInputs([path])[0]!);
    const expected = whole.evaluateAll(m, {});
    const got = single.evaluateAll(m, {});
    expect(got.findings.map((f) => f.resource)).toEqual(["data.apprunner_guard.params"]);
    expect(digest(got.findings)).toBe(digest(expected.findings));
    expect(sortedApplicable(got.applicable)).toEqual(sortedApplicable(expected.applicable));
  });
});

/** Applicability with each rule's addresses sorted (null stays null: the bundle did not say). */
function sortedApplicable(applicable: Record<string, string[]> | null): Record<string, string[]> | null {
  if (applicable === null) return null;
  return Object.fromEntries(Object.keys(applicable).sort().map((k) => [k, [...applicable[k]!].sort()]));
}

describe("what a partition carries", () => {
  const named = namedTypesOf(readFileSync(join(policyDistDir, "policy.wasm")));
  const owners = new Set(["aws_apprunner_service"]);
  const model = (shape: string): InputModel => {
    const path = join(scratch, `shape-${shape}.json`);
    writeFileSync(path, JSON.stringify(planJson(buildResources(25, 3, shape).resources)));
    return normalize(loadInputs([path])[0]!);
  };

  test.each(SHAPES as string[])("%s: each partition is a valid input model; each service is judged in exactly one", (shape) => {
    const m = model(shape);
    const validate = validator("input-model");
    const judged: string[] = [];
    const copied = new Set<string>();
    for (const part of new Partitioner(m, { ownerTypes: owners, namedTypes: named, maxBytes: 20_000 }).partitions()) {
      const p = JSON.parse(part.json.toString()) as InputModel;
      expect(validate(p), JSON.stringify(validate.errors?.[0])).toBe(true);
      expect(p.by_type.aws_apprunner_service ?? []).toEqual(part.owners);
      judged.push(...part.owners);
      for (const a of Object.keys(p.resources)) {
        copied.add(a);
        // Copies are exact, and referenced_by only names what the partition holds.
        expect(p.resources[a]).toEqual(m.resources[a]);
        for (const from of p.referenced_by[a] ?? []) expect(p.resources[from]).toBeDefined();
      }
      for (const owner of part.owners) expect(p.referenced_by[owner] ?? []).toEqual(m.referenced_by[owner] ?? []);
      for (const role of Object.keys(p.iam.roles)) expect(p.iam.roles[role]).toEqual(m.iam.roles[role]);
    }
    expect(judged.sort()).toEqual(m.by_type.aws_apprunner_service);
    // Nothing a rule could select by type is left out; what no rule can reach is not copied.
    for (const r of Object.values(m.resources)) if (named(r.type)) expect(copied.has(r.address), r.address).toBe(true);
    if (shape === "mix") {
      expect(copied.size).toBeLessThan(Object.keys(m.resources).length / 2);
      expect(m.resources["aws_dynamodb_table.app0001_orders"]).toBeDefined();
      expect(copied.has("aws_dynamodb_table.app0001_orders")).toBe(false);
    }
  });

  test("an owner whose whole reach lies in another owner's partition is judged there; a shared one keeps its own", () => {
    const m = model("flat");
    const both = new Set(["aws_apprunner_service", "aws_apprunner_vpc_connector"]);
    const connectors = m.by_type.aws_apprunner_vpc_connector ?? [];
    expect(connectors.length).toBeGreaterThan(10);
    const judgedIn = (parts: { owners: string[] }[]) => {
      const where = new Map<string, number>();
      parts.forEach((p, i) => p.owners.forEach((o) => {
        expect(where.has(o), `${o} judged twice`).toBe(false);
        where.set(o, i);
      }));
      return where;
    };
    const usedBy = (connector: string) => (m.referenced_by[connector] ?? []).filter((a) => a.startsWith("aws_apprunner_service."));
    // Each service has its own connector: the connector rides along with its service, no partition repeats the service.
    let parts = [...new Partitioner(m, { ownerTypes: both, namedTypes: named, maxBytes: 1 }).partitions()];
    let where = judgedIn(parts);
    for (const c of connectors) {
      expect(usedBy(c)).toHaveLength(1);
      expect(where.get(c)).toBe(where.get(usedBy(c)[0]!));
    }
    const services = m.by_type.aws_apprunner_service!;
    expect(parts.filter((p) => p.owners.length > 0)).toHaveLength(services.length);

    // A connector two services share reaches beyond either: it gets a partition of its own with both in it.
    const [first, second] = connectors as [string, string];
    const path = "network_configuration.0.egress_configuration.0.vpc_connector_arn";
    const other = usedBy(second)[0]!;
    m.resources[other]!.refs[path] = [first];
    m.referenced_by[first] = [...(m.referenced_by[first] ?? []), other].sort();
    m.referenced_by[second] = (m.referenced_by[second] ?? []).filter((a) => a !== other);
    parts = [...new Partitioner(m, { ownerTypes: both, namedTypes: named, maxBytes: 1 }).partitions()];
    where = judgedIn(parts);
    const own = parts[where.get(first)!]!;
    expect(own.owners).toEqual([first]);
    const held = JSON.parse(own.json.toString()) as InputModel;
    for (const svc of usedBy(first)) expect(held.resources[svc], svc).toBeDefined();
    expect([...where.keys()].sort()).toEqual([...connectors, ...services].sort());
  });

  test("the types the compiled policy names are found in its string constants", () => {
    for (const t of ["aws_apprunner_service", "aws_wafv2_web_acl_association", "aws_apprunner_vpc_ingress_connection", "aws_iam_role_policy_attachment", "aws_ssm_parameter"]) expect(named(t), t).toBe(true);
    for (const t of ["aws_dynamodb_table", "aws_lambda_function", "aws_s3_bucket"]) expect(named(t), t).toBe(false);
  });

  test("a service copied into another service's partition as a neighbour is not judged there", () => {
    const m = model("flat");
    // svc0002's environment refers to svc0001's URL: svc0001 is reached from svc0002.
    const svc = m.resources["aws_apprunner_service.svc0002"]!;
    svc.refs["source_configuration.0.image_repository.0.image_configuration.0.runtime_environment_variables.PEER"] = ["aws_apprunner_service.svc0001"];
    const parts = [...new Partitioner(m, { ownerTypes: owners, namedTypes: named, maxBytes: 1 }).partitions()];
    const p2 = parts.find((p) => p.owners.includes("aws_apprunner_service.svc0002"))!;
    const parsed = JSON.parse(p2.json.toString()) as InputModel;
    expect(parsed.resources["aws_apprunner_service.svc0001"]).toBeDefined();
    expect(parsed.by_type.aws_apprunner_service).toEqual(["aws_apprunner_service.svc0002"]);
  });

  test("model sections the partitioner does not know are copied whole into every partition", () => {
    const m = model("flat") as InputModel & { future: unknown };
    m.future = { note: "added by a later model version" };
    (m.iam as Record<string, unknown>).external = ["arn:aws:iam::123456789012:role/x"];
    for (const part of new Partitioner(m, { ownerTypes: owners, namedTypes: named, maxBytes: 1 }).partitions()) {
      const p = JSON.parse(part.json.toString());
      expect(p.future).toEqual(m.future);
      expect(p.iam.external).toEqual(["arn:aws:iam::123456789012:role/x"]);
    }
  });
});

describe("a rule that needs the whole model", () => {
  test('scope "model" in rules.json turns partitioning off', async () => {
    const dir = mkdtempSync(join(tmpdir(), "arg-scope-"));
    try {
      copyFileSync(join(policyDistDir, "policy.wasm"), join(dir, "policy.wasm"));
      const manifest = JSON.parse(readFileSync(join(policyDistDir, "rules.json"), "utf8"));
      manifest.rules[0].scope = "model";
      writeFileSync(join(dir, "rules.json"), JSON.stringify(manifest));
      const engine = await PolicyEngine.load({ distDir: dir, partition: "always", maxPartitionBytes: 1 });
      const path = join(scratch, "scope.json");
      writeFileSync(path, JSON.stringify(planJson(buildResources(5, 3, "flat").resources)));
      engine.evaluateRaw(normalize(loadInputs([path])[0]!), engine.manifest.params);
      expect(engine.lastStats?.partitions).toBe(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("large models are partitioned by default, small ones are not", async () => {
    const engine = await PolicyEngine.load();
    const big = join(scratch, "big.json");
    writeFileSync(big, JSON.stringify(planJson(buildResources(60, 3, "flat").resources)));
    engine.evaluateRaw(normalize(loadInputs([big])[0]!), engine.manifest.params);
    expect(engine.lastStats!.partitions).toBeGreaterThan(1);
    expect(existsSync(fixtures("plans", "secure-public.json"))).toBe(true);
    engine.evaluateRaw(normalize(loadInputs([fixtures("plans", "secure-public.json")])[0]!), engine.manifest.params);
    expect(engine.lastStats!.partitions).toBe(1);
  });
});
