import { renderHtml } from "./html.js";
import { renderGitlab } from "./gitlab.js";
import { renderJson } from "./json.js";
import { renderJunit } from "./junit.js";
import { renderMarkdown } from "./markdown.js";
import { renderSarif } from "./sarif.js";
import { renderText } from "./text.js";
import type { Report } from "./types.js";

export type { Report } from "./types.js";
export { buildReport, globMatch, utcDay } from "./build.js";

export interface RenderOptions {
  color: boolean;
  /** SARIF only: the code scanning category (automationDetails.id); default per input set. */
  sarifCategory?: string;
}

/** Every output format, by the name --format takes. */
export const renderers = {
  text: (report: Report, options: RenderOptions) => renderText(report, options),
  json: (report: Report) => renderJson(report),
  sarif: (report: Report, options?: RenderOptions) => renderSarif(report, { category: options?.sarifCategory }),
  junit: (report: Report) => renderJunit(report),
  markdown: (report: Report) => renderMarkdown(report),
  html: (report: Report) => renderHtml(report),
  gitlab: (report: Report) => renderGitlab(report),
} satisfies Record<string, (report: Report, options: RenderOptions) => string>;

export type Format = keyof typeof renderers;
export const FORMATS = Object.keys(renderers) as Format[];

/** What --report-dir writes: one file per machine-readable format, all from the same run. */
export const REPORT_FILES: Partial<Record<Format, string>> = {
  json: "report.json",
  sarif: "report.sarif",
  junit: "report.junit.xml",
  markdown: "report.md",
  html: "report.html",
};
