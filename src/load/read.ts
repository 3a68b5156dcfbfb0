import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { InputError } from "../errors.js";
import { recognise } from "./recognise.js";
import { DEFAULT_MAX_BYTES, type LoadOptions, type LoadedInput } from "./types.js";

/**
 * Reads every path (file or directory) into recognised inputs. A cdktf.out directory expands to
 * every stack its manifest lists; any other directory to the *.tf.json files in it.
 */
export function loadInputs(paths: string[], options: Partial<LoadOptions> = {}): LoadedInput[] {
  const opts: LoadOptions = { maxBytes: options.maxBytes ?? DEFAULT_MAX_BYTES };
  const inputs: LoadedInput[] = [];
  for (const path of paths) {
    if (!existsSync(path)) throw new InputError(path, "no such file or directory");
    if (statSync(path).isDirectory()) inputs.push(...loadDirectory(path, opts));
    else inputs.push(loadFile(path, opts));
  }
  return inputs;
}

export function loadFile(path: string, opts: LoadOptions, expectedStack?: string): LoadedInput {
  const size = statSync(path).size;
  if (size > opts.maxBytes) {
    throw new InputError(path, `file is ${size} bytes, above the limit of ${opts.maxBytes} bytes (raise it with --max-bytes)`);
  }
  const buffer = readFileSync(path);
  const text = buffer.toString("utf8");
  if (text.trim() === "") throw new InputError(path, `file is empty; expected JSON from "terraform show -json" or cdktf synth`);
  const document = parseJson(path, text);
  const { kind, stack } = recognise(path, document);
  if (expectedStack !== undefined && kind !== "cdktf-stack") {
    throw new InputError(path, `the cdktf manifest lists it as stack "${expectedStack}" but it is not a cdktf stack`);
  }
  return {
    kind,
    path,
    stack,
    document: document as Record<string, unknown>,
    text,
    sha256: createHash("sha256").update(buffer).digest("hex"),
    bytes: size,
  };
}

function parseJson(path: string, text: string): unknown {
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
  stacks?: Record<string, { synthesizedStackPath?: unknown; name?: unknown }>;
}

function loadDirectory(dir: string, opts: LoadOptions): LoadedInput[] {
  const manifestPath = join(dir, "manifest.json");
  if (existsSync(manifestPath)) return loadCdktfOut(dir, manifestPath, opts);
  if (existsSync(join(dir, "stacks"))) {
    throw new InputError(dir, "looks like a cdktf.out directory but has no manifest.json; run cdktf synth again");
  }
  const files = readdirSync(dir)
    .filter((name) => name.endsWith(".tf.json"))
    .sort();
  if (files.length === 0) {
    throw new InputError(dir, "nothing to check here (no manifest.json, no *.tf.json); pass a plan JSON file, a cdk.tf.json or a cdktf.out directory");
  }
  return files.map((name) => loadFile(join(dir, name), opts));
}

function loadCdktfOut(dir: string, manifestPath: string, opts: LoadOptions): LoadedInput[] {
  const manifest = parseJson(manifestPath, readFileSync(manifestPath, "utf8")) as CdktfManifest;
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
      return loadFile(file, opts, name);
    });
}
