#!/usr/bin/env node
// `npm run bench`: one session that measures, on the same generated files, our CLI end to end,
// our pass in process stage by stage, JSON.parse alone, native OPA (`opa eval`, and conftest when
// it can be built) on the same Rego and the same input model, and Checkov over the same plan
// files. Writes bench/out/results.json, docs/benchmarks.md and docs/benchmarks.svg.
//
//   npm run bench                          # N = 1, 10, 100, 1000
//   npm run bench -- --services 1,10,100   # quicker, for development
//   npm run bench -- --no-checkov --no-conftest --no-build --quick
//
// Every figure is a median of several runs (fewer for big N and for Checkov, see REPS); ratios are
// taken between figures of this one run. Peak RSS comes from /usr/bin/time -f %M (the child's
// maxrss) when present, else from the child's own resource usage where we can read it.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { cpus, totalmem, release, platform } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { writeInputs } from "./generate.mjs";
import { renderMarkdown, renderSvg } from "./report.mjs";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
process.chdir(root);
const OUT = "bench/out";
const INPUTS = join(OUT, "inputs");
const CHECKOV_VERSION = "3.3.30";
const CONFTEST_VERSION = "v0.71.1";
const VENV = "bench/.venv";

const args = process.argv.slice(2);
const flag = (name) => args.includes(`--${name}`);
const opt = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const SERVICES = String(opt("services", "1,10,100,1000")).split(",").map(Number);
const quick = flag("quick");
/** Repetitions per N: [ours and OPA, Checkov]. */
const REPS = (n) => (quick ? [2, 1] : n >= 1000 ? [3, 1] : n >= 100 ? [5, 2] : [7, 3]);
const TIMEOUT_S = Number(opt("timeout", 600));
const started = Date.now();
const log = (msg) => console.error(`[bench ${((Date.now() - started) / 1000).toFixed(0).padStart(4)}s] ${msg}`);

mkdirSync(INPUTS, { recursive: true });

// ------------------------------------------------------------------ tools

function sh(cmd, cmdArgs, options = {}) {
  return String(execFileSync(cmd, cmdArgs, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], ...options }) ?? "").trim();
}

function setup() {
  const tools = {};
  if (!flag("no-build")) {
    log("npm run build");
    sh("npm", ["run", "build", "--silent"], { stdio: ["ignore", "ignore", "inherit"] });
  }
  if (!existsSync("policies/dist/policy.wasm") || !existsSync("policies/dist/rules.json")) {
    throw new Error("policies/dist/policy.wasm is missing: run npm run policies:build first");
  }
  if (!existsSync("dist/src/cli/main.js")) throw new Error("dist/ is missing: run npm run build first");

  // Native OPA: the version pinned in go.mod, built once so that `go tool` start-up is not timed.
  const opa = join(OUT, "opa");
  if (!existsSync(opa) || statSync(opa).mtimeMs < statSync("go.mod").mtimeMs) {
    log("go build -o bench/out/opa github.com/open-policy-agent/opa (the version go.mod pins)");
    sh("go", ["build", "-o", opa, "github.com/open-policy-agent/opa"], { stdio: ["ignore", "ignore", "inherit"] });
  }
  tools.opa = { bin: opa, version: sh(opa, ["version"]).split("\n")[0].replace(/^Version:\s*/, "") };

  // conftest, built from the Go module proxy in a scratch module (not the project's go.mod).
  if (!flag("no-conftest")) {
    const conftest = join(OUT, "conftest");
    if (!existsSync(conftest)) {
      const dir = join(OUT, "conftest-build");
      log(`building conftest ${CONFTEST_VERSION} (once; a few minutes)`);
      try {
        mkdirSync(dir, { recursive: true });
        if (!existsSync(join(dir, "go.mod"))) sh("go", ["mod", "init", "bench/conftest"], { cwd: dir });
        const env = { ...process.env, GOFLAGS: "-mod=mod" };
        sh("go", ["get", `github.com/open-policy-agent/conftest@${CONFTEST_VERSION}`], { cwd: dir, env });
        sh("go", ["build", "-o", resolve(conftest), "github.com/open-policy-agent/conftest"], { cwd: dir, env });
      } catch (error) {
        log(`conftest could not be built, skipped: ${String(error.message).split("\n")[0]}`);
      }
    }
    if (existsSync(conftest)) tools.conftest = { bin: conftest, version: sh(conftest, ["--version"]).split("\n")[0] };
  }

  // Checkov from PyPI in a venv, pinned.
  if (!flag("no-checkov")) {
    const checkov = join(VENV, "bin", "checkov");
    const installed = existsSync(checkov) ? spawnSync(checkov, ["--version"], { encoding: "utf8" }).stdout.trim() : "";
    if (installed !== CHECKOV_VERSION) {
      log(`installing checkov==${CHECKOV_VERSION} into ${VENV}`);
      if (!existsSync(join(VENV, "bin", "pip"))) sh("python3", ["-m", "venv", VENV]);
      sh(join(VENV, "bin", "pip"), ["install", "--quiet", `checkov==${CHECKOV_VERSION}`], { stdio: ["ignore", "ignore", "inherit"] });
    }
    tools.checkov = { bin: checkov, version: spawnSync(checkov, ["--version"], { encoding: "utf8" }).stdout.trim() };
    tools.python = { version: sh(join(VENV, "bin", "python"), ["--version"]) };
  }
  tools.node = { version: process.version };
  tools.go = { version: sh("go", ["version"]) };
  return tools;
}

