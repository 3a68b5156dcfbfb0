#!/usr/bin/env node
// `npm run bench`: one session that measures, on generated plans of three shapes (bench/generate.mjs:
// flat, one module per service, a real-world mix where App Runner is a minority), our CLI end to end,
// our pass stage by stage, `node` + JSON.parse of the same file, native `opa eval` (the OPA that
// go.mod pins, built as a binary) on the same Rego and the same input model, and Checkov where it
// finishes in 10 minutes. Writes bench/out/results.json, docs/benchmarks.md and docs/benchmarks.svg.
//
//   npm run bench                                   # full: 100, 1,000, 3,000, 10,000 services, every shape (~40 min)
//   BENCH_SIZES=100,1000 npm run bench              # quick rerun
//   BENCH_SIZES=1000 BENCH_SHAPES=modules BENCH_REPS=1 BENCH_CHECKOV=0 npm run bench -- --no-docs
//
// Every run is a FIRST run: a fresh process, no warm-up (what a CI job pays). The tools run in turn
// on each file (A B C, A B C, ...) so they meet the same load; each figure is the minimum wall time
// (and, separately, the minimum CPU time) of BENCH_REPS runs (default 3; 1 at 10,000 services unless
// BENCH_REPS_10K says otherwise); peak RSS is the largest of those runs (/usr/bin/time, maxrss).
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { cpus, platform, release, totalmem } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { SHAPES as ALL_SHAPES, writeInputs } from "./generate.mjs";
import { renderMarkdown, renderSvg } from "./report.mjs";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
process.chdir(root);
const OUT = "bench/out";
const INPUTS = join(OUT, "inputs");
const CHECKOV_VERSION = "3.3.30";
const VENV = "bench/.venv";
/** The CLI refuses inputs above this (src/load/types.ts DEFAULT_MAX_BYTES), and V8 strings stop near it. */
const MAX_INPUT_BYTES = 512 * 1024 * 1024;

const args = process.argv.slice(2);
const flag = (name) => args.includes(`--${name}`);
const env = (name, fallback) => process.env[name] ?? fallback;
const list = (v) => String(v).split(",").map((s) => s.trim()).filter(Boolean);
const SIZES = list(env("BENCH_SIZES", "100,1000,3000,10000")).map(Number);
const SHAPES = list(env("BENCH_SHAPES", ALL_SHAPES.join(",")));
const REPS = Number(env("BENCH_REPS", 3));
const REPS_10K = Number(env("BENCH_REPS_10K", 1));
const reps = (n) => (n >= 10_000 ? REPS_10K : REPS);
/** Checkov runs once per (shape, size) in CHECKOV_SIZES, and is dropped for a shape once a run passes the time limit. */
const CHECKOV = env("BENCH_CHECKOV", "1") !== "0" && !flag("no-checkov");
const CHECKOV_SIZES = list(env("BENCH_CHECKOV_SIZES", "100,1000")).map(Number);
const TIMEOUT_S = Number(env("BENCH_TIMEOUT_S", 600));
const started = Date.now();
const log = (msg) => console.error(`[bench ${((Date.now() - started) / 1000).toFixed(0).padStart(5)}s] ${msg}`);
const loadavg = () => readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");

mkdirSync(INPUTS, { recursive: true });

function sh(cmd, cmdArgs, options = {}) {
  return String(execFileSync(cmd, cmdArgs, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], ...options }) ?? "").trim();
}

