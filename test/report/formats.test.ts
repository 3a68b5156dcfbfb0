import { describe, expect, test } from "vitest";
import { renderers } from "../../src/report/index.js";
import { toUri } from "../../src/report/sarif.js";
import { attr, text } from "../../src/report/junit.js";
import { code, inline } from "../../src/report/markdown.js";
import { visible } from "../../src/report/text.js";
import type { Report } from "../../src/report/types.js";
import { validator } from "../../src/schemas/ajv.js";
import { goldenReport } from "../helpers/report.js";
import { expectValidJsonReport, expectValidJunit, expectValidSarif } from "./validate.js";
import { all, parseXml } from "./xml.js";

describe("JSON report", () => {
  test("validates against src/schemas/report.v1.schema.json", () => {
    expectValidJsonReport(renderers.json(goldenReport()));
  });

  test("the schema rejects what it must: a waived finding without its waiver, an unknown status, a missing sha256", () => {
    const validate = validator("report.v1");
    const good = JSON.parse(renderers.json(goldenReport())) as Report;
    const waived = good.findings.findIndex((f) => f.status === "waived");
    const broken = [
      (r: Report) => (r.findings[waived]!.waiver = null),
      (r: Report) => ((r.evaluations[0] as { status: string }).status = "ok"),
      (r: Report) => delete (r.inputs[0] as Partial<Report["inputs"][0]>).sha256,
      (r: Report) => ((r as { extra?: number }).extra = 1),
    ];
    for (const breakIt of broken) {
      const copy = structuredClone(good);
      breakIt(copy);
      expect(validate(copy)).toBe(false);
    }
  });

  test("carries the evidence an auditor asks for", () => {
    const r = goldenReport();
    expect(r.tool).toEqual({ name: "apprunner-guard", version: expect.stringMatching(/^\d+\.\d+\.\d+/) });
    expect(r.inputs.map((i) => [i.path, i.kind, i.sha256.length])).toEqual([
      ["test/fixtures/reports/stack.cdk.tf.json", "cdktf-stack", 64],
      ["test/fixtures/reports/plan.json", "terraform-plan", 64],
    ]);
    expect(r.policy).toMatchObject({ rule_set_version: "1.0.0-golden", wasm_sha256: "0".repeat(64) });
    expect(r.parameters).toHaveProperty("forbidden_ports");
    expect(r.rules.every((rule) => Array.isArray(rule.controls))).toBe(true);
    // every rule against every service it applies to, in each input
    expect(r.evaluations.filter((e) => e.rule_id === "AR-NET-002").map((e) => [e.resource, e.status])).toEqual([
      ["aws_apprunner_service.api", "fail"],
      ["aws_apprunner_service.internal", "pass"],
      ["aws_apprunner_service.worker", "cannot-verify"],
      ["aws_apprunner_service.legacy", "pass"],
    ]);
    // "pass" means examined and compliant: the private service is not-applicable to the WAF rule
    const waf = (resource: string) => r.evaluations.find((e) => e.rule_id === "AR-NET-001" && e.resource === resource)?.status;
    expect(waf("aws_apprunner_service.internal")).toBe("not-applicable");
    expect(waf("aws_apprunner_service.worker")).toBe("waived");
    expect(r.frameworks.map((f) => `${f.name} ${f.edition}`)).toEqual(expect.arrayContaining(["NIST SP 800-53 Rev. 5", "PCI DSS v4.0.1"]));
    const ids = new Set(r.frameworks.map((f) => f.id));
    for (const rule of r.rules) for (const m of rule.mappings) expect(ids, `${rule.id} maps to unknown framework ${m.framework}`).toContain(m.framework);
    expect(Object.values(r.summary.evaluations).reduce((a, b) => a + b, 0)).toBe(r.evaluations.length);
  });
});

