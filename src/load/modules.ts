import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { dirname, isAbsolute, join, relative, resolve } from "node:path";
import { InputError } from "../errors.js";
import { checkDuplicateKeys } from "./duplicate-keys.js";
import type { InputPart, LoadedInput, ModuleSource } from "./types.js";
import { type Json } from "../json.js";

const MAX_MODULE_DEPTH = 16;

/**
 * The sources of the module calls of a *.tf.json module, as Terraform finds them: a local path
 * (`./x`, `../x`) relative to the calling module, or what `terraform init` downloaded, listed in
 * `.terraform/modules/modules.json` of the root module (`{"Modules": [{"Key": "a.b", "Dir": ...}]}`).
 * Only JSON-syntax modules can be read here; any other is recorded with the reason, so the pass can
 * say "cannot verify" instead of reading the module as empty.
 */
export function loadModules(rootDir: string, rootParts: InputPart[]): Record<string, ModuleSource> {
  const out: Record<string, ModuleSource> = Object.create(null) as Record<string, ModuleSource>;
  const downloaded = readModulesJson(rootDir);
  const visit = (parts: InputPart[], moduleDir: string, keyPrefix: string, depth: number, seen: Set<string>) => {
    for (const part of parts) {
      for (const [name, call] of moduleCalls(part.document)) {
        const key = keyPrefix === "" ? name : `${keyPrefix}.${name}`;
        const source = typeof call.source === "string" ? call.source : "";
        const found = locate(source, moduleDir, rootDir, downloaded.get(key));
        const entry: ModuleSource = { key, source, dir: found.dir, parts: [], unreadable: found.unreadable };
        out[key] = entry;
        if (entry.unreadable !== null || entry.dir === null) continue;
        if (depth >= MAX_MODULE_DEPTH || seen.has(entry.dir)) {
          entry.unreadable = `module calls nest deeper than ${MAX_MODULE_DEPTH} levels or call themselves`;
          continue;
        }
        const read = readModuleDir(entry.dir);
        if (typeof read === "string") {
          entry.unreadable = read;
          continue;
        }
        entry.parts = read;
        visit(read, entry.dir, key, depth + 1, new Set([...seen, entry.dir]));
      }
    }
  };
  visit(rootParts, rootDir, "", 0, new Set([resolve(rootDir)]));
  return out;
}

function moduleCalls(document: Json): [string, Json][] {
  const out: [string, Json][] = [];
  const sections = Array.isArray(document.module) ? document.module : document.module ? [document.module] : [];
  for (const section of sections) {
    if (!section || typeof section !== "object") continue;
    for (const [name, body] of Object.entries(section as Json)) {
      for (const b of Array.isArray(body) ? body : [body]) if (b && typeof b === "object") out.push([name, b as Json]);
    }
  }
  return out;
}

export function readModulesJson(rootDir: string): Map<string, string> {
  const file = join(rootDir, ".terraform", "modules", "modules.json");
  const out = new Map<string, string>();
  if (!existsSync(file)) return out;
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new InputError(file, `not valid JSON (${error instanceof Error ? error.message : String(error)}); run terraform init again`);
  }
  const modules = (doc as { Modules?: unknown })?.Modules;
  if (!Array.isArray(modules)) throw new InputError(file, `has no "Modules" list; run terraform init again`);
  for (const m of modules) {
    const entry = m as { Key?: unknown; Dir?: unknown };
    if (typeof entry.Key === "string" && typeof entry.Dir === "string") out.set(entry.Key, isAbsolute(entry.Dir) ? entry.Dir : join(rootDir, entry.Dir));
  }
  return out;
}

export function locate(source: string, moduleDir: string, rootDir: string, downloadedDir: string | undefined): { dir: string | null; unreadable: string | null } {
  if (source.startsWith("./") || source.startsWith("../")) {
    const dir = resolve(moduleDir, source);
    return existsSync(dir) && statSync(dir).isDirectory() ? { dir, unreadable: null } : { dir: null, unreadable: `its source ${source} is not a directory next to the calling module` };
  }
  if (downloadedDir !== undefined && existsSync(downloadedDir)) return { dir: resolve(downloadedDir), unreadable: null };
  const where = relative(process.cwd(), join(rootDir, ".terraform", "modules", "modules.json")) || "modules.json";
  return { dir: null, unreadable: `its source ${JSON.stringify(source)} is not in the input (not a local path, and not downloaded in ${where}; run terraform init, or check a terraform plan)` };
}

/** The *.tf.json files of a module directory, or why it cannot be read. */
function readModuleDir(dir: string): InputPart[] | string {
  const names = readdirSync(dir).sort();
  const native = names.filter((n) => n.endsWith(".tf") || n.endsWith(".tofu"));
  if (native.length > 0) return `it is written in Terraform's native syntax (${native.slice(0, 3).join(", ")}${native.length > 3 ? ", ..." : ""}), which only a terraform plan shows`;
  const files = names.filter((n) => n.endsWith(".tf.json"));
  if (files.length === 0) return `${relative(process.cwd(), dir) || dir} has no *.tf.json files`;
  return files.map((name) => {
    const path = join(dir, name);
    const text = readFileSync(path, "utf8");
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      throw new InputError(path, `not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) throw new InputError(path, "a module file must hold a JSON object");
    return { path, text, document: checkDuplicateKeys(path, text, "terraform-json", parsed as Json) };
  });
}

/** Adds the module sources of a *.tf.json module or cdktf stack that calls modules. */
export function attachModules(input: LoadedInput): void {
  if (input.kind === "terraform-plan") return;
  const parts = input.parts ?? [{ path: input.path, document: input.document, text: input.text }];
  if (!parts.some((p) => moduleCalls(p.document).length > 0)) return;
  const rootDir = input.parts ? input.path : dirname(input.path);
  input.modules = loadModules(rootDir, parts);
}
