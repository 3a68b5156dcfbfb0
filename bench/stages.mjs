#!/usr/bin/env node
// The pass in one process, stage by stage, on one input file, with the same compiled code the CLI
// runs (dist/): read, JSON.parse (+ recognise), normalize, wasm evaluate, report (build + render
// JSON). Prints one JSON line: per-stage medians in ms over --runs repetitions (after one warm-up
// run that is not counted), the raw wasm call (policy.evaluate without the findings check), the
// model's size, the finding count and this process's peak RSS.
//
//   node bench/stages.mjs <plan.json | cdk.tf.json> [--runs 5] [--model-out model.json] [--params-out params.json]
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const file = args.find((a, i) => !a.startsWith("--") && !(i > 0 && args[i - 1].startsWith("--")));
// --dist DIR: another build of the package's dist/ (to time a candidate fix without touching src/).
const distDir = resolve(opt("dist", join(root, "dist")));
const dist = (p) => pathToFileURL(join(distDir, "src", p)).href;
const runs = Number(opt("runs", 5));
if (!file) {
  console.error("usage: node bench/stages.mjs <input.json> [--runs N] [--model-out F] [--params-out F]");
  process.exit(2);
}

const { recognise } = await import(dist("load/recognise.js"));
const { normalize } = await import(dist("normalize/index.js"));
const { PolicyEngine } = await import(dist("evaluate/engine.js"));
const { buildReport } = await import(dist("report/build.js"));
const { renderers } = await import(dist("report/index.js"));
const { loadConfig } = await import(dist("load/config.js"));

const engine = await PolicyEngine.load({ distDir: join(root, "policies", "dist") });
const config = loadConfig(undefined);
const parameters = { ...engine.manifest.params, ...config.params };

const now = () => performance.now();
const samples = { read: [], parse: [], normalize: [], evaluate: [], wasm_call: [], report: [], total: [] };
let last;
for (let i = 0; i <= runs; i++) {
  const t0 = now();
  const buffer = readFileSync(file);
  const text = buffer.toString("utf8");
  const t1 = now();
  const document = JSON.parse(text);
  const { kind, stack } = recognise(file, document);
  const t2 = now();
  const input = { kind, path: file, stack, document, text, sha256: "", bytes: buffer.length };
  const model = normalize(input);
  const t3 = now();
  const findings = engine.evaluate(model, parameters);
  const t4 = now();
  const report = buildReport({ checked: [{ input, model, findings }], manifest: engine.manifest, wasmSha256: engine.wasmSha256, config, parameters, failOn: "high", now: new Date() });
  const out = renderers.json(report);
  const t5 = now();
  // The bare wasm call (JSON.stringify of the model into wasm memory, eval, result dump + parse).
  const policy = engine.policy;
  policy.setData({ apprunner_guard: { params: parameters } });
  const t6 = now();
  policy.evaluate(model, engine.manifest.entrypoint);
  const t7 = now();
  if (i > 0) {
    samples.read.push(t1 - t0);
    samples.parse.push(t2 - t1);
    samples.normalize.push(t3 - t2);
    samples.evaluate.push(t4 - t3);
    samples.report.push(t5 - t4);
    samples.total.push(t5 - t0);
    samples.wasm_call.push(t7 - t6);
  }
  last = { model, findings, out, bytes: buffer.length };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const modelText = JSON.stringify(last.model);
if (opt("model-out")) writeFileSync(opt("model-out"), modelText);
if (opt("params-out")) writeFileSync(opt("params-out"), JSON.stringify({ apprunner_guard: { params: parameters } }));
const result = {
  file,
  bytes: last.bytes,
  runs,
  resources: Object.keys(last.model.resources).length,
  model_bytes: Buffer.byteLength(modelText),
  findings: last.findings.length,
  report_bytes: Buffer.byteLength(last.out),
  ms: Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, Math.round(median(v) * 10) / 10])),
  max_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
};
console.log(JSON.stringify(result));
