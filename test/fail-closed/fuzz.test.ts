/**
 * Fuzzes the loaders and the normalizer with random JSON and with mutated real inputs (the plan
 * fixtures and the synthesized cdktf stacks). Every case must end in exactly one of:
 *   - an InputError whose message is one line naming the file (exit 2), or
 *   - a schema-valid input model, a findings list from the real policy bundle and a schema-valid report
 *     (exit 0 or 1).
 * Anything else (TypeError, RangeError, EngineError on a well-formed model) is a bug. A few mutated
 * files also go through the real binary. Seed and case count are printed; FUZZ_SEED / FUZZ_RUNS override.
 */
import { readFileSync, readdirSync } from "node:fs";
import fc from "fast-check";
import { beforeAll, describe, expect, test } from "vitest";
import { InputError } from "../../src/errors.js";
import { loadInputs } from "../../src/load/index.js";
import { normalize } from "../../src/normalize/index.js";
import { buildReport } from "../../src/report/build.js";
import { validator } from "../../src/schemas/ajv.js";
import { exampleOut, fixtures } from "../helpers/paths.js";
import { engine, ensureBuilt, fuzzSettings, printFuzz, runCli, writeInput } from "../helpers/fail-closed.js";

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const seeds: { name: string; text: string }[] = [
  ...readdirSync(fixtures("plans"))
    .filter((n) => n.endsWith(".json"))
    .sort()
    .map((n) => ({ name: n, text: readFileSync(fixtures("plans", n), "utf8") })),
  ...["apprunner-api", "apprunner-internal"].map((stack) => ({
    name: `${stack}.cdk.tf.json`,
    text: readFileSync(exampleOut("stacks", stack, "cdk.tf.json"), "utf8"),
  })),
  { name: "stack.cdk.tf.json", text: readFileSync(fixtures("reports", "stack.cdk.tf.json"), "utf8") },
];

let checkedCases = 0;
const outcomes = { inputError: 0, model: 0 };

/** Runs one file through load → normalize → evaluate → report and checks the outcome is allowed. */
async function checkOne(path: string): Promise<void> {
  checkedCases++;
  const e = await engine();
  let inputs;
  try {
    inputs = loadInputs([path]);
    const checked = inputs.map((input) => {
      const model = normalize(input);
      const validModel = validator("input-model");
      if (!validModel(model)) throw new Error(`model does not match its schema: ${JSON.stringify(validModel.errors?.[0])}`);
      return { input, model, findings: e.evaluate(model, e.manifest.params) };
    });
    const report = buildReport({
      checked,
      manifest: e.manifest,
      wasmSha256: e.wasmSha256,
      config: { params: {}, waivers: [] },
      parameters: e.manifest.params,
      failOn: "high",
      now: new Date("2025-06-01T00:00:00Z"),
    });
    const validReport = validator("report.v1");
    if (!validReport(report)) throw new Error(`report does not match its schema: ${JSON.stringify(validReport.errors?.[0])}`);
    outcomes.model++;
  } catch (error) {
    if (!(error instanceof InputError)) {
      const text = readFileSync(path, "utf8");
      throw new Error(`${path}: ${error instanceof Error ? `${error.name}: ${error.message}\n${error.stack}` : String(error)}\ninput (first 400 chars): ${text.slice(0, 400)}`, { cause: error });
    }
    expect(error.message).not.toContain("\n");
    expect(error.message.startsWith(path)).toBe(true);
    outcomes.inputError++;
  }
}

/** Every container path of a JSON value (root included), as key lists. */
function containerPaths(value: Json, limit = 5000): (string | number)[][] {
  const out: (string | number)[][] = [];
  const stack: [Json, (string | number)[]][] = [[value, []]];
  while (stack.length > 0 && out.length < limit) {
    const [node, path] = stack.pop()!;
    if (node === null || typeof node !== "object") continue;
    out.push(path);
    if (Array.isArray(node)) node.forEach((v, i) => stack.push([v, [...path, i]]));
    else for (const [k, v] of Object.entries(node)) stack.push([v, [...path, k]]);
  }
  return out;
}

function at(value: Json, path: (string | number)[]): Json {
  let node = value;
  for (const key of path) node = (node as Record<string, Json>)[key as string]!;
  return node;
}

const nasty: Json[] = [
  null,
  true,
  0,
  -1,
  1e308,
  "",
  "${aws_iam_role.instance.arn}",
  "arn:aws:iam::aws:policy/AdministratorAccess",
  "__proto__",
  [],
  {},
  [null],
  { "": null },
  "x".repeat(200_000),
  "{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": [[[[[1]]]]], \"Resource\": {\"a\": [null]}}]}",
];