// ------------------------------------------------------------------ measuring

const TIME = existsSync("/usr/bin/time") ? "/usr/bin/time" : null;

/** Runs a command once: wall ms (from here), peak RSS in MB, exit code. */
function measureOnce(cmd, cmdArgs, { okCodes = [0, 1], env, count } = {}) {
  const rssFile = join(OUT, "rss.txt");
  const [bin, binArgs] = TIME ? [TIME, ["-f", "%M", "-o", rssFile, cmd, ...cmdArgs]] : [cmd, cmdArgs];
  const t0 = performance.now();
  const r = spawnSync(bin, binArgs, {
    stdio: ["ignore", count ? "pipe" : "ignore", "pipe"],
    timeout: TIMEOUT_S * 1000,
    maxBuffer: 256 * 1024 * 1024,
    env: { ...process.env, ...env },
  });
  const ms = performance.now() - t0;
  if (r.error || r.signal) return { ms, rss: null, error: r.error ? String(r.error.message) : `killed by ${r.signal} (timeout ${TIMEOUT_S}s)` };
  if (!okCodes.includes(r.status)) {
    const said = `${r.stderr ?? ""}\n${r.stdout ?? ""}`.trim().split("\n").slice(-3).join(" | ");
    return { ms, rss: null, error: `exit ${r.status}: ${said.slice(0, 300)}` };
  }
  let rss = null;
  if (TIME) {
    const kb = Number(readFileSync(rssFile, "utf8").trim().split("\n").pop());
    rss = Number.isFinite(kb) ? kb / 1024 : null;
  }
  let findings;
  if (count) {
    try {
      findings = count(JSON.parse(String(r.stdout)));
    } catch {
      findings = null;
    }
  }
  return { ms, rss, code: r.status, findings };
}

