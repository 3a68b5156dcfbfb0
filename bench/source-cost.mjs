#!/usr/bin/env node
// What reading the .tf source costs `check` (issue 12: at most +20 % at 1,000 services). For each shape
// and size: a generated plan (bench/generate.mjs) and its HCL source (bench/hcl.mjs, one main.tf), then
// first runs of the CLI, each a new process (no warm-up), with and without `--source`, alternating,
// min of N; `node` + JSON.parse of the plan is the baseline measured in the same run.
//
//   node bench/source-cost.mjs [--services 100,1000] [--shapes flat,mix] [--runs 3] [--write]
//
// --write replaces the block between the source-cost markers in docs/benchmarks.md and bench/notes.md.
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { buildResources, writeInputs } from "./generate.mjs";
import { hclSource } from "./hcl.mjs";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const sizes = String(opt("services", "100,1000")).split(",").map(Number);
const shapes = String(opt("shapes", "flat,mix")).split(",");
const runs = Number(opt("runs", 3));
const out = join(root, "bench", "out", "source-cost");
const cli = join(root, "bin", "apprunner-guard.js");

/** Wall time (ms) and peak RSS (MB, from /usr/bin/time when present) of one process. */
function timed(argv) {
  const started = process.hrtime.bigint();
  let stderr = "";
  try {
    execFileSync("/usr/bin/time", ["-f", "%M", ...argv], { cwd: out, stdio: ["ignore", "ignore", "pipe"], env: { ...process.env, NO_COLOR: "1" } });
  } catch (error) {
    // exit 1 is a rejected plan, which these are (some services break rules); anything else is a failure.
    if (error.status !== 1) throw new Error(`${argv.join(" ")}: exit ${error.status}: ${String(error.stderr)}`, { cause: error });
    stderr = String(error.stderr);
  }
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  const kb = Number(/(\d+)\s*$/.exec(stderr)?.[1] ?? NaN);
  return { ms, mb: kb / 1024 };
}

const rows = [];
for (const shape of shapes) {
  for (const services of sizes) {
    const dir = join(out, `${shape}-${services}`);
    mkdirSync(join(dir, "src"), { recursive: true });
    const files = writeInputs(dir, services, { kind: "plan", shape });
    writeFileSync(join(dir, "src", "main.tf"), hclSource(buildResources(services, 5, shape).resources));
    const parse = [];
    const without = [];
    const withSource = [];
    for (let i = 0; i < runs; i++) {
      parse.push(timed(["node", "-e", `JSON.parse(require("fs").readFileSync(${JSON.stringify(files.plan)}, "utf8"))`]));
      without.push(timed(["node", cli, "check", files.plan, "--format", "json"]));
      withSource.push(timed(["node", cli, "check", files.plan, "--format", "json", "--source", join(dir, "src")]));
    }
    const min = (list) => Math.min(...list.map((r) => r.ms));
    const peak = (list) => Math.max(...list.map((r) => r.mb));
    const row = {
      shape,
      services,
      resources: files.resources,
      planMb: statSync(files.plan).size / 1e6,
      sourceKb: statSync(join(dir, "src", "main.tf")).size / 1e3,
      parse: min(parse),
      without: min(without),
      with: min(withSource),
      rssWithout: peak(without),
      rssWith: peak(withSource),
    };
    rows.push(row);
    console.log(`${shape} ${services}: parse ${row.parse.toFixed(0)} ms, check ${row.without.toFixed(0)} ms, check --source ${row.with.toFixed(0)} ms (${(((row.with - row.without) / row.without) * 100).toFixed(0)} %)`);
  }
}

const fmt = (n) => Math.round(n).toLocaleString("en-US");
const table = [
  `Measured ${new Date().toISOString().slice(0, 10)} by \`node bench/source-cost.mjs\` (first runs, each a new process, min of ${runs}, on this machine; \`os.loadavg()\` at the end: ${(await import("node:os")).loadavg().map((l) => l.toFixed(1)).join(" / ")}).`,
  "",
  "| shape | services | resources | plan | main.tf | node + JSON.parse | check | check --source | source cost | check / parse | peak RSS (without / with) |",
  "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
  ...rows.map(
    (r) =>
      `| ${r.shape} | ${fmt(r.services)} | ${fmt(r.resources)} | ${r.planMb.toFixed(1)} MB | ${fmt(r.sourceKb)} KB | ${fmt(r.parse)} ms | ${fmt(r.without)} ms | ${fmt(r.with)} ms | ${r.with >= r.without ? "+" : ""}${(((r.with - r.without) / r.without) * 100).toFixed(0)} % | ${(r.with / r.parse).toFixed(1)}× | ${fmt(r.rssWithout)} / ${fmt(r.rssWith)} MB |`,
  ),
].join("\n");
console.log("\n" + table);

if (args.includes("--write")) {
  for (const file of [join(root, "docs", "benchmarks.md"), join(root, "bench", "notes.md")]) {
    const text = readFileSync(file, "utf8");
    const begin = "<!-- source-cost:begin -->";
    const end = "<!-- source-cost:end -->";
    const a = text.indexOf(begin);
    const b = text.indexOf(end);
    if (a < 0 || b < a) throw new Error(`${file}: no ${begin} … ${end} block to replace`);
    writeFileSync(file, text.slice(0, a + begin.length) + "\n" + table + "\n" + text.slice(b));
  }
}