function setup() {
  const tools = {};
  if (!flag("no-build")) {
    log("npm run build");
    sh("npm", ["run", "build", "--silent"], { stdio: ["ignore", "ignore", "inherit"] });
  }
  if (!existsSync("policies/dist/policy.wasm")) throw new Error("policies/dist/policy.wasm is missing: run npm run policies:build first");
  const opa = join(OUT, "opa");
  if (!existsSync(opa) || statSync(opa).mtimeMs < statSync("go.mod").mtimeMs) {
    log("go build -o bench/out/opa github.com/open-policy-agent/opa (the version go.mod pins)");
    sh("go", ["build", "-o", opa, "github.com/open-policy-agent/opa"], { stdio: ["ignore", "ignore", "inherit"] });
  }
  tools.opa = { bin: opa, version: sh(opa, ["version"]).split("\n")[0].replace(/^Version:\s*/, "") };
  if (CHECKOV) {
    const checkov = join(VENV, "bin", "checkov");
    try {
      const installed = existsSync(checkov) ? spawnSync(checkov, ["--version"], { encoding: "utf8" }).stdout.trim() : "";
      if (installed !== CHECKOV_VERSION) {
        log(`pip install checkov==${CHECKOV_VERSION} into ${VENV}`);
        if (!existsSync(join(VENV, "bin", "pip"))) sh("python3", ["-m", "venv", VENV]);
        sh(join(VENV, "bin", "pip"), ["install", "--quiet", `checkov==${CHECKOV_VERSION}`], { stdio: ["ignore", "ignore", "inherit"] });
      }
      tools.checkov = { bin: checkov, version: spawnSync(checkov, ["--version"], { encoding: "utf8" }).stdout.trim() };
      tools.python = { version: sh(join(VENV, "bin", "python"), ["--version"]) };
    } catch (error) {
      log(`Checkov could not be installed, skipped: ${String(error.message).split("\n")[0]}`);
      tools.checkov_error = String(error.message).split("\n")[0];
    }
  }
  tools.node = { version: process.version };
  tools.go = { version: sh("go", ["version"]) };
  return tools;
}

const TIME = existsSync("/usr/bin/time") ? "/usr/bin/time" : null;

/** One fresh process: wall ms, peak RSS (MB), exit code, and what `count` reads from stdout. */
function measureOnce(cmd, cmdArgs, { okCodes = [0, 1], env: extra, count, timeoutS = TIMEOUT_S } = {}) {
  const rssFile = join(OUT, "rss.txt");
  const [bin, binArgs] = TIME ? [TIME, ["-f", "%M %U %S", "-o", rssFile, cmd, ...cmdArgs]] : [cmd, cmdArgs];
  const t0 = performance.now();
  const r = spawnSync(bin, binArgs, {
    stdio: ["ignore", count ? "pipe" : "ignore", "pipe"],
    timeout: timeoutS * 1000,
    maxBuffer: 1024 * 1024 * 1024,
    env: { ...process.env, ...extra },
  });
  const ms = performance.now() - t0;
  if (r.error || r.signal) return { ms, error: r.error ? String(r.error.message) : `killed by ${r.signal} (limit ${timeoutS} s)` };
  if (!okCodes.includes(r.status)) {
    const said = `${r.stderr ?? ""}\n${r.stdout ?? ""}`.trim().split("\n").slice(-3).join(" | ");
    return { ms, error: `exit ${r.status}: ${said.slice(0, 300)}` };
  }
  let rss = null;
  let cpu = null;
  if (TIME) {
    const [kb, user, sys] = readFileSync(rssFile, "utf8").trim().split("\n").pop().split(" ").map(Number);
    rss = Number.isFinite(kb) ? kb / 1024 : null;
    cpu = Number.isFinite(user) && Number.isFinite(sys) ? (user + sys) * 1000 : null;
  }
  let findings;
  if (count) {
    try {
      findings = count(JSON.parse(String(r.stdout)));
    } catch {
      findings = null;
    }
  }
  return { ms, rss, cpu, findings };
}

/** Min wall, min CPU, max RSS over n first runs. */
function measure(label, n, cmd, cmdArgs, options = {}) {
  return measureInterleaved(n, [{ key: label, label, cmd, args: cmdArgs, options }])[label];
}

/**
 * Several tools on the same file, run in turn (A B C, A B C, ...) so that each meets the same
 * machine load; per tool the minimum wall and CPU time (user + sys) and the largest peak RSS.
 */
