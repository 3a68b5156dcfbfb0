// The HTML report in a real browser: headless Chromium (Debian's chromium package, installed by .ci/run)
// renders the report of the bundled insecure example. No console message at all (the report has no
// script, and its CSP turns any injected script or network load into a console error), the verdict and
// every rule id in the rendered DOM, a screenshot as a test artifact, and a PDF ("Save as PDF") whose text
// has the verdict and the input sha256. Artifacts: test-artifacts/ (gitignored).
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { beforeAll, describe, expect, test } from "vitest";
import { buildInsecureApp } from "../../examples/insecure-app.js";
import { runCheck } from "../../src/check.js";
import { renderHtml } from "../../src/report/html.js";
import type { Report } from "../../src/report/types.js";
import { repoRoot } from "../helpers/paths.js";

const CHROMIUM = "/usr/bin/chromium";
const hasChromium = existsSync(CHROMIUM);
const hasPdftotext = existsSync("/usr/bin/pdftotext");
if (!hasChromium) console.log(`[browser] ${CHROMIUM} is absent: skipping the HTML report browser test (.ci/run installs chromium)`);

const artifacts = join(repoRoot, "test-artifacts");

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** One headless Chromium run with its own profile; console messages go to stderr (--enable-logging). */
function chromium(args: string[]): Run {
  const profile = mkdtempSync(join(tmpdir(), "ag-chromium-"));
  const r = spawnSync(
    CHROMIUM,
    ["--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", "--hide-scrollbars", "--enable-logging=stderr", "--v=0", `--user-data-dir=${profile}`, ...args],
    { encoding: "utf8", timeout: 90_000, maxBuffer: 64 * 1024 * 1024 },
  );
  return { code: r.status, stdout: r.stdout ?? "", stderr: r.stderr ?? "" };
}

/** The console messages Chromium logged (INFO:CONSOLE lines: console.*, CSP violations, script errors). */
function consoleMessages(stderr: string): string[] {
  return stderr.split("\n").filter((line) => /:CONSOLE[:(]/.test(line));
}

function textOf(dom: string): string {
  return dom
    .replace(/<style[\s\S]*?<\/style>/g, " ")
    .replace(/<[^>]+>/g, " ")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, "&")
    .replace(/\s+/g, " ");
}

describe.skipIf(!hasChromium)("the HTML report in headless Chromium", () => {
  let report: Report;
  let htmlPath: string;
  let url: string;

  beforeAll(async () => {
    const out = mkdtempSync(join(tmpdir(), "ag-browser-"));
    buildInsecureApp(out);
    report = await runCheck({ paths: [out], now: new Date("2026-11-23T00:00:00Z") });
    mkdirSync(artifacts, { recursive: true });
    htmlPath = join(artifacts, "insecure-example.report.html");
    writeFileSync(htmlPath, renderHtml(report));
    url = pathToFileURL(htmlPath).href;
  });

  test("the console check is real: a page with a script error or a CSP-blocked load is caught", () => {
    const dir = mkdtempSync(join(tmpdir(), "ag-console-"));
    const page = join(dir, "bad.html");
    writeFileSync(page, `<!DOCTYPE html><html><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="default-src 'none'"></head><body><p>x</p><img src="http://203.0.113.1/x.png"></body></html>`);
    const r = chromium(["--dump-dom", pathToFileURL(page).href]);
    expect(r.code).toBe(0);
    expect(consoleMessages(r.stderr).join("\n")).toMatch(/Content Security Policy/);
  });

  test("renders without a console message; the verdict and every rule id are visible", () => {
    expect(report.summary.accepted).toBe(false);
    const r = chromium(["--virtual-time-budget=2000", "--dump-dom", url]);
    expect(r.code, r.stderr).toBe(0);
    expect(consoleMessages(r.stderr)).toEqual([]);
    const text = textOf(r.stdout);
    expect(text).toContain("Verdict REJECTED");
    for (const rule of report.rules) expect(text, `${rule.id} is not in the rendered page`).toContain(rule.id);
    for (const input of report.inputs) expect(text).toContain(input.sha256);
    expect(text).toContain(report.policy.wasm_sha256);
  });

  test("a screenshot is written as a test artifact", () => {
    const png = join(artifacts, "insecure-example.report.png");
    const r = chromium(["--window-size=1280,2200", `--screenshot=${png}`, url]);
    expect(r.code, r.stderr).toBe(0);
    const bytes = readFileSync(png);
    expect(bytes.subarray(1, 4).toString("latin1")).toBe("PNG");
    // width and height from the IHDR chunk
    expect([bytes.readUInt32BE(16), bytes.readUInt32BE(20)]).toEqual([1280, 2200]);
  });

  test.skipIf(!hasPdftotext)("--print-to-pdf gives a PDF whose text has the verdict and the input sha256", () => {
    const pdf = join(artifacts, "insecure-example.report.pdf");
    const r = chromium(["--no-pdf-header-footer", `--print-to-pdf=${pdf}`, url]);
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(pdf).subarray(0, 5).toString("latin1")).toBe("%PDF-");
    const text = execFileSync("pdftotext", ["-layout", pdf, "-"], { encoding: "utf8" });
    expect(text).toContain("REJECTED");
    for (const input of report.inputs) expect(text).toContain(input.sha256);
    const pages = Number(/^Pages:\s+(\d+)$/m.exec(execFileSync("pdfinfo", [pdf], { encoding: "utf8" }))?.[1]);
    expect(pages).toBeGreaterThan(0);
    writeFileSync(join(artifacts, "insecure-example.report.pdf.txt"), `pages: ${pages}\n\n${text}`);
  });
});
