import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, isAbsolute, relative, resolve, sep } from "node:path";
import { InputError } from "../errors.js";
import type { LoadedInput } from "../load/types.js";
import type { ModelResource } from "../normalize/index.js";
import { describeFirstError, validator } from "../schemas/ajv.js";
import type { BaselineEntry, Report } from "./types.js";
import { compare } from "../order.js";

export const BASELINE_VERSION = 1;
export const BASELINE_SCHEMA_ID = "https://apprunner-guard.dev/schemas/baseline.v1.json";

export interface BaselineFile {
  $schema: typeof BASELINE_SCHEMA_ID;
  baseline_version: typeof BASELINE_VERSION;
  entries: BaselineEntry[];
}

export interface LoadedBaseline {
  path: string;
  entries: BaselineEntry[];
}

/**
 * cdktf names resources `<path>_<8 hex>`, the hash of the construct path; a refactor that keeps the
 * human part moves the hash. Identities drop it so a baseline survives that.
 * Not merged with sarif.ts's withoutHashSuffix: the two disagree on `x_5E2C1A3B_y` (this keeps it), `_5E2C1A3B`
 * and `a__5E2C1A3B` (this strips them), and one of them changing would move either the baseline ids written in
 * users' baseline files or the SARIF fingerprints code scanning tracks alerts by (test/report/hash-suffix.test.ts).
 */
const CDKTF_HASH = /_[0-9A-F]{8}(?=$|[^0-9A-Za-z_])/g;
export function withoutCdktfHash(value: string): string {
  return value.replace(CDKTF_HASH, "");
}

/**
 * What baselines and waivers' `input` call an input: its cdktf stack name, else its path from the
 * repository root (the nearest folder above it holding .git), else from the working directory. The
 * same plan checked from another folder keeps its identity.
 */
export function inputIdentity(input: Pick<LoadedInput, "path" | "stack">, cwd = process.cwd()): string {
  if (input.stack) return `stack:${input.stack}`;
  const absolute = resolve(cwd, input.path);
  let dir = dirname(absolute);
  for (;;) {
    if (existsSync(resolve(dir, ".git"))) return toPosix(relative(dir, absolute));
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  const fromCwd = relative(cwd, absolute);
  return toPosix(isAbsolute(fromCwd) || fromCwd.startsWith("..") ? absolute : fromCwd);
}

function toPosix(path: string): string {
  return path.split(sep).join("/");
}

/**
 * Fingerprint of the offending value: the values the rule quotes in its message (a port, an image,
 * a tag name, actions, principals, a variable name), else the value at the finding's attribute, with
 * cdktf hash suffixes removed. Another violation at the same address and attribute (port 22 → 23, a
 * second missing tag) has another fingerprint; a reworded message or an unrelated change does not.
 */
export function valueFingerprint(message: string, attribute: string, resource: ModelResource | undefined): string {
  const quoted = [...message.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => m[1]!);
  const material = quoted.length > 0 ? quoted : [canonical(valueAt(resource?.values, attribute))];
  return sha(withoutCdktfHash(JSON.stringify(material))).slice(0, 16);
}

export function baselineEntry(f: { rule_id: string; resource: string; attribute: string }, identity: string, fingerprint: string): BaselineEntry {
  const resource = withoutCdktfHash(f.resource);
  const id = sha([f.rule_id, identity, resource, f.attribute, fingerprint].join("\u0000")).slice(0, 32);
  return { id, rule_id: f.rule_id, input: identity, resource, attribute: f.attribute, fingerprint };
}

function valueAt(values: unknown, path: string): unknown {
  if (path === "") return null;
  let here: unknown = values;
  for (const part of path.split(".")) {
    if (here === null || typeof here !== "object") return null;
    here = (here as Record<string, unknown>)[part];
  }
  return here ?? null;
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.keys(value as object)
      .sort(compare)
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(",")}}`;
  }
  return JSON.stringify(value ?? null);
}

function sha(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

/** Reads and validates a --baseline file; anything wrong is an input error (exit 2) naming the file. */
export function loadBaseline(path: string): LoadedBaseline {
  if (!existsSync(path)) throw new InputError(path, "baseline file not found; make one with --write-baseline");
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new InputError(path, `baseline is not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  const validate = validator("baseline");
  if (!validate(doc)) throw new InputError(path, `invalid baseline: ${describeFirstError(validate.errors)}`);
  const entries = (doc as BaselineFile).entries;
  entries.forEach((e, index) => {
    const expected = baselineEntry(e, e.input, e.fingerprint).id;
    if (e.id !== expected) throw new InputError(path, `invalid baseline: entry ${index} (${e.rule_id} on ${e.resource}) has id ${e.id}, but its fields give ${expected}; write the baseline again with --write-baseline`);
  });
  return { path, entries };
}

/**
 * The findings a baseline records: every finding not waived (a waiver already accepts its finding,
 * until it expires), except AR-META-001: a plan the pass cannot judge is never accepted, so "cannot
 * verify" cannot be baselined away.
 */
export function baselineOf(report: Report): BaselineFile {
  const identity = new Map(report.inputs.map((i) => [i.path, i.identity]));
  const byId = new Map<string, BaselineEntry>();
  for (const f of report.findings) {
    if (f.status === "waived" || f.rule_id === BASELINE_EXEMPT_RULE) continue;
    const entry = baselineEntry(f, identity.get(f.input) ?? f.input, f.fingerprint);
    byId.set(entry.id, entry);
  }
  const entries = [...byId.values()].sort(
    (a, b) => compare(a.input, b.input) || compare(a.rule_id, b.rule_id) || compare(a.resource, b.resource) || compare(a.attribute, b.attribute) || compare(a.id, b.id),
  );
  return { $schema: BASELINE_SCHEMA_ID, baseline_version: BASELINE_VERSION, entries };
}

/** AR-META-001 findings are never baselined (see baselineOf). */
export const BASELINE_EXEMPT_RULE = "AR-META-001";

export function writeBaseline(path: string, report: Report): number {
  const file = baselineOf(report);
  try {
    mkdirSync(dirname(resolve(path)), { recursive: true });
    writeFileSync(path, JSON.stringify(file, null, 2) + "\n");
  } catch (error) {
    throw new InputError(path, `cannot write the baseline there: ${error instanceof Error ? error.message : String(error)}`);
  }
  return file.entries.length;
}