function measureInterleaved(n, specs) {
  const runs = Object.fromEntries(specs.map((s) => [s.key, []]));
  const failed = {};
  for (let i = 0; i < n; i++) {
    for (const s of specs) {
      if (failed[s.key]) continue;
      const r = measureOnce(s.cmd, s.args, i === 0 ? s.options : { ...s.options, count: undefined });
      if (r.error) {
        log(`  ${s.label}: FAILED (${r.error})`);
        failed[s.key] = r.error;
      } else runs[s.key].push(r);
    }
  }
  const out = {};
  for (const s of specs) {
    const rs = runs[s.key];
    if (failed[s.key]) {
      out[s.key] = { error: failed[s.key], runs: rs.length, ms: rs.length ? Math.min(...rs.map((x) => x.ms)) : null };
      continue;
    }
    const o = { ms: Math.min(...rs.map((r) => r.ms)), cpu_ms: Math.min(...rs.map((r) => r.cpu ?? Infinity)), rss_mb: Math.max(...rs.map((r) => r.rss ?? 0)) || null, runs: rs.length, all_ms: rs.map((r) => Math.round(r.ms)) };
    if (!Number.isFinite(o.cpu_ms)) o.cpu_ms = null;
    if (rs[0]?.findings !== undefined) o.findings = rs[0].findings;
    log(`  ${s.label}: ${fmtMs(o.ms)} wall, ${o.cpu_ms ? fmtMs(o.cpu_ms) : "?"} CPU (min of ${rs.length}), peak RSS ${o.rss_mb?.toFixed(0)} MB${o.findings !== undefined ? `, ${o.findings} findings` : ""}`);
    out[s.key] = o;
  }
  return out;
}

