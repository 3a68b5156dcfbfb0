#!/usr/bin/env node
/**
 * Builds the CDK Terrain flavour of the constructs: dist/modules (compiled against cdktf and
 * @cdktf/provider-aws) copied to dist/cdktn/modules with the two framework imports swapped for
 * cdktn and @cdktn/provider-aws. The construct code is the same; only the classes it extends and
 * the provider bindings it instantiates come from the host app's framework, so a cdktn app never
 * loads a second framework copy. Runs after `tsc` in `npm run build`.
 */
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const from = join(root, "dist", "modules");
const to = join(root, "dist", "cdktn", "modules");

/** Every module specifier in import/export statements and dynamic imports, JS and .d.ts alike. */
const SPECIFIER = /(\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)(["'])([^"']+)\2/g;

export function rewrite(text, file) {
  return text.replace(SPECIFIER, (whole, lead, quote, spec) => {
    let next = spec;
    if (spec === "cdktf") next = "cdktn";
    else if (spec.startsWith("@cdktf/provider-aws/")) next = "@cdktn/provider-aws/" + spec.slice("@cdktf/provider-aws/".length);
    else if (spec === "@cdktf/provider-aws") throw new Error(`${file}: imports the provider package root; import provider classes by deep path`);
    else if (spec.startsWith("cdktf/") || spec.startsWith("@cdktf/")) throw new Error(`${file}: imports ${spec}, which has no known cdktn counterpart`);
    else if (spec.startsWith(".")) {
      const target = join(dirname(join(from, file)), spec);
      if (relative(from, target).startsWith("..")) throw new Error(`${file}: relative import ${spec} leaves modules/, which the cdktn copy does not carry`);
    }
    return `${lead}${quote}${next}${quote}`;
  });
}

function walk(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)).map((f) => join(e.name, f)) : [e.name]));
}

rmSync(join(root, "dist", "cdktn"), { recursive: true, force: true });
let count = 0;
for (const file of walk(from)) {
  if (!file.endsWith(".js") && !file.endsWith(".d.ts")) continue;
  const out = join(to, file);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, rewrite(readFileSync(join(from, file), "utf8"), file));
  count++;
}
const guard = "../src/cdktn/index.js";
writeFileSync(join(root, "dist", "cdktn", "index.js"), `export * from "./modules/index.js";\nexport { applyGuard, ApprunnerGuard, CREATION_LINES_ENV } from "${guard}";\n`);
writeFileSync(
  join(root, "dist", "cdktn", "index.d.ts"),
  `export * from "./modules/index.js";\nexport { applyGuard, ApprunnerGuard, CREATION_LINES_ENV, type GuardApp, type GuardOptions } from "${guard}";\n`,
);
console.log(`build-flavours: ${count} files → dist/cdktn (constructs for cdktn + @cdktn/provider-aws)`);
