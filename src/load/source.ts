import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { InputError } from "../errors.js";
import { scanHclFile } from "./hcl-body.js";
import { jsonBlockLines, type BlockLines } from "./hcl-lines.js";
import { locate, readModulesJson } from "./modules.js";
import type { InputPart, LoadedInput, ModuleSource, SourceBlock, SourceTree } from "./types.js";

export interface SourceOptions {
  /** --source DIR: the root module's folder; otherwise it is looked for next to the plan, then in the current folder. */
  source?: string;
  /** The current folder (tests pass their own). */
  cwd?: string;
}

const MAX_MODULE_DEPTH = 16;

/**
 * Sets `source` on every plan input whose .tf configuration is found. --source names one folder for
 * all plans of the run; without it each plan looks in its own folder, then in the current folder.
 */
export async function attachSources(inputs: LoadedInput[], options: SourceOptions = {}): Promise<void> {
  const cwd = options.cwd ?? process.cwd();
  if (options.source !== undefined) {
    const dir = resolve(cwd, options.source);
    if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new InputError(options.source, "--source: not a directory");
    if (configFiles(dir).length === 0) throw new InputError(options.source, "--source: the folder holds no *.tf or *.tf.json files");
  }
  for (const input of inputs) {
    if (input.kind !== "terraform-plan") continue;
    input.source_searched = true;
    const found = findRoot(input.path, cwd, options.source);
    if (!found) continue;
    input.source = await readSourceTree(found.dir, found.found_by, input.document, cwd);
  }
}

function findRoot(planPath: string, cwd: string, flag: string | undefined): { dir: string; found_by: SourceTree["found_by"] } | null {
  if (flag !== undefined) return { dir: resolve(cwd, flag), found_by: "flag" };
  const planDir = resolve(cwd, dirname(planPath));
  if (configFiles(planDir).length > 0) return { dir: planDir, found_by: "plan-dir" };
  if (configFiles(cwd).length > 0) return { dir: resolve(cwd), found_by: "cwd" };
  return null;
}

/** The configuration files of one module folder, sorted (Terraform reads *.tf and *.tf.json; overrides too). */
function configFiles(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names.filter((n) => n.endsWith(".tf") || n.endsWith(".tf.json")).sort();
}

interface ModuleCall {
  source?: unknown;
  module?: { module_calls?: Record<string, ModuleCall> };
}

/**
 * Reads the root module and every module the plan's configuration calls. Which modules exist comes
 * from the plan (configuration.root_module.module_calls), not from the .tf text: the plan is what is
 * judged, the source only places it.
 */
