import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { InputError } from "../../src/errors.js";
import { loadConfig, type GuardConfig, type Waiver } from "../../src/load/config.js";
import { globMatch } from "../../src/report/build.js";
import { renderers } from "../../src/report/index.js";
import { goldenReport } from "../helpers/report.js";

const waiver = (w: Partial<Waiver>): Waiver => ({
  rule: "AR-NET-002",
  resource: "aws_apprunner_service.api",
  justification: "port 22 is a health probe shim",
  owner: "api-team",
  expires: "2025-06-30",
  ...w,
});
const reportWith = (waivers: Waiver[], now?: Date) => {
  const config: GuardConfig = { params: {}, waivers };
  return goldenReport({ config, configPath: null, ...(now ? { now } : {}) });
};
const port22 = (r: ReturnType<typeof reportWith>) => r.findings.find((f) => f.rule_id === "AR-NET-002")!;

describe("waiver matching", () => {
  test("an exact rule + address waives the finding: it stays in the report as waived, not blocking", () => {
    const r = reportWith([waiver({ ticket: "SEC-7" })]);
    const f = port22(r);
    expect(f).toMatchObject({ status: "waived", blocking: false });
    expect(f.waiver).toEqual({ ...waiver({ ticket: "SEC-7" }), index: 0 });
    expect(r.waivers[0]).toMatchObject({ state: "active", matched: 1 });
    expect(r.evaluations.find((e) => e.rule_id === "AR-NET-002" && e.resource === "aws_apprunner_service.api")?.status).toBe("waived");
    // AR-SEC-001, the three AR-NET-001 and the AR-META-001 that blocks AR-NET-002 (so rated high) still block.
    expect(r.summary).toMatchObject({ blocking: 5, waived: 1 });
    expect(r.summary.by_severity.high).toEqual({ fail: 4, waived: 1, baselined: 0 });
  });

  test("waiving every blocking finding accepts the plan", () => {
    const r = reportWith([
      waiver({}),
      waiver({ rule: "AR-SEC-001" }),
      waiver({ rule: "AR-NET-001", resource: "*" }),
      waiver({ rule: "AR-META-001", resource: "aws_apprunner_service.worker" }),
    ]);
    expect(r.summary.accepted).toBe(true);
    expect(renderers.text(r, { color: false })).toMatch(/^ACCEPTED/m);
  });

  test("a waiver for another rule or another resource does not waive", () => {
    const r = reportWith([waiver({ rule: "AR-NET-003" }), waiver({ resource: "aws_apprunner_service.worker" })]);
    expect(port22(r).status).toBe("fail");
    expect(r.waivers.map((w) => w.state)).toEqual(["active", "stale"]);
  });

  test.each([
    ["aws_apprunner_service.*", "aws_apprunner_service.api", true],
    ["*", "module.app.aws_iam_role.instance", true],
    ["module.*.aws_iam_role.instance", "module.app.aws_iam_role.instance", true],
    ["aws_apprunner_service.ap?", "aws_apprunner_service.api", true],
    ["aws_apprunner_service.ap", "aws_apprunner_service.api", false],
    ["aws_apprunner_service.api", "aws_apprunner_service.api2", false],
    ["aws_apprunner_service.api", "aws_apprunner_serviceXapi", false],
    ['aws_x.y["a.b"]', 'aws_x.y["a.b"]', true],
    ['aws_x.y["a.b"]', 'aws_x.y["aXb"]', false],
    ["aws_x.y[*]", "aws_x.y[0]", true],
    ["(a|b)+", "a", false],
  ])("glob %s against %s: %s", (pattern, value, expected) => {
    expect(globMatch(pattern, value)).toBe(expected);
  });

  test("one glob waiver can waive several findings and counts each", () => {
    const r = reportWith([waiver({ rule: "AR-NET-001", resource: "aws_apprunner_service.*" })]);
    expect(r.findings.filter((f) => f.rule_id === "AR-NET-001").map((f) => f.status)).toEqual(["waived", "waived", "waived"]);
    expect(r.waivers[0]!.matched).toBe(3);
  });

  test("when two waivers match, the first active one is applied and both count as used", () => {
    const r = reportWith([waiver({ expires: "2025-01-01" }), waiver({ owner: "second" }), waiver({ owner: "third", resource: "*" })]);
    expect(port22(r).waiver?.owner).toBe("second");
    expect(r.waivers.map((w) => [w.state, w.matched])).toEqual([
      ["expired", 1],
      ["active", 1],
      ["active", 1],
    ]);
  });
});

