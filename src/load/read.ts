import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { InputError } from "../errors.js";
import { addressLines } from "./address-lines.js";
import { decodeText } from "./decode.js";
import { checkDuplicateKeys, scanTopLevel } from "./duplicate-keys.js";
import { attachModules } from "./modules.js";
import { recognise } from "./recognise.js";
import { DEFAULT_MAX_BYTES, type LoadOptions, type LoadedInput } from "./types.js";

/**
 * Reads every path (file or directory) into recognised inputs. A cdktf.out directory expands to
 * every stack its manifest lists; any other directory to the *.tf.json files in it.
 */
export function loadInputs(paths: string[], options: Partial<LoadOptions> = {}): LoadedInput[] {
  const opts: LoadOptions = { maxBytes: options.maxBytes ?? DEFAULT_MAX_BYTES };
  const inputs: LoadedInput[] = [];
  // The same file named twice (or a stack file and its cdktf.out) is checked once, not counted twice.
  const seen = new Set<string>();
  for (const path of paths) {
    if (!existsSync(path)) throw new InputError(path, "no such file or directory");
    const loaded = statSync(path).isDirectory() ? loadDirectory(path, opts) : [withDependents(loadFile(path, opts))];
    for (const input of loaded) {
      const files = (input.parts ?? [input]).map((p) => resolve(p.path));
      if (files.every((f) => seen.has(f))) continue;
      for (const f of files) seen.add(f);
      attachModules(input);
      inputs.push(input);
    }
  }
  return inputs;
}

export function loadFile(path: string, opts: LoadOptions, expectedStack?: string): LoadedInput {
  const size = statSync(path).size;
  if (size > opts.maxBytes) {
    throw new InputError(path, `file is ${size} bytes, above the limit of ${opts.maxBytes} bytes (raise it with --max-bytes)`);
  }
  const { text, sha256 } = readText(path);
  if (text.trim() === "") throw new InputError(path, `file is empty; expected JSON from "terraform show -json" or cdktf synth`);
  const parsed = parseJsonText(path, text);
  // Depth first: recognise() and everything after it may recurse into the document.
  const top = scanTopLevel(text, MAX_JSON_DEPTH);
  if (top.depthExceededAt >= 0) throw depthError(path, top.depthExceededAt);
  const { kind, stack } = recognise(path, parsed);
  const document = checkDuplicateKeys(path, text, kind, parsed as Record<string, unknown>, top.topLevel);
  if (expectedStack !== undefined && kind !== "cdktf-stack") {
    throw new InputError(path, `the cdktf manifest lists it as stack "${expectedStack}" but it is not a cdktf stack`);
  }
  return {
    kind,
    path,
    stack,
    document: document as Record<string, unknown>,
    text,
    sha256,
    bytes: size,
    ...(kind === "terraform-plan" ? { lineOfAddress: addressLines(text) } : {}),
  };
}

/**
 * A cdktf stack the synth-time guard holds in memory (an HCL-output stack, so no cdk.tf.json on disk):
 * the same LoadedInput a file gives, its text being the JSON the document would be written as.
 */
export function loadStackDocument(path: string, stack: string, document: Record<string, unknown>): LoadedInput {
  const text = JSON.stringify(document, null, 2);
  return {
    kind: "cdktf-stack",
    path,
    stack,
    document,
    text,
    sha256: createHash("sha256").update(text).digest("hex"),
    bytes: Buffer.byteLength(text),
  };
}

/** A path that is a directory where a file is expected, unreadable, ...: the user's input, so exit 2. */
/** The file's text and the sha256 of its bytes; the bytes themselves are garbage on return, before the parse (the load's memory peak). */
function readText(path: string): { text: string; sha256: string } {
  const buffer = readOrFail(path);
  const sha256 = createHash("sha256").update(buffer).digest("hex");
  return { text: decodeText(path, buffer), sha256 };
}

function readOrFail(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError(path, `cannot read it (${code ?? (error instanceof Error ? error.message : String(error))})`);
  }
}

/**
 * Deeper than any real plan or stack (they nest about 30 levels; the normalizer refuses resource values
 * deeper than 200). JSON.parse itself copes with any depth, but every later step that recurses
 * (String(), JSON.stringify, module walks) would overflow the stack on a hostile file.
 */
export const MAX_JSON_DEPTH = 512;

function parseJson(path: string, text: string): unknown {
  const document = parseJsonText(path, text);
  const at = scanTopLevel(text, MAX_JSON_DEPTH).depthExceededAt;
  if (at >= 0) throw depthError(path, at);
  return document;
}

function depthError(path: string, at: number): InputError {
  return new InputError(path, `JSON nesting is deeper than ${MAX_JSON_DEPTH} levels (at character ${at}); expected a Terraform plan or cdktf stack, which nest far less`);
}

function parseJsonText(path: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    if (error instanceof RangeError) throw new InputError(path, "JSON nesting is too deep to read");
    const detail = error instanceof Error ? error.message : String(error);
    const position = Number(/position (\d+)/.exec(detail)?.[1] ?? NaN);
    const atEnd = /end of (JSON )?(input|data)/i.test(detail) || position >= text.trimEnd().length;
    const truncated = atEnd ? " (the file looks truncated)" : "";
    throw new InputError(path, `not valid JSON${truncated}: ${detail}`);
  }
}

