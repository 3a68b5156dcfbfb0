import { readFileSync } from "node:fs";
import { join } from "node:path";
import { InputError } from "./errors.js";
import { packageRoot } from "./paths.js";

/**
 * Facts about this run that every floor may print but none should fetch for itself: the tool's version and
 * the pinned "now". The environment is handed in by whoever owns the process (the CLI's main, the synth-time
 * guard), so the stages below them never read process.env for it. (APPRUNNER_GUARD_PARTITION in
 * evaluate/engine.ts is a benchmark switch, not a fact of the run, and stays where it is used.)
 */

let cachedVersion: string | undefined;

/** The package's own version, read once from its package.json (the same from src/ and from dist/). */
export function toolVersion(): string {
  cachedVersion ??= (JSON.parse(readFileSync(join(packageRoot, "package.json"), "utf8")) as { version: string }).version;
  return cachedVersion;
}

/** The variables this module reads, so a caller can pass a plain object in tests. */
export interface AboutEnv {
  APPRUNNER_GUARD_NOW?: string | undefined;
}

/**
 * APPRUNNER_GUARD_NOW pins "today" for waiver expiry and generated_at (reproducible reports, tests).
 * Unset or empty: undefined, and the caller uses the real clock.
 */
export function nowFrom(env: AboutEnv): Date | undefined {
  const value = env.APPRUNNER_GUARD_NOW;
  if (value === undefined || value === "") return undefined;
  // Only a calendar date or a full ISO 8601 timestamp, on a day that exists: V8 alone would read "1" as
  // 2001-01-01 and "2025-02-30" as 2 March, and a wrong "today" re-activates expired waivers.
  const match = /^(\d{4}-\d{2}-\d{2})(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$/.exec(value);
  const day = match?.[1] ?? "";
  const date = new Date(match?.[2] ? value : `${day}T00:00:00Z`);
  const midnight = new Date(`${day}T00:00:00Z`);
  const dayExists = !Number.isNaN(date.getTime()) && !Number.isNaN(midnight.getTime()) && midnight.toISOString().startsWith(day);
  if (!match || !dayExists) {
    throw new InputError("APPRUNNER_GUARD_NOW", `"${value}" is not a date; use YYYY-MM-DD or an ISO 8601 timestamp such as 2025-06-01T12:00:00Z`);
  }
  return date;
}
