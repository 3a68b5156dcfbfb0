import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { InputError } from "../errors.js";
import { REPORT_FILES, renderers, type Format } from "./index.js";
import type { Report } from "./types.js";

/** Writes report.json, report.sarif, report.junit.xml and report.md from one report; returns their paths. */
export function writeReportDir(dir: string, report: Report): string[] {
  const written: string[] = [];
  try {
    mkdirSync(dir, { recursive: true });
    for (const [format, file] of Object.entries(REPORT_FILES) as [Format, string][]) {
      const path = join(dir, file);
      writeFileSync(path, renderers[format](report, { color: false }));
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
  const date = new Date(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value);
  if (Number.isNaN(date.getTime())) {
    throw new InputError("APPRUNNER_GUARD_NOW", `"${value}" is not a date; use YYYY-MM-DD or an ISO 8601 timestamp such as 2025-06-01T12:00:00Z`);
  }
  return date;
}