interface CdktfManifest {
  stacks?: Record<string, { synthesizedStackPath?: unknown; name?: unknown; dependencies?: unknown }>;
}

/** The stacks of a manifest that list `name` among their dependencies (the ones that may read its outputs). */
function dependentsOf(stacks: NonNullable<CdktfManifest["stacks"]>, name: string): string[] {
  return Object.keys(stacks)
    .filter((other) => other !== name && Array.isArray(stacks[other]?.dependencies) && (stacks[other]!.dependencies as unknown[]).includes(name))
    .sort();
}

/**
 * A cdk.tf.json passed alone: its dependents come from the manifest.json of the cdktf.out it sits in
 * (stacks/<name>/cdk.tf.json), when that manifest lists this very file; otherwise they are unknown.
 */
function withDependents(input: LoadedInput): LoadedInput {
  if (input.kind !== "cdktf-stack" || input.stack === null) return input;
  const outdir = join(dirname(input.path), "..", "..");
  const manifestPath = join(outdir, "manifest.json");
  let dependents: string[] | null = null;
  try {
    if (existsSync(manifestPath)) {
      const stacks = (JSON.parse(readFileSync(manifestPath, "utf8")) as CdktfManifest)?.stacks;
      const entry = stacks?.[input.stack];
      if (stacks && typeof entry?.synthesizedStackPath === "string" && resolve(outdir, entry.synthesizedStackPath) === resolve(input.path)) {
        dependents = dependentsOf(stacks, input.stack);
      }
    }
  } catch {
    dependents = null; // an unreadable manifest next to the stack: who reads its outputs is unknown
  }
  return { ...input, dependents };
}

function loadDirectory(dir: string, opts: LoadOptions): LoadedInput[] {
  const manifestPath = join(dir, "manifest.json");
  if (existsSync(manifestPath)) return loadCdktfOut(dir, manifestPath, opts);
  if (existsSync(join(dir, "stacks"))) {
    throw new InputError(dir, "looks like a cdktf.out directory but has no manifest.json; run cdktf synth again");
  }
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (error) {
    throw new InputError(dir, `cannot list it (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  const files = names
    .filter((name) => name.endsWith(".tf.json"))
    .sort();
  // Other *.json files are plans (or stacks), each its own input: an estate checked in one run.
  // Variable files are Terraform's, not inputs; a JSON file that is neither is an input error, not skipped.
  const documents = names.filter((name) => name.endsWith(".json") && !name.endsWith(".tf.json") && !name.endsWith(".tfvars.json")).sort();
  if (files.length === 0 && documents.length === 0) {
    throw new InputError(dir, "nothing to check here (no manifest.json, no *.tf.json, no plan *.json); pass a plan JSON file, a cdk.tf.json or a cdktf.out directory");
  }
  const separate = documents.map((name) => loadFile(join(dir, name), opts));
  if (files.length === 0) return separate;
  const loaded = files.map((name) => loadFile(join(dir, name), opts));
  const plain = loaded.filter((input) => input.kind === "terraform-json");
  if (plain.length <= 1) return [...loaded, ...separate];
  return [mergeModule(dir, plain), ...loaded.filter((input) => input.kind !== "terraform-json"), ...separate];
}

/** The *.tf.json files of one folder as one input: Terraform reads them as one module. */
function mergeModule(dir: string, files: LoadedInput[]): LoadedInput {
  const sections = (key: string) => files.map((f) => f.document[key]).filter((v) => v !== undefined);
  const digest = createHash("sha256");
  for (const f of files) digest.update(`${relative(dir, f.path)}\u0000${f.sha256}\n`);
  return {
    kind: "terraform-json",
    path: dir,
    stack: null,
    document: { resource: sections("resource"), data: sections("data"), provider: sections("provider") },
    text: "",
    sha256: digest.digest("hex"),
    bytes: files.reduce((sum, f) => sum + f.bytes, 0),
    parts: files.map((f) => ({ path: f.path, document: f.document, text: f.text })),
  };
}

function loadCdktfOut(dir: string, manifestPath: string, opts: LoadOptions): LoadedInput[] {
  const manifest = parseJson(manifestPath, decodeText(manifestPath, readOrFail(manifestPath))) as CdktfManifest;
  const stacks = manifest?.stacks;
  if (!stacks || typeof stacks !== "object" || Object.keys(stacks).length === 0) {
    throw new InputError(manifestPath, "the cdktf manifest lists no stacks; run cdktf synth in a project that defines a stack");
  }
  return Object.keys(stacks)
    .sort()
    .map((name) => {
      const stackPath = stacks[name]?.synthesizedStackPath;
      if (typeof stackPath !== "string") {
        throw new InputError(manifestPath, `stack "${name}" has no synthesizedStackPath`);
      }
      const file = join(dir, stackPath);
      if (!existsSync(file)) {
        throw new InputError(manifestPath, `stack "${name}" points at ${relative(process.cwd(), file) || file}, which does not exist; run cdktf synth again`);
      }
      return { ...loadFile(file, opts, name), dependents: dependentsOf(stacks, name) };
    });
}
