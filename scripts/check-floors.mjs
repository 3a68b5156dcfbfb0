#!/usr/bin/env node
// The floors of src/ in pipeline order, and the wall between modules/ and src/, checked from every
// .ts file's real imports. The TypeScript parser finds what a regex misses: `export … from`,
// `import type`, `import("…")` (call and type position) and `import x = require("…")`.
//
//   node scripts/check-floors.mjs [root]   prints one line per violation, exit 1 if any
//
// A file imports only from its own floor or a lower one. Files on the same floor may import each
// other, except the rooms of the top floor (cli/ and the synth-time guard) which stay apart.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";

/** Lowest first. A path matches a floor when it equals an entry or lies under a folder entry ("x/"). */
export const FLOORS = [
  { name: "ground", paths: ["src/json.ts", "src/severity.ts", "src/order.ts", "src/about.ts", "src/errors.ts", "src/paths.ts", "src/data/", "src/schemas/"] },
  { name: "load", paths: ["src/load/"] },
  { name: "normalize", paths: ["src/normalize/"] },
  { name: "evaluate", paths: ["src/evaluate/"] },
  { name: "report", paths: ["src/report/"] },
  { name: "check", paths: ["src/check.ts"] },
  // cdktn is the cdktf guard under the other framework's name: one room.
  { name: "top", rooms: { cli: ["src/cli/"], guard: ["src/cdktf/", "src/cdktn/"] } },
];

function placeOf(file) {
  for (const [level, floor] of FLOORS.entries()) {
    const rooms = floor.rooms ?? { [floor.name]: floor.paths };
    for (const [room, paths] of Object.entries(rooms)) {
      if (paths.some((p) => (p.endsWith("/") ? file.startsWith(p) : file === p))) return { level, floor: floor.name, room };
    }
  }
  return undefined;
}

function half(file) {
  return file.startsWith("src/") ? "src" : file.startsWith("modules/") ? "modules" : undefined;
}

function tsFiles(root, dir) {
  const out = [];
  let names;
  try {
    names = readdirSync(join(root, dir));
  } catch {
    return out;
  }
  for (const name of names.sort()) {
    const rel = `${dir}/${name}`;
    if (statSync(join(root, rel)).isDirectory()) out.push(...tsFiles(root, rel));
    else if (/\.(c|m)?tsx?$/.test(name) && !name.endsWith(".d.ts")) out.push(rel);
  }
  return out;
}

/** Every module specifier a file names, with its line. */
export function importsOf(fileName, text) {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const found = [];
  const add = (node) => {
    if (node && ts.isStringLiteralLike(node)) found.push({ specifier: node.text, line: source.getLineAndCharacterOfPosition(node.getStart()).line + 1 });
  };
  const visit = (node) => {
    if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) add(node.moduleSpecifier);
    else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) add(node.moduleReference.expression);
    else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) add(node.arguments[0]);
    else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) add(node.argument.literal);
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** The repo-relative .ts file a relative specifier names ("./x.js" is x.ts under NodeNext), or undefined for a package. */
function targetOf(root, from, specifier) {
  if (!specifier.startsWith(".")) return undefined;
  const abs = resolve(root, dirname(from), specifier);
  return relative(root, abs).split(sep).join("/").replace(/\.(m|c)?js$/, ".$1ts").replace(/\.\.ts$/, ".ts");
}

/** One line per import that breaks the floors; empty when the house stands. */
export function floorViolations(root) {
  const problems = [];
  for (const file of [...tsFiles(root, "src"), ...tsFiles(root, "modules")]) {
    const from = placeOf(file);
    if (half(file) === "src" && !from) {
      problems.push(`${file}: not on any floor; add it to FLOORS in scripts/check-floors.mjs (lowest floor it fits)`);
      continue;
    }
    for (const { specifier, line } of importsOf(file, readFileSync(join(root, file), "utf8"))) {
      const target = targetOf(root, file, specifier);
      if (target === undefined) continue;
      const where = `${file}:${line}: imports ${specifier}`;
      if (half(file) !== half(target) && half(target) !== undefined) {
        problems.push(`${where}: ${half(file)}/ must not import ${half(target)}/ (the halves meet only at Terraform JSON)`);
        continue;
      }
      if (half(file) !== "src" || half(target) !== "src") continue;
      const to = placeOf(target);
      if (!to) continue; // the target's own pass reports it
      if (to.level > from.level) problems.push(`${where}: ${from.floor} (${from.room}) reaches up to ${to.floor} (${to.room})`);
      else if (to.level === from.level && to.room !== from.room) problems.push(`${where}: ${from.room} and ${to.room} are separate rooms of the ${from.floor} floor`);
    }
  }
  return problems;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = resolve(process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), ".."));
  const problems = floorViolations(root);
  for (const p of problems) console.error(`check-floors: ${p}`);
  if (problems.length > 0) process.exit(1);
}
