import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, test } from "vitest";
import { NO_SERVICES_NOTE } from "../../src/report/build.js";
import { cli, ensureBuilt } from "../helpers/cli.js";

const NO_SERVICE = "test/fixtures/pkg-no-service/main.tf.json";
const version = (JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string }).version;

beforeAll(() => ensureBuilt());

describe.concurrent("CLI manners: --help / -h and --version / -v at every level", () => {
  test.each([
    [["--help"]],
    [["-h"]],
    [["check", "--help"]],
    [["check", "-h"]],
    [["check", "plan.json", "--help"]],
    [["rules", "--help"]],
    [["explain", "--help"]],
    [["explain", "-h"]],
  ])("%j prints help and exits 0 without checking", async (args) => {
    const r = await cli(args);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
    expect(r.stdout).toMatch(/--help/);
    expect(r.stdout).not.toMatch(/ACCEPTED|REJECTED|undefined/);
  });

  test("check --help names the check options; explain --help the rule id, not \"explain undefined\"", async () => {
    const [check, explain] = await Promise.all([cli(["check", "--help"]), cli(["explain", "--help"])]);
    expect(check.stdout).toMatch(/--report-dir/);
    expect(check.stdout).toMatch(/--require-services/);
    expect(explain.stdout).toMatch(/rule-id/);
  });

  test.each([[["--version"]], [["-v"]], [["check", "--version"]], [["check", "-v"]], [["explain", "--version"]], [["rules", "-v"]]])(
    "%j prints the version and exits 0",
    async (args) => {
      const r = await cli(args);
      expect(r).toEqual({ code: 0, stdout: `${version}\n`, stderr: "" });
    },
  );

  test("check --help --report-dir writes no report", async () => {
    const dir = join(mkdtempSync(join(tmpdir(), "pkg-help-")), "reports");
    const r = await cli(["check", NO_SERVICE, "--report-dir", dir, "--help"]);
    expect(r.code).toBe(0);
    expect(existsSync(dir)).toBe(false);
    const v = await cli(["check", NO_SERVICE, "--report-dir", dir, "-v"]);
    expect(v.code).toBe(0);
    expect(existsSync(dir)).toBe(false);
  });
});

describe.concurrent("a run with no App Runner service says so", () => {
  test.each(["text", "markdown", "html"])("in %s", async (format) => {
    const r = await cli(["check", NO_SERVICE, "--format", format]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(NO_SERVICES_NOTE);
  });

  test("in json (summary.services = 0), sarif (an execution notification) and junit (a skipped case)", async () => {
    const [json, sarif, junit] = await Promise.all(["json", "sarif", "junit"].map((format) => cli(["check", NO_SERVICE, "--format", format])));
    expect((JSON.parse(json!.stdout) as { summary: { services: number } }).summary.services).toBe(0);
    const run = (JSON.parse(sarif!.stdout) as { runs: { invocations: { toolExecutionNotifications?: { message: { text: string } }[] }[] }[] }).runs[0]!;
    expect(run.invocations[0]!.toolExecutionNotifications?.map((n) => n.message.text)).toEqual([NO_SERVICES_NOTE]);
    expect(junit!.stdout).toContain(`<skipped message="${NO_SERVICES_NOTE}"/>`);
  });

  test("a run with services does not carry the note, and counts them", async () => {
    const r = await cli(["check", "test/fixtures/plans/secure-public.json", "--format", "json"]);
    expect(r.stdout).not.toContain(NO_SERVICES_NOTE);
    expect((JSON.parse(r.stdout) as { summary: { services: number } }).summary.services).toBe(1);
  });

  test("--require-services: exit 1 with one line when there is none, no effect when there is one", async () => {
    const [none, some] = await Promise.all([
      cli(["check", NO_SERVICE, "--require-services"]),
      cli(["check", "test/fixtures/plans/secure-public.json", "--require-services"]),
    ]);
    expect(none.code).toBe(1);
    expect(none.stderr).toBe("apprunner-guard: --require-services: the inputs contain no aws_apprunner_service, so nothing was checked\n");
    expect(some.code).toBe(0);
  });
});

describe("SARIF names where the tool is documented", () => {
  test("driver.informationUri is the package homepage", async () => {
    const r = await cli(["check", "test/fixtures/plans/secure-public.json", "--format", "sarif"]);
    const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { homepage: string };
    expect((JSON.parse(r.stdout) as { runs: { tool: { driver: { informationUri: string } } }[] }).runs[0]!.tool.driver.informationUri).toBe(pkg.homepage);
  });
});