const fmtMs = (ms) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`);

/** Stage split: n fresh processes (first runs), the minimum of each stage. */
function stages(file, n, modelOut, paramsOut) {
  const runs = [];
  for (let i = 0; i < n; i++) {
    const extra = i === 0 ? ["--model-out", modelOut, "--params-out", paramsOut] : [];
    const r = spawnSync("node", ["bench/stages.mjs", file, ...extra], { encoding: "utf8", timeout: TIMEOUT_S * 1000, maxBuffer: 16 * 1024 * 1024 });
    if (r.status !== 0) return { error: String(r.stderr || r.error || `exit ${r.status}`).slice(-400) };
    runs.push(JSON.parse(r.stdout.trim().split("\n").pop()));
  }
  const out = { ...runs[0], ms: {}, max_rss_mb: Math.max(...runs.map((r) => r.max_rss_mb)), rss_after_normalize_mb: Math.max(...runs.map((r) => r.rss_after_normalize_mb)) };
  for (const k of Object.keys(runs[0].ms)) out.ms[k] = Math.min(...runs.map((r) => r.ms[k]));
  return out;
}

const tools = setup();
const machine = { cpu: cpus()[0]?.model ?? "unknown", cores: cpus().length, memory_gb: Math.round(totalmem() / 2 ** 30), os: `${platform()} ${release()}`, load_at_start: loadavg() };
log(`machine: ${machine.cpu}, ${machine.cores} cores, load ${machine.load_at_start}; sizes ${SIZES.join(", ")}; shapes ${SHAPES.join(", ")}; ${REPS} runs (${REPS_10K} at 10,000)`);
const results = { generated_at: new Date().toISOString(), machine, tools, settings: { sizes: SIZES, shapes: SHAPES, reps: REPS, reps_10k: REPS_10K, checkov_sizes: CHECKOV_SIZES, timeout_s: TIMEOUT_S }, rows: [], example: {} };
const paramsFile = join(OUT, "params.json");
const save = () => writeFileSync(join(OUT, "results.json"), JSON.stringify(results, null, 2) + "\n");

results.node_start = measure("node start-up (node -e 0)", REPS, "node", ["-e", "0"]);
for (const example of ["test/fixtures/plans/secure-public.json"]) {
  results.example[example] = measure(`CLI on ${example}`, REPS, "node", ["bin/apprunner-guard.js", "check", example, "--format", "json"]);
}

for (const shape of SHAPES) {
  let checkovGaveUp = false;
  for (const n of SIZES) {
    const k = reps(n);
    log(`${shape}, N = ${n} services (load ${loadavg()})`);
    let files;
    try {
      files = writeInputs(INPUTS, n, { seed: 5, kind: "plan", shape });
    } catch (error) {
      // A plan past V8's largest string (~512 MiB) cannot even be written by Node, let alone read.
      const why = `the generator cannot write it (${String(error.message).split("\n")[0]}): the plan would exceed V8's largest string, about 512 MiB, so no Node tool could read it either`;
      log(`  skipped: ${why}`);
      results.rows.push({ shape, services: n, resources: null, plan_bytes: null, skipped: why });
      save();
      continue;
    }
    const bytes = statSync(files.plan).size;
    const row = { shape, services: n, resources: files.resources, mix: files.mix, plan_bytes: bytes, reps: k, load_before: loadavg() };
    log(`  ${files.resources} resources, plan ${(bytes / 1e6).toFixed(1)} MB`);
    if (bytes > MAX_INPUT_BYTES) {
      row.skipped = `the plan is ${(bytes / 2 ** 20).toFixed(0)} MiB, above the CLI's 512 MiB input limit (and near V8's largest string), so no Node tool reads it`;
      log(`  skipped: ${row.skipped}`);
      results.rows.push(row);
      rmSync(files.plan, { force: true });
      save();
      continue;
    }
    const model = join(OUT, `model-${shape}-${n}.json`);
    row.stages = stages(files.plan, k, model, paramsFile);
    if (row.stages.error) log(`  stages FAILED: ${row.stages.error}`);
    else log(`  stages (ms, min of ${k}): ${JSON.stringify(row.stages.ms)}; ${row.stages.partitions} partitions, largest ${(row.stages.largest_partition_bytes / 1024).toFixed(0)} KiB`);
    const cli = ["bin/apprunner-guard.js", "check", files.plan, "--format", "json"];
    const specs = [
      { key: "parse_cli", label: "node + JSON.parse", cmd: "node", args: ["-e", "JSON.parse(require('fs').readFileSync(process.argv[1],'utf8'))", files.plan] },
      { key: "ours_cli", label: "ours: CLI", cmd: "node", args: cli, options: { count: (r) => r.findings.length } },
    ];
    if (n <= 3000) {
      specs.push({ key: "ours_one_thread", label: "ours: CLI, one thread (APPRUNNER_GUARD_WORKERS=0)", cmd: "node", args: cli, options: { env: { APPRUNNER_GUARD_WORKERS: "0" }, count: (r) => r.findings.length } });
      specs.push({ key: "ours_whole", label: "ours: CLI, whole model (APPRUNNER_GUARD_PARTITION=never)", cmd: "node", args: cli, options: { env: { APPRUNNER_GUARD_PARTITION: "never" }, count: (r) => r.findings.length } });
    }
    if (existsSync(model)) {
      row.model_bytes = statSync(model).size;
      specs.push({
        key: "opa_eval",
        label: "native opa eval (input model)",
        cmd: tools.opa.bin,
        args: ["eval", "-d", "policies", "--ignore", "*_test.rego", "--ignore", "*.json", "--data", paramsFile, "-i", model, "data.apprunner_guard.main.findings", "--format", "json"],
        options: { count: (r) => r.result[0].expressions[0].value.length },
      });
    }
    Object.assign(row, measureInterleaved(k, specs));
    rmSync(model, { force: true });
    if (tools.checkov && !checkovGaveUp && CHECKOV_SIZES.includes(n)) {
      row.checkov = measure("Checkov (plan)", 1, tools.checkov.bin, ["-f", files.plan, "--framework", "terraform_plan", "--quiet", "--compact", "-o", "json", "--skip-download"], {
        env: { BC_SKIP_MAPPING: "TRUE", CHECKOV_RUN_SCA_PACKAGE_SCAN_V2: "false" },
        count: (r) => [r].flat().reduce((a, x) => a + (x.summary?.failed ?? 0), 0),
      });
      if (row.checkov.error) checkovGaveUp = true;
    }
    row.load_after = loadavg();
    results.rows.push(row);
    rmSync(files.plan, { force: true });
    save();
  }
}

results.machine.load_at_end = loadavg();
results.duration_s = Math.round((Date.now() - started) / 1000);
save();
if (!flag("no-docs")) {
  const notes = existsSync("bench/notes.md") ? readFileSync("bench/notes.md", "utf8") : "";
  writeFileSync("docs/benchmarks.svg", renderSvg(results));
  writeFileSync("docs/benchmarks.md", renderMarkdown(results, notes));
  log("wrote docs/benchmarks.md, docs/benchmarks.svg");
}
log(`done in ${results.duration_s} s; raw figures in ${relative(root, join(OUT, "results.json"))}`);
rmSync(join(OUT, "rss.txt"), { force: true });