export async function readSourceTree(rootDir: string, foundBy: SourceTree["found_by"], plan: Record<string, unknown>, cwd = process.cwd()): Promise<SourceTree> {
  const repoRoot = repositoryRoot(rootDir, cwd);
  const tree: SourceTree = { root: toPosix(relative(cwd, rootDir)) || ".", found_by: foundBy, blocks: {}, unreadable: {}, parts: [], modules: {} };
  let downloaded: Map<string, string>;
  let modulesJsonProblem: string | null = null;
  try {
    downloaded = readModulesJson(rootDir);
  } catch (error) {
    downloaded = new Map();
    modulesJsonProblem = error instanceof Error ? error.message : String(error);
  }
  tree.parts = readModule(tree, rootDir, "", repoRoot);
  const configuration = plan.configuration as { root_module?: { module_calls?: Record<string, ModuleCall> } } | undefined;
  const visit = async (calls: Record<string, ModuleCall> | undefined, callerDir: string, keyPrefix: string, addressPrefix: string, depth: number) => {
    for (const [name, call] of Object.entries(calls ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      const key = keyPrefix === "" ? name : `${keyPrefix}.${name}`;
      const address = `${addressPrefix}module.${name}`;
      const source = typeof call.source === "string" ? call.source : "";
      if (depth >= MAX_MODULE_DEPTH) {
        tree.unreadable[address] = `module calls nest deeper than ${MAX_MODULE_DEPTH} levels`;
        continue;
      }
      const found = locate(source, callerDir, rootDir, downloaded.get(key));
      const module: ModuleSource = { key, source, dir: found.dir, parts: [], unreadable: null };
      tree.modules[key] = module;
      if (found.dir === null) {
        tree.unreadable[address] = module.unreadable = modulesJsonProblem ?? found.unreadable ?? "its source cannot be found";
        continue;
      }
      if (configFiles(found.dir).length === 0) {
        tree.unreadable[address] = module.unreadable = `${toPosix(relative(cwd, found.dir)) || "."} holds no *.tf or *.tf.json files`;
        continue;
      }
      module.parts = readModule(tree, found.dir, `${address}.`, repoRoot);
      await visit(call.module?.module_calls, found.dir, key, `${address}.`, depth + 1);
    }
  };
  await visit(configuration?.root_module?.module_calls, rootDir, "", "", 0);
  return tree;
}

/**
 * One module folder's blocks (addresses without module prefix) and its files in Terraform JSON form:
 * a module called 1,000 times is parsed once.
 */
interface ParsedModule {
  blocks: [string, SourceBlock][];
  parts: InputPart[];
}
const parsedModules = new WeakMap<SourceTree, Map<string, ParsedModule>>();

function readModule(tree: SourceTree, dir: string, addressPrefix: string, repoRoot: string): InputPart[] {
  let cache = parsedModules.get(tree);
  if (!cache) parsedModules.set(tree, (cache = new Map()));
  const key = resolve(dir);
  let parsed = cache.get(key);
  if (!parsed) cache.set(key, (parsed = parseModule(dir, repoRoot)));
  const { blocks, parts } = parsed;
  for (const [address, block] of blocks) tree.blocks[`${addressPrefix}${address}`] = block;
  return parts;
}

function parseModule(dir: string, repoRoot: string): ParsedModule {
  const tree = { blocks: {} as Record<string, SourceBlock> };
  const parts: InputPart[] = [];
  for (const name of configFiles(dir)) {
    const path = join(dir, name);
    const file = toPosix(relative(repoRoot, path));
    let text: string;
    try {
      text = readFileSync(path, "utf8");
    } catch (error) {
      throw new InputError(file, `cannot read it (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
    }
    const isJson = name.endsWith(".tf.json");
    // An override file (*_override.tf) merges into the block of another file: the original keeps the place.
    const isOverride = /_override\.tf(\.json)?$|^override\.tf(\.json)?$/.test(name);
    const place = (key: string, found: BlockLines | undefined, body: () => Record<string, unknown>) => {
      // "resource.T.N" → "T.N", "data.T.N" stays: the configuration address.
      const address = key.startsWith("resource.") ? key.slice("resource.".length) : key;
      if (isOverride && Object.hasOwn(tree.blocks, address)) return;
      tree.blocks[address] = new PlacedBlock(file, found, body);
    };
    if (isJson) {
      const document = parseJsonSource(file, text);
      parts.push({ path: file, document, text });
      const lines = new Map<string, BlockLines>(jsonBlockLines(text).map((b) => [b.key, b]));
      for (const mode of ["resource", "data"] as const) {
        const section = document[mode];
        if (!section || typeof section !== "object") continue;
        for (const [type, byName] of Object.entries(section as Record<string, unknown>)) {
          if (!byName || typeof byName !== "object") continue;
          for (const [blockName, value] of Object.entries(byName as Record<string, unknown>)) {
            const key = `${mode}.${type}.${blockName}`;
            const first = Array.isArray(value) ? value[0] : value;
            place(key, lines.get(key), () => (first && typeof first === "object" && !Array.isArray(first) ? (first as Record<string, unknown>) : {}));
          }
        }
      }
      continue;
    }
    // HCL: scanned for lines now; values (a block's body, the whole file for the *.tf.json reader) when asked.
    const scanned = scanHclFile(file, text);
    let document: Record<string, unknown> | undefined;
    parts.push({
      path: file,
      get document() {
        return (document ??= scanned.document());
      },
      text: "",
    });
    for (const b of scanned.blocks) place(b.key, b, () => scanned.bodyOf(b.key));
  }
  return { blocks: Object.entries(tree.blocks), parts };
}

/** A block of the source: where it is now, its body when first read (most blocks only place findings). */
class PlacedBlock implements SourceBlock {
  readonly line: number;
  readonly attribute_lines: Record<string, number>;
  readonly rich?: string[];
  private built: Record<string, unknown> | undefined;
  constructor(
    readonly file: string,
    found: BlockLines | undefined,
    private readonly build: () => Record<string, unknown>,
  ) {
    this.line = found?.line ?? 1;
    this.attribute_lines = found?.attributes ?? {};
    if (found?.rich) this.rich = found.rich;
  }
  get body(): Record<string, unknown> {
    return (this.built ??= this.build());
  }
}

function parseJsonSource(file: string, text: string): Record<string, unknown> {
  try {
    const parsed = JSON.parse(text) as unknown;
    if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
    throw new Error("a configuration file must hold a JSON object");
  } catch (error) {
    throw new InputError(file, `not valid Terraform JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** The git top level above dir (a .git folder or, in a worktree, a .git file), else the current folder. */
export function repositoryRoot(dir: string, cwd = process.cwd()): string {
  let at = resolve(dir);
  for (;;) {
    if (existsSync(join(at, ".git"))) return at;
    const parent = dirname(at);
    if (parent === at) return resolve(cwd);
    at = parent;
  }
}

function toPosix(path: string): string {
  return sep === "/" ? path : path.split(sep).join("/");
}
