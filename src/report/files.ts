import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { InputError } from "../errors.js";
import { REPORT_FILES, renderers, type Format } from "./index.js";
import type { Report } from "./types.js";

/** Writes report.json, report.sarif, report.junit.xml, report.md and report.html from one report; returns their paths. */
export function writeReportDir(dir: string, report: Report, options: { sarifCategory?: string } = {}): string[] {
  const written: string[] = [];
  try {
    mkdirSync(dir, { recursive: true });
    for (const [format, file] of Object.entries(REPORT_FILES) as [Format, string][]) {
      const path = join(dir, file);
      writeFileSync(path, renderers[format](report, { color: false, sarifCategory: options.sarifCategory }));
      written.push(path);
    }
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new InputError(dir, `cannot write the reports there: ${reason}`);
  }
  return written;
}

/**
 * APPRUNNER_GUARD_NOW pins "today" for waiver expiry and generated_at (reproducible reports, tests).
 * Unset or empty: undefined (the caller uses the clock).
 */
export function nowFromEnv(value: string | undefined): Date | undefined {
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