describe("SARIF", () => {
  const sarif = () => JSON.parse(renderers.sarif(goldenReport()));

  test("validates against the SARIF 2.1.0 subset schema (with GitHub's requirements)", () => {
    expectValidSarif(renderers.sarif(goldenReport()));
  });

  test("one driver rule per rule, with security-severity and controls as tags", () => {
    const run = sarif().runs[0];
    const r = goldenReport();
    expect(run.tool.driver.rules.map((x: { id: string }) => x.id)).toEqual(r.rules.map((x) => x.id));
    const iam1 = run.tool.driver.rules.find((x: { id: string }) => x.id === "AR-IAM-001");
    expect(iam1.properties["security-severity"]).toBe("9.5");
    expect(iam1.properties.tags).toEqual(expect.arrayContaining(["security", "NIST AC-6", "CIS 1.16"]));
    expect(iam1.help.text).toContain("How to fix:");
  });

  test("results point at the file and line, with the construct path and Terraform address as logical locations", () => {
    const result = sarif().runs[0].results.find((x: { ruleId: string }) => x.ruleId === "AR-NET-002");
    expect(result.level).toBe("error");
    expect(result.locations[0].physicalLocation).toEqual({
      artifactLocation: { uri: "test/fixtures/reports/stack.cdk.tf.json", index: 0 },
      region: { startLine: 18 },
    });
    expect(result.locations[0].logicalLocations).toEqual([
      { name: "Resource", fullyQualifiedName: "guarded/Api/Resource", kind: "module" },
      { name: "aws_apprunner_service.api", fullyQualifiedName: "aws_apprunner_service.api", kind: "resource" },
    ]);
    expect(result.suppressions).toBeUndefined();
  });

  test("waived findings are results with an external, accepted suppression carrying the justification", () => {
    const waived = sarif().runs[0].results.filter((x: { suppressions?: unknown }) => x.suppressions);
    expect(waived).toHaveLength(goldenReport().summary.waived);
    expect(waived[0].suppressions).toEqual([
      { kind: "external", status: "accepted", justification: "WAF is attached by the platform stack (see ADR-12) (owner platform-team, expires 2025-12-31, ticket SEC-101)" },
    ]);
  });

  test.each([
    ["plan.json", "plan.json"],
    ["./out/plan.json", "out/plan.json"],
    ["dir with space/cdk.tf.json", "dir%20with%20space/cdk.tf.json"],
    ["/abs/plan.json", "file:///abs/plan.json"],
    ["C:\\work\\plan.json", "file:///C:/work/plan.json"],
  ])("uri of %s is %s", (path, uri) => {
    expect(toUri(path)).toBe(uri);
  });
});

describe("JUnit XML", () => {
  test("parses strictly, and suite counts match the test cases (one per rule × resource)", () => {
    const r = goldenReport();
    expectValidJunit(renderers.junit(r), r);
  });

  test("failures for findings, skipped for waived, cannot-verify and not-applicable, waiver problems in their own suite", () => {
    const root = parseXml(renderers.junit(goldenReport()));
    const cases = all(root, "testsuite").flatMap((s) => all(s, "testcase"));
    const find = (classname: string, name: string) => cases.find((c) => c.attrs.classname === classname && c.attrs.name === name)!;
    expect(all(find("AR-NET-002", "aws_apprunner_service.api"), "failure")[0]!.attrs.type).toBe("high");
    expect(all(find("AR-NET-001", "aws_apprunner_service.api"), "skipped")[0]!.attrs.message).toMatch(/^waived until 2025-12-31 by platform-team/);
    expect(all(find("AR-NET-002", "aws_apprunner_service.worker"), "skipped")[0]!.attrs.message).toMatch(/^cannot verify/);
    expect(find("AR-NET-003", "aws_apprunner_service.internal").children).toEqual([]);
    expect(all(find("AR-NET-001", "aws_apprunner_service.internal"), "skipped")[0]!.attrs.message).toMatch(/^not applicable/);
    expect(all(find("AR-IAM-001", "aws_apprunner_service.api"), "skipped")[0]!.attrs.message).toMatch(/^not applicable/);
    const waivers = all(root, "testsuite").find((s) => s.attrs.name === "apprunner-guard waivers")!;
    expect(all(waivers, "testcase").map((c) => all(c, "failure")[0]?.attrs.type ?? "ok")).toEqual(["ok", "expired-waiver", "stale-waiver", "ok"]);
  });

  test("markup, quotes, ampersands and control characters in messages are escaped and survive a round trip", () => {
    const root = parseXml(renderers.junit(goldenReport()));
    const tagCase = all(root, "testsuite")
      .flatMap((s) => all(s, "testcase"))
      .find((c) => c.attrs.classname === "AR-OPS-003" && c.attrs.name === "aws_apprunner_service.legacy")!;
    const failure = all(tagCase, "failure")[0]!;
    expect(failure.attrs.message).toBe(`aws_apprunner_service.legacy has tag Owner = "team|a" <not a team> & 'owner' \uFFFD \`code\` [link](x) *bold*`);
    expect(failure.text).toContain(`<not a team> & 'owner'`);
  });

  test.each([
    [`a<b>&"c"'d'`, "a&lt;b&gt;&amp;&quot;c&quot;&apos;d&apos;"],
    ["line1\nline2\tx\r", "line1&#10;line2&#9;x&#13;"],
    ["bell\u0007 nul\u0000 ok", "bell\uFFFD nul\uFFFD ok"],
    ["lone \uD800 surrogate", "lone \uFFFD surrogate"],
    ["emoji 🚀 ok", "emoji 🚀 ok"],
  ])("attribute escaping of %j", (input, expected) => {
    expect(attr(input)).toBe(expected);
    expect(parseXml(`<a v="${attr(input)}"/>`).attrs.v).toBe(
      // eslint-disable-next-line no-control-regex -- the expected replacement of exactly these controls
      input.replace(/[\u0000\u0007]/g, "\uFFFD").replace(/\uD800/g, "\uFFFD"),
    );
  });

  test("text escaping keeps newlines and turns ]]> harmless", () => {
    expect(text("a]]>b\nc & <d>")).toBe("a]]&gt;b\nc &amp; &lt;d&gt;");
  });
});