const median = (xs) => {
  const s = xs.filter((x) => x !== null && x !== undefined).sort((a, b) => a - b);
  if (s.length === 0) return null;
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** Median wall and RSS over reps runs (first run not discarded: cold file cache is not the question, all files are warm). */
function measure(label, reps, cmd, cmdArgs, options) {
  const runs = [];
  for (let i = 0; i < reps; i++) {
    // The first run also counts what the tool found (stdout parsed), so that the tools are seen to do the same work.
    const r = measureOnce(cmd, cmdArgs, i === 0 ? options : { ...options, count: undefined });
    if (r.error) {
      log(`  ${label}: FAILED (${r.error})`);
      return { error: r.error, runs: runs.length };
    }
    runs.push(r);
  }
  const out = { ms: median(runs.map((r) => r.ms)), rss_mb: median(runs.map((r) => r.rss)), runs: reps, all_ms: runs.map((r) => Math.round(r.ms)) };
  if (runs[0]?.findings !== undefined) out.findings = runs[0].findings;
  log(`  ${label}: ${fmtMs(out.ms)} (${reps} run${reps > 1 ? "s" : ""}), peak RSS ${out.rss_mb?.toFixed(0)} MB${out.findings !== undefined ? `, ${out.findings} findings` : ""}`);
  return out;
}

const fmtMs = (ms) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`);

// ------------------------------------------------------------------ the session

const tools = setup();
const machine = {
  cpu: cpus()[0]?.model ?? "unknown",
  cores: cpus().length,
  memory_gb: Math.round(totalmem() / 2 ** 30),
  os: `${platform()} ${release()}`,
  load_at_start: readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" "),
};
log(`machine: ${machine.cpu}, ${machine.cores} cores, load ${machine.load_at_start}`);

const results = { generated_at: new Date().toISOString(), machine, tools, sizes: [], example: {} };
const paramsFile = join(OUT, "params.json");

// The bundled example: what a user runs first.
for (const example of ["cdktf.out", "test/fixtures/plans/secure-public.json"]) {
  if (!existsSync(example)) continue;
  results.example[example] = measure(`CLI on ${example}`, 7, "node", ["bin/apprunner-guard.js", "check", example, "--format", "json"]);
}
results.node_start = measure("node start-up (node -e 0)", 7, "node", ["-e", "0"]);

for (const n of SERVICES) {
  const [reps, checkovReps] = REPS(n);
  log(`N = ${n} services`);
  const files = writeInputs(INPUTS, n, { seed: 5, kind: "both" });
  const bytes = statSync(files.plan).size;
  const row = { services: n, resources: files.resources, mix: files.mix, plan_bytes: bytes, reps, checkov_reps: checkovReps };
  log(`  ${files.resources} resources, plan ${(bytes / 1e6).toFixed(2)} MB`);

  // In-process stage split; also writes the input model for native OPA.
  const model = join(OUT, `model-${n}.json`);
  const stages = spawnSync("node", ["bench/stages.mjs", files.plan, "--runs", String(reps), "--model-out", model, "--params-out", paramsFile], {
    encoding: "utf8",
    timeout: TIMEOUT_S * 1000 * (reps + 1),
    maxBuffer: 16 * 1024 * 1024,
  });
  if (stages.status === 0) {
    row.stages = JSON.parse(stages.stdout.trim().split("\n").pop());
    log(`  stages (ms): ${JSON.stringify(row.stages.ms)}`);
  } else {
    row.stages = { error: String(stages.stderr || stages.error).slice(-500) };
    log(`  stages FAILED: ${row.stages.error}`);
  }
  const cdktfStages = spawnSync("node", ["bench/stages.mjs", join(files.cdktf, "stacks", "bench", "cdk.tf.json"), "--runs", String(reps)], {
    encoding: "utf8",
    timeout: TIMEOUT_S * 1000 * (reps + 1),
  });
  if (cdktfStages.status === 0) row.cdktf_stages = JSON.parse(cdktfStages.stdout.trim().split("\n").pop());

  row.parse_cli = measure("JSON.parse alone (node -e)", reps, "node", ["-e", "JSON.parse(require('fs').readFileSync(process.argv[1],'utf8'))", files.plan]);
  row.ours_cli = measure("ours: CLI, plan", reps, "node", ["bin/apprunner-guard.js", "check", files.plan, "--format", "json"], { count: (r) => r.findings.length });
  row.ours_cli_cdktf = measure("ours: CLI, cdktf.out", reps, "node", ["bin/apprunner-guard.js", "check", files.cdktf, "--format", "json"], { count: (r) => r.findings.length });
  if (existsSync(model)) {
    row.model_bytes = statSync(model).size;
    row.opa_eval = measure("opa eval (input model)", reps, tools.opa.bin, [
      "eval", "-d", "policies", "--ignore", "*_test.rego", "--ignore", "*.json", "--data", paramsFile,
      "-i", model, "data.apprunner_guard.main.findings", "--format", "json",
    ], { count: (r) => r.result[0].expressions[0].value.length });
    if (tools.conftest) {
      row.conftest = measure("conftest test (input model)", reps, tools.conftest.bin, [
        "test", "--no-color", "-o", "json", "--policy", "policies", "--policy", "bench/conftest", "--data", paramsFile, "--namespace", "main", model,
      ], { count: (r) => r.reduce((a, f) => a + (f.failures?.length ?? 0), 0) });
    }
  }
  if (tools.checkov) {
    row.checkov = measure("checkov (plan)", checkovReps, tools.checkov.bin, ["-f", files.plan, "--framework", "terraform_plan", "--quiet", "--compact", "-o", "json", "--skip-download"], {
      env: { BC_SKIP_MAPPING: "TRUE", CHECKOV_RUN_SCA_PACKAGE_SCAN_V2: "false" },
      count: (r) => [r].flat().reduce((a, x) => a + (x.summary?.failed ?? 0), 0),
    });
  }
  results.sizes.push(row);
  writeFileSync(join(OUT, "results.json"), JSON.stringify(results, null, 2) + "\n");
}

results.machine.load_at_end = readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
results.duration_s = Math.round((Date.now() - started) / 1000);
writeFileSync(join(OUT, "results.json"), JSON.stringify(results, null, 2) + "\n");
if (!flag("no-docs")) {
  const notes = existsSync("bench/notes.md") ? readFileSync("bench/notes.md", "utf8") : "";
  writeFileSync("docs/benchmarks.svg", renderSvg(results));
  writeFileSync("docs/benchmarks.md", renderMarkdown(results, notes));
  log("wrote docs/benchmarks.md, docs/benchmarks.svg");
}
log(`done in ${results.duration_s} s; raw figures in ${relative(root, join(OUT, "results.json"))}`);
rmSync(join(OUT, "rss.txt"), { force: true });