describe("waiver expiry (today comes from now, as a UTC date)", () => {
  test("a waiver is still in force on its expires day", () => {
    const r = reportWith([waiver({ expires: "2025-06-01" })]);
    expect(port22(r).status).toBe("waived");
  });

  test("the day after, it no longer waives: the finding blocks again and the waiver is reported as expired", () => {
    const r = reportWith([waiver({ expires: "2025-05-31" })]);
    expect(port22(r)).toMatchObject({ status: "fail", blocking: true, waiver: null });
    expect(r.waivers[0]).toMatchObject({ state: "expired", matched: 1 });
    expect(r.summary.expired_waivers).toBe(1);
    expect(renderers.text(r, { color: false })).toContain("waiver 0 (AR-NET-002 on aws_apprunner_service.api, owner api-team) expired on 2025-05-31");
    expect(renderers.markdown(r)).toContain("expired on 2025-05-31 and no longer waives");
    const sarif = JSON.parse(renderers.sarif(r));
    expect(sarif.runs[0].invocations[0].toolConfigurationNotifications[0].descriptor.id).toBe("expired-waiver");
    expect(renderers.junit(r)).toContain('type="expired-waiver"');
  });

  test("the UTC day decides: 23:30 in New York on the expires day is already the next day", () => {
    const r = reportWith([waiver({ expires: "2025-06-01" })], new Date("2025-06-01T23:30:00-04:00"));
    expect(port22(r).status).toBe("fail");
  });

  test("an expired waiver that matches nothing is reported as expired, not stale", () => {
    const r = reportWith([waiver({ expires: "2024-01-01", resource: "aws_nothing.here" })]);
    expect(r.waivers[0]!.state).toBe("expired");
    expect(r.summary).toMatchObject({ expired_waivers: 1, stale_waivers: 0 });
  });
});

describe("stale waivers", () => {
  test("a waiver that matches no finding is reported as stale and does not change the verdict", () => {
    const without = reportWith([]);
    const r = reportWith([waiver({ resource: "aws_apprunner_service.gone" })]);
    expect(r.waivers[0]).toMatchObject({ state: "stale", matched: 0 });
    expect(r.summary.stale_waivers).toBe(1);
    expect(r.summary.accepted).toBe(without.summary.accepted);
    expect(renderers.text(r, { color: false })).toContain("waiver 0 (AR-NET-002 on aws_apprunner_service.gone) matches no finding; remove it");
    expect(renderers.markdown(r)).toContain("matches no finding; remove it");
    expect(renderers.junit(r)).toContain('type="stale-waiver"');
  });
});

describe("bad waiver files: one clear line, an input error (exit 2)", () => {
  const dir = mkdtempSync(join(tmpdir(), "ag-waivers-"));
  const file = (name: string, content: unknown) => {
    const path = join(dir, name);
    writeFileSync(path, typeof content === "string" ? content : JSON.stringify(content));
    return path;
  };
  const good = { rule: "AR-NET-002", resource: "aws_apprunner_service.api", justification: "j", owner: "o", expires: "2025-06-30" };

  test.each([
    ["missing owner", { waivers: [{ ...good, owner: undefined }] }, /waivers\/0 must have required property 'owner'/],
    ["empty justification", { waivers: [{ ...good, justification: "" }] }, /waivers\/0\/justification must NOT have fewer than 1 characters/],
    ["expires not a date", { waivers: [{ ...good, expires: "next week" }] }, /waivers\/0\/expires must match format "date"/],
    ["expires not a calendar date", { waivers: [{ ...good, expires: "2025-02-30" }] }, /waivers\/0\/expires must match format "date"/],
    ["rule id malformed", { waivers: [{ ...good, rule: "net-002" }] }, /waivers\/0\/rule must match pattern/],
    ["unknown key", { waivers: [{ ...good, reason: "x" }] }, /unexpected key "reason"/],
    ["waivers not a list", { waivers: { ...good } }, /\/waivers must be array/],
    ["not JSON", "{ waivers: [", /config is not valid JSON/],
  ])("%s", (name, content, message) => {
    const path = file(`${name.replace(/\W+/g, "-")}.json`, content);
    let error: unknown;
    try {
      loadConfig(path);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message.startsWith(path)).toBe(true);
    expect((error as Error).message).not.toContain("\n");
  });

  test("a waiver naming a rule the bundle does not have is refused, listing the valid ids", () => {
    const path = file("unknown-rule.json", { waivers: [{ ...good, rule: "AR-NET-999" }] });
    const config = loadConfig(path);
    expect(() => goldenReport({ config, configPath: path })).toThrow(InputError);
    expect(() => goldenReport({ config, configPath: path })).toThrow(
      new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: invalid config: waiver 0 names rule AR-NET-999, which rule set 1.0.0-golden does not have \\(valid: AR-IAM-001, .*AR-SEC-004\\)$`),
    );
  });
});
