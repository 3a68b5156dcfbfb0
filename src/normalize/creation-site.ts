/**
 * Where a cdktf construct was created in the app's own code, read from the `stackTrace` that cdktf
 * writes into each element's `//.metadata` in cdk.tf.json. cdktf records no trace by itself (see
 * README.md, "cdktf findings on the TypeScript line"); `apprunner-guard/cdktf` fills it in with the
 * app's frames only, their paths relative to the repository root. A trace of any other shape (absolute paths, frames in
 * node_modules) gives no site, and the finding keeps its place in the JSON.
 */

/** A frame's location: a repository-relative file and a 1-based line. */
export interface CreationSite {
  file: string;
  line: number;
}

/** Longer than any real path; a hostile stack file must not put megabytes into every report line. */
const MAX_FRAME_LENGTH = 2048;

/**
 * `new ApiStack (examples/app.ts:120:20)` or `examples/app.ts:120:20` (V8's two frame shapes, as
 * constructs' captureStackTrace keeps them) → file, line and column. Null when the frame has no
 * `file:line:column` at its end.
 */
export function parseTraceFrame(frame: string): { file: string; line: number; column: number } | null {
  if (frame.length > MAX_FRAME_LENGTH) return null;
  const inParens = /\(([^()]*)\)$/.exec(frame);
  const where = inParens ? inParens[1]! : frame;
  const m = /^(.+):(\d+):(\d+)$/.exec(where);
  if (!m) return null;
  const line = Number(m[2]);
  const column = Number(m[3]);
  if (!Number.isSafeInteger(line) || line < 1) return null;
  return { file: m[1]!, line, column };
}

/**
 * A path the report can give as "relative to the repository root": relative, "/"-separated, not
 * climbing out, not an installed package or a Node built-in, no control characters.
 */
export function isRepositoryPath(file: string): boolean {
  if (file === "" || [...file].some((c) => c < " " || c === "\u007f")) return false;
  if (file.startsWith("/") || file.includes("\\") || /^[A-Za-z][A-Za-z0-9+.-]*:/.test(file)) return false;
  const segments = file.split("/");
  return !segments.includes("..") && !segments.includes("node_modules");
}

/** The first frame of a recorded trace that lies in the repository: the line that created the construct. */
export function creationSite(stackTrace: unknown): CreationSite | null {
  if (!Array.isArray(stackTrace)) return null;
  for (const frame of stackTrace) {
    if (typeof frame !== "string") continue;
    const parsed = parseTraceFrame(frame);
    if (parsed && isRepositoryPath(parsed.file)) return { file: parsed.file, line: parsed.line };
  }
  return null;
}