describe("Markdown", () => {
  test("summary first (verdict, counts, blocking with how to fix), then the audit appendix in <details>", () => {
    const md = renderers.markdown(goldenReport());
    const order = ["## apprunner-guard: ❌ **REJECTED**", "| severity | findings | waived |", "### Blocking findings (3)", "How to fix:", "### Waived (4)", "### Waivers to fix (2)", "<details>", "### Controls", "### Evidence", "</details>"];
    const positions = order.map((s) => md.indexOf(s));
    expect(positions.every((p) => p >= 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    expect(md.slice(0, md.indexOf("<details>")).length).toBeLessThan(65_536); // GitHub's comment limit
  });

  test("the appendix lists the frameworks with editions; a private service is not applicable to the WAF rule", () => {
    const md = renderers.markdown(goldenReport());
    expect(md).toContain("| NIST SP 800-53 | Rev. 5 |");
    expect(md).toContain("| PCI DSS | v4.0.1 |");
    expect(md).toContain("| AR-NET-001 | `aws_apprunner_service.internal` | not applicable |");
    expect(md).toContain("| AR-NET-001 | `aws_apprunner_service.worker` | waived |");
  });

  test("every control of every rule has a row in the appendix", () => {
    const r = goldenReport();
    const md = renderers.markdown(r);
    for (const rule of r.rules) for (const control of rule.controls) expect(md).toContain(`| ${control} | ${rule.id} |`);
  });

  test.each([
    ["a|b", "a\\|b"],
    ["<script>&", "&lt;script&gt;&amp;"],
    ["*x* [y](z) `c`", "\\*x\\* \\[y\\](z) \\`c\\`"],
    ["two\nlines", "two lines"],
    ["bell\u0007", "bell\\\\x07"],
  ])("inline escaping of %j", (input, expected) => {
    expect(inline(input)).toBe(expected);
  });

  test("code spans survive backticks and pipes", () => {
    expect(code("a`b")).toBe("``a`b``");
    expect(code("`x")).toBe("`` `x ``");
    expect(code("a|b")).toBe("`a\\|b`");
  });
});

describe("text", () => {
  test("control characters and bidi overrides from the input cannot reach the terminal", () => {
    expect(visible("a\u001b[2Jb\u202Ec\u0007\nd\te")).toBe("a\\x1b[2Jb\\u{202e}c\\x07\nd\te");
    // eslint-disable-next-line no-control-regex -- asserting that no control character reaches the terminal
    expect(renderers.text(goldenReport(), { color: false })).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
  });

  test("no colour codes unless asked", () => {
    expect(renderers.text(goldenReport(), { color: false })).not.toContain("\u001b[");
  });
});

describe("determinism", () => {
  test("two reports at different times differ only in generated_at, in every format", () => {
    const a = goldenReport({ now: new Date("2025-06-01T08:00:00Z") });
    const b = goldenReport({ now: new Date("2025-06-01T20:00:00Z") });
    for (const format of ["json", "sarif", "junit", "markdown", "text"] as const) {
      const ra = renderers[format](a, { color: false }).replaceAll(a.generated_at, "<generated_at>");
      const rb = renderers[format](b, { color: false }).replaceAll(b.generated_at, "<generated_at>");
      expect(ra).toBe(rb);
    }
  });
});
