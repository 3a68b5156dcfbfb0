import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { renderers, type Format } from "../../src/report/index.js";
import { fixtures } from "../helpers/paths.js";
import { goldenDiffReport, goldenReport } from "../helpers/report.js";
import { expectValidJsonReport, expectValidJunit, expectValidSarif } from "./validate.js";

/** Run with UPDATE_GOLDEN=1 to rewrite the files after an intended change; review the diff. */
const update = process.env.UPDATE_GOLDEN === "1";
const FILES: Record<Format, string> = {
  json: "report.json",
  sarif: "report.sarif",
  junit: "report.junit.xml",
  markdown: "report.md",
  html: "report.html",
  text: "report.txt",
  gitlab: "report.gitlab.json",
};

function golden(name: string, actual: string): void {
  const path = fixtures("reports", "golden", name);
  if (update || !existsSync(path)) {
    mkdirSync(fixtures("reports", "golden"), { recursive: true });
    writeFileSync(path, actual);
  }
  expect(actual).toBe(readFileSync(path, "utf8"));
}

describe("golden reports (fixed inputs, findings, rule facts and now)", () => {
  test.each(Object.entries(FILES) as [Format, string][])("%s matches test/fixtures/reports/golden/%s", (format, file) => {
    golden(file, renderers[format](goldenReport(), { color: false }));
  });

  test("text with colour matches its golden file and differs from the plain one only by ANSI codes", () => {
    const colored = renderers.text(goldenReport(), { color: true });
    golden("report.color.txt", colored);
    expect(colored).toContain("\u001b[31m");
    // eslint-disable-next-line no-control-regex -- strips the ESC sequences the colour adds
    expect(colored.replace(/\u001b\[[0-9;]*m/g, "")).toBe(renderers.text(goldenReport(), { color: false }));
  });

  test("building and rendering twice gives identical bytes", () => {
    for (const format of Object.keys(FILES) as Format[]) {
      expect(renderers[format](goldenReport(), { color: false })).toBe(renderers[format](goldenReport(), { color: false }));
    }
  });
});

describe("golden diff-aware reports (two real two-step plans, frozen before/after findings, --changes-only, a baseline)", () => {
  test.each(Object.entries(FILES) as [Format, string][])("%s matches test/fixtures/reports/golden/diff-%s", (format, file) => {
    golden(`diff-${file}`, renderers[format](goldenDiffReport(), { color: false }));
  });

  test("what the diff golden pins: a regression, existing findings that do not block, a baselined one, a stale entry, changes", () => {
    const r = goldenDiffReport();
    expect(r.findings.map((f) => [f.resource, f.delta, f.regression, f.status, f.blocking])).toEqual([
      ["aws_apprunner_service.admin", "introduced", true, "fail", true],
      ["aws_apprunner_service.api", "existing", false, "fail", false],
      ["aws_apprunner_service.status", "existing", false, "baselined", false],
    ]);
    expect(r.baseline!.stale.map((e) => e.rule_id)).toEqual(["AR-OPS-002"]);
    expect(r.changes.map((c) => c.kind)).toEqual(["ingress-removed", "ingress-removed", "made-public"]);
    expect(r.inputs.map((i) => i.accepted)).toEqual([false, true]);
    expectValidJsonReport(renderers.json(r));
    expectValidSarif(renderers.sarif(r));
    expectValidJunit(renderers.junit(r), r);
  });
});
