#!/usr/bin/env node
/**
 * Bundles the CLI (dist/src/cli/index.js, what tsc wrote, and its dependencies) into one file,
 * dist/cli.mjs, which bin/apprunner-guard.js loads. Node resolves, reads and compiles each ES module
 * separately; the CLI's ~200 (ours, yargs, ajv, opa-wasm) cost about 150 ms of every run before any
 * work, measured on `--version` (0.43 s → 0.28 s) and on a one-service plan (0.61 s → 0.45 s). The
 * library entry points (the constructs, the synth-time guard) stay unbundled. Runs after `tsc` in
 * `npm run build`.
 */
import { build } from "esbuild";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

await build({
  entryPoints: [join(root, "dist", "src", "cli", "index.js")],
  outfile: join(root, "dist", "cli.mjs"),
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  // The CommonJS dependencies (yargs' helpers, ajv) call require() for Node's built-in modules.
  banner: { js: 'import { createRequire as __createRequire } from "node:module"; const require = __createRequire(import.meta.url);' },
  // No source map: the package ships no sources to map to (test/packaging/tarball.test.ts), so a
  // --debug stack trace names lines of dist/cli.mjs, which keeps the modules' names and code unminified.
  logLevel: "warning",
});
