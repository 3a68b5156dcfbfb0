import { isAbsolute, join, relative, sep } from "node:path";
import { findSourceMap } from "node:module";
import { fileURLToPath } from "node:url";
import { Node, type MetadataOptions } from "constructs";
import { repositoryRoot } from "../load/source.js";
import { isRepositoryPath, parseTraceFrame } from "../normalize/creation-site.js";
import { packageRoot } from "../paths.js";

/**
 * TypeScript lines for cdktf findings (issue 12): every cdktf / cdktn TerraformElement constructor calls
 * `this.node.addMetadata("stacktrace", "trace")` and later writes that entry's trace into cdk.tf.json as
 * `//.metadata.stackTrace`. It does not pass `{ stackTrace: true }`, so constructs records no trace and
 * the field is left out. This wraps Node.prototype.addMetadata (the constructs copy both frameworks
 * share) so that exactly that entry gets a short trace: the app's own frames, repository-relative. The
 * normalizer reads it back from the JSON (src/normalize/creation-site.ts), so `check cdktf.out` after
 * `cdktf synth` gets the same lines as applyGuard.
 */

/** Set to 0, false or off (before constructs are created) to record nothing: findings stay on cdk.tf.json lines. */
export const CREATION_LINES_ENV = "APPRUNNER_GUARD_TS_LINES";
/** cdktf's own switch, set by `new App({ stackTraces: false })`: honoured here too. */
const CDKTF_DISABLE_STACK_TRACE = "@cdktf/disable_stack_trace_in_metadata";
/** The entry cdktf's TerraformElement adds and later serializes. */
const CDKTF_TRACE_ENTRY = "stacktrace";
/**
 * Frames V8 collects per construct. A resource inside one of our constructs is several frames below
 * the app line (provider class, TerraformResource, TerraformElement, our construct and the one that
 * made it); 40 leaves room for construct libraries nesting deeper while keeping the capture cheap.
 */
const FRAMES_COLLECTED = 40;
/** Frames kept per element: the creating line and two callers, for a reader of cdk.tf.json. */
const FRAMES_KEPT = 3;
const INSTALLED = Symbol.for("apprunner-guard/creation-lines");

/** Where this package's own code lives: a frame there is not the app's, so the search goes on to its caller. */
const OWN_CODE = ["modules", "src", "dist"].map((dir) => join(packageRoot, dir) + sep);

let root: string | undefined;

/** Installs the recorder once per constructs copy; later imports (cdktf and cdktn entry points both call it) do nothing. */
export function recordCreationLines(): void {
  const proto = Node.prototype as Node & { [INSTALLED]?: true };
  if (proto[INSTALLED]) return;
  const addMetadata = proto.addMetadata;
  const recordingAddMetadata = function (this: Node, type: string, data: unknown, options: MetadataOptions = {}): void {
    // A trace someone asked for (a cdktf that passes stackTrace: true, an override) is theirs to keep.
    if (type === CDKTF_TRACE_ENTRY && !options.stackTrace && !options.stackTraceOverride?.length && enabled(this)) {
      const frames = appFrames(recordingAddMetadata);
      if (frames.length > 0) return addMetadata.call(this, type, data, { ...options, stackTraceOverride: frames });
    }
    return addMetadata.call(this, type, data, options);
  };
  Object.defineProperty(proto, INSTALLED, { value: true });
  proto.addMetadata = recordingAddMetadata;
}

function enabled(node: Node): boolean {
  const env = process.env[CREATION_LINES_ENV]?.trim().toLowerCase();
  if (env === "0" || env === "false" || env === "off") return false;
  return !node.tryGetContext(CDKTF_DISABLE_STACK_TRACE);
}

/**
 * The app's frames above `below`, each as `function (path:line:column)` with the path relative to the
 * repository root. Formatting a whole trace is the expensive part (measured under tsx: about 0.1 ms a
 * capture through Node's source-map-aware formatter, a quarter of that for raw call sites), so the
 * frames are taken raw, as V8 call sites, and only the few that are the app's get a TypeScript position: from
 * Node's source map of the file (tsx, --enable-source-maps) when it has one, else from the formatter
 * Error.prepareStackTrace holds (a test runner maps there), else as V8 gives them (plain JavaScript).
 */
