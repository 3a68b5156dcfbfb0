import type { Report } from "./types.js";

/** Key order is fixed by buildReport, so two runs differ only in generated_at. */
export function renderJson(report: Report): string {
  return JSON.stringify(report, null, 2) + "\n";
}
