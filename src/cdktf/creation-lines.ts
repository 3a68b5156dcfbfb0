import { isAbsolute, join, relative, sep } from "node:path";
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
 * Frames V8 collects per construct. A resource inside one of our constructs is about 12 frames below
 * the app line (provider class, TerraformResource, TerraformElement, Construct, our construct...); 40
 * leaves room for deeper nesting while keeping the capture cheap.
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

/** The app's frames above `below`, each as `function (path:line:column)` with the path relative to the repository root. */
function appFrames(below: (...args: never[]) => unknown): string[] {
  const holder: { stack?: string } = {};
  const limit = Error.stackTraceLimit;
  try {
    Error.stackTraceLimit = FRAMES_COLLECTED;
    Error.captureStackTrace(holder, below);
  } finally {
    Error.stackTraceLimit = limit;
  }
  const kept: string[] = [];
  for (const raw of (holder.stack ?? "").split("\n").slice(1)) {
    const frame = raw.replace(/^\s*at\s+/, "");
    const parsed = parseTraceFrame(frame);
    if (!parsed) continue;
    const file = appFile(parsed.file);
    if (file === null) continue;
    const name = frame.endsWith(")") ? frame.slice(0, frame.lastIndexOf(" (")) : "";
    const at = `${file}:${parsed.line}:${parsed.column}`;
    kept.push(name ? `${name} (${at})` : at);
    if (kept.length === FRAMES_KEPT) break;
  }
  return kept;
}

/** A frame's file as a repository path, or null when it is not the app's code (Node, node_modules, this package, outside the repository). */
function appFile(file: string): string | null {
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