function appFrames(below: (...args: never[]) => unknown): string[] {
  const format = Error.prepareStackTrace;
  const holder: { stack?: unknown } = {};
  const limit = Error.stackTraceLimit;
  let sites: NodeJS.CallSite[];
  try {
    Error.stackTraceLimit = FRAMES_COLLECTED;
    Error.prepareStackTrace = (_error, callSites) => callSites;
    Error.captureStackTrace(holder, below);
    sites = Array.isArray(holder.stack) ? (holder.stack as NodeJS.CallSite[]) : [];
  } finally {
    Error.prepareStackTrace = format;
    Error.stackTraceLimit = limit;
  }
  const mine = sites.filter((site) => appFile(site.getFileName() ?? "") !== null).slice(0, FRAMES_KEPT);
  if (mine.length === 0) return [];
  let frames = mine.map(nodeMappedFrame);
  if (frames.some((f) => f === null)) {
    frames = format && format.name !== NODE_FORMATTER ? formattedFrames(format, holder, mine) : mine.map((site) => site.toString());
  }
  const kept: string[] = [];
  for (const frame of frames) {
    const parsed = frame === null ? null : parseTraceFrame(frame);
    // a source map may point a frame out of the repository (a bundled dependency): not the app's line
    const file = parsed ? appFile(parsed.file) : null;
    if (!parsed || file === null) continue;
    const name = frame!.endsWith(")") ? frame!.slice(0, frame!.lastIndexOf(" (")) : "";
    const at = `${file}:${parsed.line}:${parsed.column}`;
    kept.push(name ? `${name} (${at})` : at);
  }
  return kept;
}

/** Node's own formatter (exposed since Node 20); it maps nothing that findSourceMap does not. */
const NODE_FORMATTER = "ErrorPrepareStackTrace";

/** A call site at its original position through Node's source map of its file; null when Node has none. */
function nodeMappedFrame(site: NodeJS.CallSite): string | null {
  const file = site.getFileName();
  const line = site.getLineNumber();
  const column = site.getColumnNumber();
  if (!file || line === null || column === null) return null;
  if (!process.sourceMapsEnabled) return null;
  const entry = findSourceMap(file)?.findEntry(line - 1, column - 1) as { originalSource?: string; originalLine?: number; originalColumn?: number } | undefined;
  if (!entry?.originalSource || entry.originalLine === undefined || entry.originalColumn === undefined) return null;
  const raw = site.toString();
  const name = raw.endsWith(")") ? raw.slice(0, raw.lastIndexOf(" (")) : "";
  const at = `${entry.originalSource}:${entry.originalLine + 1}:${entry.originalColumn + 1}`;
  return name ? `${name} (${at})` : at;
}

/** The chosen call sites through a formatter someone installed (vitest's maps its transformed modules). */
function formattedFrames(format: NonNullable<ErrorConstructor["prepareStackTrace"]>, holder: object, sites: NodeJS.CallSite[]): string[] {
  return String(format(holder as Error, sites))
    .split("\n")
    .filter((line) => /^\s*at\s/.test(line))
    .map((line) => line.replace(/^\s*at\s+/, ""));
}

/** appFile by V8 file name: an app has a few hundred files and every capture asks about the same ones. */
const appFileCache = new Map<string, string | null>();

/** A frame's file as a repository path, or null when it is not the app's code (Node, node_modules, this package, outside the repository). */
function appFile(file: string): string | null {
  let known = appFileCache.get(file);
  if (known === undefined) appFileCache.set(file, (known = repositoryFile(file)));
  return known;
}

function repositoryFile(file: string): string | null {
  let path = file;
  if (path.startsWith("file://")) {
    try {
      path = fileURLToPath(path);
    } catch {
      return null;
    }
  }
  if (!isAbsolute(path) || OWN_CODE.some((dir) => path.startsWith(dir))) return null;
  root ??= repositoryRoot(process.cwd());
  const rel = relative(root, path).split(sep).join("/");
  return isRepositoryPath(rel) ? rel : null;
}
