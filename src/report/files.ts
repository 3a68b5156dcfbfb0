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