type Mutation =
  | { kind: "delete"; target: number; pick: number }
  | { kind: "replace"; target: number; pick: number; value: Json }
  | { kind: "rename"; target: number; pick: number; name: string }
  | { kind: "deep"; target: number; pick: number; depth: number };

function applyMutation(doc: Json, m: Mutation): Json {
  const paths = containerPaths(doc);
  const path = paths[m.target % paths.length]!;
  const node = at(doc, path) as Record<string, Json> | Json[];
  const keys = Array.isArray(node) ? node.map((_, i) => i) : Object.keys(node);
  if (keys.length === 0) {
    if (m.kind === "replace" && !Array.isArray(node)) node["k"] = m.value;
    return doc;
  }
  const key = keys[m.pick % keys.length]!;
  const obj = node as Record<string | number, Json>;
  if (m.kind === "delete") {
    if (Array.isArray(node)) node.splice(key as number, 1);
    else delete obj[key];
  } else if (m.kind === "replace") obj[key] = m.value;
  else if (m.kind === "rename" && !Array.isArray(node)) {
    const v = obj[key]!;
    delete obj[key];
    Object.defineProperty(obj, m.name, { value: v, enumerable: true, configurable: true, writable: true });
  } else if (m.kind === "deep") {
    let v: Json = obj[key]!;
    for (let i = 0; i < m.depth; i++) v = i % 2 === 0 ? [v] : { d: v };
    obj[key] = v;
  }
  return doc;
}

const jsonArb = fc.jsonValue({ maxDepth: 4 }) as fc.Arbitrary<Json>;
const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant("delete" as const), target: fc.nat(), pick: fc.nat() }),
  fc.record({ kind: fc.constant("replace" as const), target: fc.nat(), pick: fc.nat(), value: fc.oneof(jsonArb, fc.constantFrom(...nasty)) }),
  fc.record({ kind: fc.constant("rename" as const), target: fc.nat(), pick: fc.nat(), name: fc.constantFrom("__proto__", "constructor", "toString", "", "resource", "type", "address") }),
  fc.record({ kind: fc.constant("deep" as const), target: fc.nat(), pick: fc.nat(), depth: fc.constantFrom(5, 150, 250, 600) }),
);

type TextMutation = { kind: "truncate"; at: number } | { kind: "flip"; at: number; byte: number } | { kind: "insert"; at: number; bytes: number[] };
const textMutationArb: fc.Arbitrary<TextMutation> = fc.oneof(
  fc.record({ kind: fc.constant("truncate" as const), at: fc.nat() }),
  fc.record({ kind: fc.constant("flip" as const), at: fc.nat(), byte: fc.integer({ min: 1, max: 255 }) }),
  fc.record({ kind: fc.constant("insert" as const), at: fc.nat(), bytes: fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 1, maxLength: 8 }) }),
);

function applyText(buffer: Buffer, m: TextMutation): Buffer {
  const at = buffer.length === 0 ? 0 : m.at % buffer.length;
  if (m.kind === "truncate") return buffer.subarray(0, at);
  if (m.kind === "flip") {
    const copy = Buffer.from(buffer);
    copy[at] = copy[at]! ^ m.byte;
    return copy;
  }
  return Buffer.concat([buffer.subarray(0, at), Buffer.from(m.bytes), buffer.subarray(at)]);
}

const { seed, numRuns } = fuzzSettings(150);

