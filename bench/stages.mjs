#!/usr/bin/env node
// The pass in one fresh process, stage by stage, on one input file, with the same compiled code the
// CLI runs (dist/), measured on its FIRST run (no warm-up: that is what a CI job pays): read,
// JSON.parse (+ recognise), normalize, partition (plan + render the partitions' JSON), evaluate
// (wasm calls + findings check), report (build + render JSON). Prints one JSON line. bench/run.mjs
// starts it several times and keeps the minimum of each stage.
//
//   node bench/stages.mjs <plan.json | cdk.tf.json> [--model-out model.json] [--params-out params.json]
import { readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const file = args.find((a, i) => !a.startsWith("--") && !(i > 0 && args[i - 1].startsWith("--")));
const distDir = resolve(opt("dist", join(root, "dist")));
const dist = (p) => pathToFileURL(join(distDir, "src", p)).href;
if (!file) {
  console.error("usage: node bench/stages.mjs <input.json> [--model-out F] [--params-out F]");
  process.exit(2);
}

const t00 = performance.now();
const { recognise } = await import(dist("load/recognise.js"));
const { normalize } = await import(dist("normalize/index.js"));
const { PolicyEngine } = await import(dist("evaluate/engine.js"));
const { buildReport } = await import(dist("report/build.js"));
const { renderers } = await import(dist("report/index.js"));
const { loadConfig } = await import(dist("load/config.js"));
const { addressLines } = await import(dist("load/address-lines.js"));
const { collectGarbage } = await import(dist("check.js"));
const engine = await PolicyEngine.load({ distDir: join(root, "policies", "dist") });
// As the CLI does (src/check.ts): worker threads boot while a large input is read.
if (statSync(file).size >= 4 * 1024 * 1024) engine.startWorkers();
const config = loadConfig(undefined);
const parameters = { ...engine.manifest.params, ...config.params };
const now = () => performance.now();

const t0 = now();
const buffer = readFileSync(file);
const bytes = buffer.length;
let text = buffer.toString("utf8");
const t1 = now();
let document = JSON.parse(text);
const { kind, stack } = recognise(file, document);
const t2 = now();
const input = { kind, path: file, stack, document, text, sha256: "", bytes, lineOfAddress: addressLines(text) };
// As the CLI does (src/check.ts): a plan's text is dropped before normalization (its address lines
// are known), the parsed document once the model is built. The locals are cleared too, so the
// collector can free them (what the stage measures), though never read again.
// eslint-disable-next-line no-useless-assignment
if (kind === "terraform-plan") input.text = text = "";
// The CLI's full collections where the text and the document die (src/check.ts, collectBetweenStages):
// the first is counted in normalize, the second in evaluate, where the CLI pays them.
const large = bytes >= 4 * 1024 * 1024;
if (large) collectGarbage();
const model = normalize(input);
// eslint-disable-next-line no-useless-assignment
input.text = text = "";
// eslint-disable-next-line no-useless-assignment
input.document = document = {};
const t3 = now();
const rssAfterNormalize = Math.round(process.resourceUsage().maxRSS / 1024);
if (large) collectGarbage();
const { findings } = await engine.evaluateAllInParallel(model, parameters);
const t4 = now();
const report = buildReport({ checked: [{ input, model, findings }], manifest: engine.manifest, wasmSha256: engine.wasmSha256, config, parameters, failOn: "high", now: new Date() });
const out = renderers.json(report);
const t5 = now();

const stats = engine.lastStats;
const round = (x) => Math.round(x * 10) / 10;
const result = {
  file,
  bytes,
  resources: Object.keys(model.resources).length,
  findings: findings.length,
  report_bytes: Buffer.byteLength(out),
  partitions: stats?.partitions,
  worker_partitions: stats?.worker_partitions,
  largest_partition_bytes: stats?.largest_partition_bytes,
  wasm_memory_mb: stats ? Math.round((stats.memory_pages * 65536) / 1e6) : null,
  ms: {
    startup: round(t0 - t00),
    read: round(t1 - t0),
    parse: round(t2 - t1),
    normalize: round(t3 - t2),
    partition: round(stats?.partition_ms ?? 0),
    evaluate: round(t4 - t3 - (stats?.partition_ms ?? 0)),
    report: round(t5 - t4),
    total: round(t5 - t0),
  },
  /** Peak RSS up to the end of normalize (file text + parsed document + model), then for the whole run. */
  rss_after_normalize_mb: rssAfterNormalize,
  max_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
};
if (opt("model-out")) writeFileSync(opt("model-out"), JSON.stringify(model));
if (opt("params-out")) writeFileSync(opt("params-out"), JSON.stringify({ apprunner_guard: { params: parameters } }));
console.log(JSON.stringify(result));
await engine.close();
