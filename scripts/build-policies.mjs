#!/usr/bin/env node
// Build and check the Rego rule set (policies/) with the OPA pinned as a Go tool of the repo.
//   node scripts/build-policies.mjs          fmt, check, Regal lint, test + coverage, wasm build -> policies/dist/
//   node scripts/build-policies.mjs --check  the same checks; fail if policies/dist/* differ from a fresh build
// No dependencies beyond Node built-ins. Exit non-zero with a one-line reason on any failure.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import zlib from "node:zlib";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const POLICIES = "policies";
const DIST = path.join(root, POLICIES, "dist");
const PARAMS = path.join(POLICIES, "apprunner_guard", "params", "data.json");
const ENTRYPOINT = "apprunner_guard/main/findings";
// The engine's entrypoint: the findings and each rule's applicability in one evaluation.
const EVALUATION_ENTRYPOINT = "apprunner_guard/main/evaluation";
// The frameworks rules map to, with the edition every control id refers to (one source: rule METADATA
// names a framework by id; rules.json, the report and the docs print name and edition from here).
const FRAMEWORKS = [
  { id: "nist-800-53", name: "NIST SP 800-53", edition: "Rev. 5", short: "NIST", label: "NIST SP 800-53 Rev. 5" },
  { id: "pci-dss", name: "PCI DSS", edition: "v4.0.1", short: "PCI", label: "PCI DSS v4.0.1" },
  { id: "soc2", name: "SOC 2 Trust Services Criteria", edition: "2017 (revised points of focus, 2022)", short: "SOC2", label: "SOC 2 TSC 2017 (2022 points of focus)" },
  { id: "cis-aws", name: "CIS Amazon Web Services Foundations Benchmark", edition: "v3.0.0", short: "CIS", label: "CIS AWS Foundations v3.0.0" },
  { id: "aws-config", name: "AWS Config managed rules", edition: "AWS::AppRunner rules, Developer Guide 2025", short: "AWS Config", label: "AWS Config managed rule" },
  { id: "security-hub", name: "AWS Security Hub CSPM controls", edition: "AppRunner controls, 2025", short: "Security Hub", label: "AWS Security Hub control" },
];
const RULE_SET_VERSION = "1.1.0";
const SEVERITIES = new Set(["critical", "high", "medium", "low"]);
const checkMode = process.argv.includes("--check");

class BuildError extends Error {}
const fail = (msg) => {
  throw new BuildError(msg);
};