describe("fuzzing the loaders and the normalizer: only a one-line input error or a valid report", () => {
  beforeAll(async () => {
    await engine();
  });

  test("random JSON documents (plain and shaped like a plan or a stack)", async () => {
    const planLike = fc.record(
      {
        format_version: fc.oneof(fc.constantFrom("1.2", "0.1", "1", 1, "1.x"), jsonArb),
        resource_changes: fc.oneof(jsonArb, fc.array(fc.record({ address: fc.oneof(fc.string(), jsonArb), type: jsonArb, change: jsonArb }, { requiredKeys: [] }))),
        planned_values: jsonArb,
        configuration: jsonArb,
        prior_state: jsonArb,
      },
      { requiredKeys: ["format_version"] },
    );
    const stackLike = fc.record({
      "//": fc.constant({ metadata: { stackName: "s" } }),
      resource: fc.dictionary(fc.constantFrom("aws_apprunner_service", "aws_iam_role", "aws_iam_role_policy", "x_y"), fc.dictionary(fc.string(), jsonArb)),
      data: jsonArb,
    });
    const runs = numRuns;
    await fc.assert(
      fc.asyncProperty(fc.oneof(jsonArb, planLike, stackLike), async (doc) => {
        await checkOne(writeInput(doc as unknown));
      }),
      { seed, numRuns: runs },
    );
    printFuzz("random JSON", seed, runs);
  });

  test("structurally mutated real plans and cdktf stacks", async () => {
    const runs = numRuns * 2;
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: seeds.length - 1 }), fc.array(mutationArb, { minLength: 1, maxLength: 4 }), async (index, mutations) => {
        const source = seeds[index]!;
        let doc = JSON.parse(source.text) as Json;
        for (const m of mutations) doc = applyMutation(doc, m);
        await checkOne(writeInput(JSON.stringify(doc, null, 2), source.name));
      }),
      { seed: seed + 1, numRuns: runs },
    );
    printFuzz("mutated fixtures (structure)", seed + 1, runs);
  });

  test("byte-mutated real plans and cdktf stacks (truncate, flip, insert)", async () => {
    const runs = numRuns;
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: seeds.length - 1 }), fc.array(textMutationArb, { minLength: 1, maxLength: 3 }), async (index, mutations) => {
        const source = seeds[index]!;
        let buffer: Buffer = Buffer.from(source.text);
        for (const m of mutations) buffer = applyText(buffer, m);
        await checkOne(writeInput(buffer, source.name));
      }),
      { seed: seed + 2, numRuns: runs },
    );
    printFuzz("mutated fixtures (bytes)", seed + 2, runs);
  });

  test("hand-picked hostile shapes", async () => {
    const deep = (n: number, open = "[", close = "]") => open.repeat(n) + close.repeat(n);
    const hostile: unknown[] = [
      `{"format_version": ${deep(100_000)}, "resource_changes": []}`,
      `{"format_version": "1.2", "resource_changes": [{"address": "a.b", "type": ${deep(100_000)}, "change": {"actions": ["create"], "after": {}}}]}`,
      `{"format_version": "1.2", "planned_values": {"root_module": ${"{\"child_modules\": [".repeat(50_000)}{}${"]}".repeat(50_000)}}}`,
      `{"format_version": "1.2", "configuration": {"root_module": ${'{"module_calls": {"m": {"module": '.repeat(30_000)}{}${"}}}".repeat(30_000)}}}`,
      { format_version: "1.2", configuration: { root_module: { module_calls: { a: null, b: 5, c: "x" }, outputs: { o: null } } } },
      { format_version: "1.2", resource_changes: [{ address: "x_y.z", type: "__proto__", name: "z", change: { actions: ["create"], after: {} } }] },
      { format_version: "1.2", resource_changes: [{ address: "__proto__", type: "x_y", name: "z", change: { actions: ["create"], after: { arn: "arn:aws:x" } } }] },
      { resource: { aws_iam_role: { r: { assume_role_policy: `{"Statement": ${deep(100_000)}}` } } } },
      {
        resource: {
          aws_iam_role: { r: { name: "r", assume_role_policy: '{"Statement":[{"Effect":"Allow","Principal":{"AWS":' + deep(50_000) + '},"Action":' + deep(50_000) + "}]}" } },
          aws_apprunner_service: { s: { instance_configuration: { instance_role_arn: "${aws_iam_role.r.arn}" } } },
        },
      },
      { resource: { aws_iam_role: { r: Array.from({ length: 200_000 }, () => ({})) } } },
    ];
    for (const doc of hostile) await checkOne(writeInput(doc));
  });

  test("a few mutated files through the real binary: exit 0, 1 or 2 with one stderr line", async () => {
    ensureBuilt();
    const cases = 12;
    const samples = fc.sample(fc.tuple(fc.nat({ max: seeds.length - 1 }), mutationArb, textMutationArb, fc.boolean()), { seed: seed + 3, numRuns: cases });
    const paths = samples.map(([index, m, t, bytes]) => {
      const source = seeds[index]!;
      const doc = applyMutation(JSON.parse(source.text) as Json, m);
      const text = Buffer.from(JSON.stringify(doc, null, 2));
      return writeInput(bytes ? applyText(text, t) : text, source.name);
    });
    for (let i = 0; i < paths.length; i += 2) {
      const results = await Promise.all(paths.slice(i, i + 2).map((p) => runCli(["check", p, "--format", "json"])));
      results.forEach((r, j) => {
        const where = `${paths[i + j]}: exit ${r.code}, stderr ${JSON.stringify(r.stderr)}`;
        expect([0, 1, 2], where).toContain(r.code);
        if (r.code === 2) expect(r.stderr.trimEnd().split("\n"), where).toHaveLength(1);
        else expect(validator("report.v1")(JSON.parse(r.stdout)), where).toBe(true);
        expect(r.stderr, where).not.toMatch(/\n\s+at /);
      });
    }
    printFuzz("CLI on mutated fixtures", seed + 3, cases);
  });

  test("summary", () => {
    process.stdout.write(`[fuzz] in-process cases checked: ${checkedCases} (input errors ${outcomes.inputError}, reports ${outcomes.model})\n`);
    expect(outcomes.model).toBeGreaterThan(0);
    expect(outcomes.inputError).toBeGreaterThan(0);
  });
});
