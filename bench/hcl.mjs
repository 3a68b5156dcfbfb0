// The .tf source of a generated plan (bench/generate.mjs), written as HCL the way people write it:
// references as traversals, policies as jsonencode({...}) over them, nested blocks as blocks. Used by
// bench/source-cost.mjs to measure what reading the source costs; flat and mix shapes (root module only).
import { REF_MARK, JSON_MARK } from "./generate.mjs";

const isRef = (v) => v !== null && typeof v === "object" && v[REF_MARK] === true;
const isJson = (v) => v !== null && typeof v === "object" && v[JSON_MARK] === true;
const isBlocks = (v) => Array.isArray(v) && v.block === true;

/** A string literal: JSON quoting is HCL quoting, once template sequences are escaped. */
const quote = (s) => JSON.stringify(s).replace(/\$\{/g, "$${").replace(/%\{/g, "%%{");
const key = (k) => (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(k) ? k : quote(k));

function expression(v, indent) {
  if (isRef(v)) return `${v.address}.${v.attribute}`;
  if (isJson(v)) return `jsonencode(${expression(v.doc, indent)})`;
  if (Array.isArray(v)) return `[${v.map((x) => expression(x, indent)).join(", ")}]`;
  if (v && typeof v === "object") {
    const inner = indent + "  ";
    const entries = Object.entries(v).map(([k, x]) => `${inner}${key(k)} = ${expression(x, inner)}`);
    return entries.length === 0 ? "{}" : `{\n${entries.join("\n")}\n${indent}}`;
  }
  if (typeof v === "string") return quote(v);
  return JSON.stringify(v);
}

function body(attrs, indent) {
  const lines = [];
  for (const [k, v] of Object.entries(attrs)) {
    if (isBlocks(v)) {
      for (const block of v) lines.push(`${indent}${k} {`, ...body(block, indent + "  "), `${indent}}`);
    } else lines.push(`${indent}${k} = ${expression(v, indent)}`);
  }
  return lines;
}

/** main.tf of a root module holding every resource and data source of `resources`. */
export function hclSource(resources) {
  const out = [`provider "aws" {\n  region = "us-east-1"\n}\n`];
  for (const r of resources) {
    if (r.module) throw new Error("hclSource writes root-module resources only (flat and mix shapes)");
    out.push(`${r.mode === "data" ? "data" : "resource"} "${r.type}" "${r.name}" {`, ...body(r.attrs, "  "), "}", "");
  }
  return out.join("\n");
}