function opa(args, { allowFail = false } = {}) {
  const r = spawnSync("go", ["tool", "opa", ...args], { cwd: root, encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
  if (r.error) fail(`cannot run "go tool opa ${args[0]}": ${r.error.message}`);
  if (r.status !== 0 && !allowFail) {
    process.stderr.write(r.stdout + r.stderr);
    fail(`"opa ${args.join(" ")}" failed (exit ${r.status})`);
  }
  return r;
}

// Regal has its own go.mod (tools/regal): it is built with the OPA it was released with, and ours stays pinned.
function regalLint() {
  const r = spawnSync("go", ["tool", "-modfile=tools/regal/go.mod", "regal", "lint", "--format", "compact", POLICIES], {
    cwd: root,
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.error) fail(`cannot run "go tool regal lint": ${r.error.message}`);
  if (r.status !== 0) {
    process.stderr.write(r.stdout + r.stderr);
    fail(`Regal found problems in policies/ (exit ${r.status}; config and its reasons: .regal/config.yaml)`);
  }
}

const rel = (p) => path.relative(root, p).split(path.sep).join("/");

function walk(dir) {
  const out = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...walk(p));
    else out.push(p);
  }
  return out.sort();
}

// JSON with object keys sorted at every level, 2-space indent, trailing newline.
function stableJson(v) {
  const sortKeys = (x) =>
    Array.isArray(x)
      ? x.map(sortKeys)
      : x && typeof x === "object"
        ? Object.fromEntries(Object.keys(x).sort().map((k) => [k, sortKeys(x[k])]))
        : x;
  return JSON.stringify(sortKeys(v), null, 2) + "\n";
}

// Extract one file from a .tar.gz (ustar) without dependencies.
function extractFromTarGz(file, wanted) {
  const tar = zlib.gunzipSync(fs.readFileSync(file));
  let off = 0;
  while (off + 512 <= tar.length) {
    const header = tar.subarray(off, off + 512);
    if (header.every((b) => b === 0)) break;
    const str = (a, b) => header.subarray(a, b).toString("utf8").replace(/\0.*$/s, "");
    const name = (str(345, 500) ? str(345, 500) + "/" : "") + str(0, 100);
    const size = parseInt(str(124, 136).trim() || "0", 8);
    if (name.replace(/^\/+/, "") === wanted) return Buffer.from(tar.subarray(off + 512, off + 512 + size));
    off += 512 + Math.ceil(size / 512) * 512;
  }
  fail(`${wanted} not found in ${rel(file)}`);
}

// Builtins the wasm module expects the host (the JS SDK) to supply; they must be none.
async function hostBuiltins(wasm) {
  const memory = new WebAssembly.Memory({ initial: 5 });
  const noop = () => 0;
  const { instance } = await WebAssembly.instantiate(wasm, {
    env: {
      memory,
      opa_abort: () => fail("policy.wasm aborted while listing its builtins"),
      opa_println: noop,
      opa_builtin0: noop,
      opa_builtin1: noop,
      opa_builtin2: noop,
      opa_builtin3: noop,
      opa_builtin4: noop,
    },
  });
  const e = instance.exports;
  const addr = e.opa_json_dump(e.builtins());
  const mem = new Uint8Array(memory.buffer);
  let end = addr;
  while (mem[end] !== 0) end++;
  return Object.keys(JSON.parse(new TextDecoder().decode(mem.subarray(addr, end)))).sort();
}

function ruleDirs() {
  return walk(path.join(root, POLICIES, "rules"))
    .filter((f) => path.basename(f) === "rule.rego")
    .map((f) => {
      const dir = path.dirname(f);
      const [area, name] = rel(dir).split("/").slice(2);
      return { dir, area, name, pkg: `${area}.${name}` };
    });
}

function checkLayout(rules) {
  const main = fs.readFileSync(path.join(root, POLICIES, "main.rego"), "utf8");
  for (const r of rules) {
    const src = fs.readFileSync(path.join(r.dir, "rule.rego"), "utf8");
    if (!src.startsWith("# METADATA\n")) fail(`${rel(r.dir)}/rule.rego must start with a # METADATA block`);
    if (!new RegExp(`^package apprunner_guard\\.rules\\.${r.area}\\.${r.name}$`, "m").test(src))
      fail(`${rel(r.dir)}/rule.rego must be package apprunner_guard.rules.${r.pkg}`);
    for (const f of ["rule_test.rego", "README.md"])
      if (!fs.existsSync(path.join(r.dir, f))) fail(`${rel(r.dir)} has no ${f}`);
    if (!main.includes(`"${r.pkg}": data.apprunner_guard.rules.${r.pkg}.findings,`))
      fail(`policies/main.rego does not list rule package ${r.pkg}: add "${r.pkg}": data.apprunner_guard.rules.${r.pkg}.findings`);
    if (!main.includes(`"${r.pkg}": data.apprunner_guard.rules.${r.pkg}.applicable,`))
      fail(`policies/main.rego applicable does not list rule package ${r.pkg}: add "${r.pkg}": data.apprunner_guard.rules.${r.pkg}.applicable`);
    if (!/^applicable (:=|contains) /m.test(src)) fail(`${rel(r.dir)}/rule.rego must define applicable (the set of addresses the rule examines)`);
  }
  const listed = [...main.matchAll(/^\t"([a-z_]+\.[a-z_0-9]+)": data\.apprunner_guard\.rules\./gm)].map((m) => m[1]);
  for (const p of listed) if (!rules.some((r) => r.pkg === p)) fail(`policies/main.rego lists ${p} but policies/rules/${p.replace(".", "/")}/rule.rego does not exist`);
}

function runTests() {
  const t = opa(["test", POLICIES, "--format", "json"], { allowFail: true });
  let results;
  try {
    results = JSON.parse(t.stdout);
  } catch {
    process.stderr.write(t.stdout + t.stderr);
    fail("opa test did not produce a JSON report");
  }
  const failed = results.filter((r) => r.fail || r.error);
  for (const r of failed) console.error(`FAIL ${r.package}.${r.name} (${r.location?.file}:${r.location?.row})`);
  if (failed.length || t.status !== 0) fail(`${failed.length} of ${results.length} Rego tests failed`);
  console.log(`tests: ${results.length} passed`);

  const c = opa(["test", POLICIES, "--coverage", "--format", "json"]);
  const cov = JSON.parse(c.stdout);
  const low = [];
  for (const [file, v] of Object.entries(cov.files).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const f = file.split(path.sep).join("/").replace(/^\.\//, "");
    if (f.endsWith("_test.rego")) continue;
    const pct = v.coverage ?? 100;
    console.log(`  ${pct.toFixed(1).padStart(5)}%  ${f}`);
    const required = /^policies\/(rules|lib)\//.test(f) || f === "policies/main.rego";
    if (required && pct < 100) low.push(`${f} (${pct.toFixed(1)}%)`);
  }
  console.log(`coverage: ${cov.coverage.toFixed(2)}%`);
  if (low.length) fail(`coverage below 100%: ${low.join(", ")}`);
}

async function buildWasm(outDir) {
  const bundles = [];
  for (const i of [1, 2]) {
    const out = path.join(outDir, `bundle${i}.tar.gz`);
    opa(["build", "-t", "wasm", "-e", ENTRYPOINT, "-e", EVALUATION_ENTRYPOINT, "--ignore", "*_test.rego", "--ignore", "test.rego", "-o", out, POLICIES]);
    bundles.push(extractFromTarGz(out, "policy.wasm"));
    fs.rmSync(out);
  }
  if (!bundles[0].equals(bundles[1])) fail("opa build -t wasm is not reproducible: two builds gave different policy.wasm bytes");
  const host = await hostBuiltins(bundles[0]);
  if (host.length) fail(`policy.wasm needs builtins the JS SDK would supply (native/wasm results may differ): ${host.join(", ")}`);
  console.log(`wasm: ${bundles[0].length} bytes, reproducible, no SDK-supplied builtins`);
  return bundles[0];
}

function manifest(wasm, rules) {
  const opaVersion = opa(["version"]).stdout.match(/^Version: (.+)$/m)?.[1]?.trim() ?? fail("cannot read the OPA version");
  const inspect = JSON.parse(opa(["inspect", "-a", "--format", "json", POLICIES]).stdout);
  const byPkg = new Map();
  for (const a of inspect.annotations ?? []) {
    const ann = a.annotations ?? {};
    if (ann.scope !== "package") continue;
    const parts = a.path.map((t) => t.value);
    if (parts[0] !== "data" || parts[1] !== "apprunner_guard" || parts[2] !== "rules") continue;
    byPkg.set(parts.slice(3).join("."), ann);
  }
  const ids = new Set();
  const out = rules.map((r) => {
    const ann = byPkg.get(r.pkg) ?? fail(`policies/rules/${r.area}/${r.name}/rule.rego has no package METADATA`);
    const c = ann.custom ?? {};
    const where = `METADATA of ${r.pkg}`;
    if (!/^AR-[A-Z]+-\d{3}$/.test(c.id ?? "")) fail(`${where}: custom.id must look like AR-IAM-001`);
    if (ids.has(c.id)) fail(`${where}: duplicate id ${c.id}`);
    ids.add(c.id);
    if (!SEVERITIES.has(c.severity)) fail(`${where}: custom.severity must be critical|high|medium|low`);
    if (c.controls !== undefined) fail(`${where}: custom.controls is derived from custom.mappings; list {framework, control} there`);
    if (!Array.isArray(c.mappings)) fail(`${where}: custom.mappings must be a list of {framework, control}`);
    const mappings = c.mappings.map((m, i) => {
      const fw = FRAMEWORKS.find((f) => f.id === m?.framework);
      if (!fw) fail(`${where}: mappings[${i}].framework must be one of ${FRAMEWORKS.map((f) => f.id).join(", ")}`);
      if (typeof m.control !== "string" || !m.control.trim()) fail(`${where}: mappings[${i}].control must be a non-empty string`);
      return { framework: fw.id, control: m.control };
    });
    if (!c.remediation) fail(`${where}: custom.remediation is required`);
    if (!Array.isArray(c.applies_to) || !c.applies_to.length) fail(`${where}: custom.applies_to must be a non-empty list`);
    if (!ann.title || !ann.description) fail(`${where}: title and description are required`);
    // custom.scope "model": the rule compares services with each other, so the engine evaluates the
    // whole model instead of partitions (src/evaluate/partition.ts). Absent means per service.
    if (c.scope !== undefined && !["service", "model"].includes(c.scope)) fail(`${where}: custom.scope must be service or model`);
    return {
      id: c.id,
      package: r.pkg,
      title: ann.title,
      description: ann.description.trim(),
      severity: c.severity,
      controls: mappings.map((m) => `${FRAMEWORKS.find((f) => f.id === m.framework).short} ${m.control}`),
      mappings,
      remediation: c.remediation.trim(),
      applies_to: c.applies_to,
      readme: `policies/rules/${r.area}/${r.name}/README.md`,
      ...(c.scope === "model" ? { scope: "model" } : {}),
    };
  });
  out.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  // main.rego refuses input that is not a model with a finding that blocks every rule: its list must be complete.
  const main = fs.readFileSync(path.join(root, POLICIES, "main.rego"), "utf8");
  const listed = [...(/^rule_ids := \[([^\]]*)\]/m.exec(main)?.[1] ?? "").matchAll(/"(AR-[A-Z]+-\d{3})"/g)].map((m) => m[1]);
  const ruleIdList = out.map((r) => r.id);
  if (listed.join(",") !== ruleIdList.join(","))
    fail(`policies/main.rego rule_ids must list every rule id in order: ${ruleIdList.map((i) => `"${i}"`).join(", ")} (has ${listed.join(", ") || "none"})`);
  return {
    rule_set_version: RULE_SET_VERSION,
    opa_version: opaVersion,
    entrypoint: ENTRYPOINT,
    evaluation_entrypoint: EVALUATION_ENTRYPOINT,
    frameworks: FRAMEWORKS,
    wasm_sha256: createHash("sha256").update(wasm).digest("hex"),
    params: JSON.parse(fs.readFileSync(path.join(root, PARAMS), "utf8")),
    rules: out,
  };
}

async function main() {
  const fmt = opa(["fmt", "--list", POLICIES]);
  const unformatted = fmt.stdout.split("\n").filter(Boolean);
  if (unformatted.length) fail(`not opa-fmt formatted (run: go tool opa fmt -w policies): ${unformatted.join(", ")}`);
  opa(["check", "--strict", POLICIES]);
  regalLint();
  console.log("fmt, check --strict, regal lint: clean");
  const rules = ruleDirs();
  checkLayout(rules);
  runTests();

  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "apprunner-guard-policies-"));
  try {
    const wasm = await buildWasm(tmp);
    const files = { "policy.wasm": wasm, "rules.json": Buffer.from(stableJson(manifest(wasm, rules))) };
    if (checkMode) {
      const stale = Object.entries(files)
        .filter(([name, bytes]) => {
          const p = path.join(DIST, name);
          return !fs.existsSync(p) || !fs.readFileSync(p).equals(bytes);
        })
        .map(([name]) => `policies/dist/${name}`);
      if (stale.length) fail(`policies/dist is stale (${stale.join(", ")}): run npm run policies:build`);
      console.log(`policies/dist is fresh (${rules.length} rules)`);
    } else {
      fs.mkdirSync(DIST, { recursive: true });
      for (const [name, bytes] of Object.entries(files)) fs.writeFileSync(path.join(DIST, name), bytes);
      console.log(`wrote policies/dist/policy.wasm and policies/dist/rules.json (${rules.length} rules)`);
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((e) => {
  if (!(e instanceof BuildError)) console.error(e);
  console.error(`policies: ${e instanceof BuildError ? e.message : "internal error: " + e.message}`);
  process.exit(1);
});
