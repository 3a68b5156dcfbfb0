import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";
import { App } from "cdktf";
import { App as CdktnApp, TerraformStack as CdktnStack } from "cdktn";
import { ApprunnerService as CdktnApprunnerService } from "@cdktn/provider-aws/lib/apprunner-service/index.js";
import { AwsProvider as CdktnAwsProvider } from "@cdktn/provider-aws/lib/provider/index.js";
import { afterEach, describe, expect, test } from "vitest";
import { buildApp } from "../../examples/app.js";
import { INSECURE_STACK, InsecureStack } from "../../examples/insecure-app.js";
import { runCheck } from "../../src/check.js";
import { applyGuard, CREATION_LINES_ENV } from "../../src/cdktf/index.js";
import { applyGuard as applyCdktnGuard } from "../../src/cdktn/index.js";
import { creationSite, parseTraceFrame } from "../../src/normalize/creation-site.js";
import { renderers } from "../../src/report/index.js";
import type { Report, ReportFinding } from "../../src/report/types.js";
import { repoRoot } from "../helpers/paths.js";

const NOW = new Date("2026-01-01T00:00:00Z");
const INSECURE_FILE = "examples/insecure-app.ts";
const APP_FILE = "examples/app.ts";
const THIS_FILE = "test/cdktf/ts-lines.test.ts";
const outdir = () => mkdtempSync(join(tmpdir(), "ag-ts-lines-"));

/** The 1-based line of `new SomeClass(<scope>, "<id>"` in a repository file, found in its text (never hard-coded). */
function creationLine(file: string, id: string, scope = "this"): number {
  const lines = readFileSync(join(repoRoot, file), "utf8").split("\n");
  const pattern = new RegExp(`new \\w+\\(${scope}, "${id}"`);
  const hits = lines.flatMap((l, i) => (pattern.test(l) ? [i + 1] : []));
  expect(hits, `${file}: one \`new …(${scope}, "${id}"\``).toHaveLength(1);
  return hits[0]!;
}

/** Synthesizes examples/insecure-app.ts with applyGuard (synth fails: it breaks every rule) and returns the guard's report. */
function synthInsecure(dir: string, appOptions: { stackTraces?: boolean } = {}): Report {
  const app = new App({ outdir: dir, ...appOptions });
  new InsecureStack(app, INSECURE_STACK);
  const guard = applyGuard(app, { now: NOW });
  let message = "";
  try {
    app.synth();
  } catch (error) {
    message = (error as Error).message;
  }
  expect(message).toMatch(/apprunner-guard REJECTED/);
  expect(guard.report).toBeDefined();
  // the synth error names the line too, when there is one
  const service = guard.report!.findings.find((f) => f.blocking && f.resource === "aws_apprunner_service.Service")!;
  expect(message).toContain(`${service.rule_id} (${service.severity}) aws_apprunner_service.Service [${INSECURE_STACK}/Service]${service.location.file === INSECURE_FILE ? ` at ${INSECURE_FILE}:${service.location.line}` : ""}: `);
  return guard.report!;
}

/** The construct id under the insecure stack ("apprunner-insecure/Service" → "Service"). */
const constructId = (f: ReportFinding) => f.location.construct_path!.split("/")[1]!;

const stackJson = (dir: string, stack: string) => JSON.parse(readFileSync(join(dir, "stacks", stack, "cdk.tf.json"), "utf8"));

// The switch-off tests set the variable; every other test runs with it as the run was started.
const envAtStart = process.env[CREATION_LINES_ENV];
afterEach(() => {
  if (envAtStart === undefined) delete process.env[CREATION_LINES_ENV];
  else process.env[CREATION_LINES_ENV] = envAtStart;
});

describe("cdktf findings on the TypeScript line that created the resource", () => {
  test("insecure-app: every finding is on the line of its `new …(this, id)` in examples/insecure-app.ts", () => {
    const report = synthInsecure(outdir());
    expect(report.findings.length).toBeGreaterThan(0);
    const ids = new Set<string>();
    for (const f of report.findings) {
      const id = constructId(f);
      ids.add(id);
      expect(f.location, `${f.rule_id} ${f.resource}`).toEqual({ file: INSECURE_FILE, line: creationLine(INSECURE_FILE, id), construct_path: `${INSECURE_STACK}/${id}` });
    }
    // the service, the role, its inline policy, the attachment and the parameter each have findings, on different lines
    expect([...ids].sort()).toEqual(expect.arrayContaining(["Admin", "InstancePolicy", "Service"]));
    expect(new Set([...ids].map((id) => creationLine(INSECURE_FILE, id))).size).toBe(ids.size);
  });

  test("the trace is in cdk.tf.json, so `check cdktf.out` after synth gives the same lines as applyGuard", async () => {
    const dir = outdir();
    const fromGuard = synthInsecure(dir);
    const service = stackJson(dir, INSECURE_STACK).resource.aws_apprunner_service.Service["//"].metadata;
    // app frames only, repository-relative: the creating line first, then its callers (buildInsecureApp is not used here, the test is)
    expect(service.stackTrace[0]).toMatch(new RegExp(`^new InsecureStack \\(${INSECURE_FILE}:${creationLine(INSECURE_FILE, "Service")}:\\d+\\)$`));
    expect(service.stackTrace[1]).toMatch(/^synthInsecure \(test\/cdktf\/ts-lines\.test\.ts:\d+:\d+\)$/);
    for (const frame of service.stackTrace) expect(frame).not.toMatch(/node_modules|^\/|\(\//);

    const stackFile = relative(process.cwd(), join(dir, "stacks", INSECURE_STACK, "cdk.tf.json"));
    const fromCli = await runCheck({ paths: [stackFile], now: NOW });
    const where = (r: Report) => r.findings.map((f) => `${f.rule_id} ${f.resource} ${f.location.file}:${f.location.line}`);
    expect(where(fromCli)).toEqual(where(fromGuard));
  });

  test("run as `cdktf synth` runs it (tsx, Node's source maps), the lines are the same", async () => {
    const dir = outdir();
    const runner = join(repoRoot, "test", "fixtures", "cdktf-ts-lines", "synth-insecure.ts");
    await new Promise<void>((done, fail) =>
      execFile(process.execPath, ["--import", "tsx", runner, dir], { cwd: repoRoot, env: { ...process.env, CHECKPOINT_DISABLE: "1" } }, (error) => (error ? fail(error) : done())),
    );
    const resources = stackJson(dir, INSECURE_STACK).resource as Record<string, Record<string, { "//": { metadata: { stackTrace?: unknown } } }>>;
    const sites = Object.values(resources).flatMap((byName) => Object.entries(byName).map(([id, body]) => [id, creationSite(body["//"].metadata.stackTrace)] as const));
    expect(sites.length).toBeGreaterThanOrEqual(5);
    for (const [id, site] of sites) expect(site, id).toEqual({ file: INSECURE_FILE, line: creationLine(INSECURE_FILE, id) });
  });

  test("JSON, SARIF and text reports show examples/insecure-app.ts:LINE (SARIF relative to %SRCROOT%)", () => {
    const dir = outdir();
    const report = synthInsecure(dir);
    const written = JSON.parse(readFileSync(join(dir, "apprunner-guard", "report.json"), "utf8")) as Report;
    expect(written.findings.map((f) => f.location)).toEqual(report.findings.map((f) => f.location));

    const sarif = JSON.parse(readFileSync(join(dir, "apprunner-guard", "report.sarif"), "utf8"));
    const run = sarif.runs[0];
    expect(run.originalUriBaseIds["%SRCROOT%"].description.text).toMatch(/cdktf app code/);
    expect(run.results).toHaveLength(report.findings.length);
    for (const result of run.results) {
      const construct = result.locations[0].logicalLocations.find((l: { kind: string }) => l.kind === "module").fullyQualifiedName as string;
      expect(result.locations[0].physicalLocation).toEqual({
        artifactLocation: { uri: INSECURE_FILE, uriBaseId: "%SRCROOT%" },
        region: { startLine: creationLine(INSECURE_FILE, construct.split("/")[1]!) },
      });
    }

    const text = renderers.text(report, { color: false });
    for (const id of ["InstancePolicy", "Admin", "Service"]) {
      expect(text).toContain(`[${INSECURE_STACK}/${id}]  ${INSECURE_FILE}:${creationLine(INSECURE_FILE, id)}`);
    }
    expect(renderers.markdown(report)).toContain(`at \`${INSECURE_FILE}:${creationLine(INSECURE_FILE, "Service")}\``);
    expect(JSON.parse(renderers.gitlab(report))[0].location).toEqual({ path: INSECURE_FILE, lines: { begin: creationLine(INSECURE_FILE, report.findings[0]!.location.construct_path!.split("/")[1]!) } });
  });

  test("a resource made inside an apprunner-guard construct points at the app line that created that construct", () => {
    const dir = outdir();
    const app = buildApp(dir);
    applyGuard(app, { now: NOW, reportDir: false });
    app.synth();
    const sites = new Map<string, ReturnType<typeof creationSite>>();
    for (const resources of Object.values(stackJson(dir, "apprunner-api").resource as Record<string, Record<string, { "//": { metadata: { path: string; stackTrace?: unknown } } }>>)) {
      for (const body of Object.values(resources)) sites.set(body["//"].metadata.path, creationSite(body["//"].metadata.stackTrace));
    }
    // modules/app-runner-service.ts makes the service, its roles and policies: all on examples/app.ts's `new AppRunnerService(this, "Api"`
    const api = { file: APP_FILE, line: creationLine(APP_FILE, "Api") };
    const underApi = [...sites.keys()].filter((p) => p.startsWith("apprunner-api/Api/"));
    expect(underApi.length).toBeGreaterThanOrEqual(3);
    for (const path of underApi) expect(sites.get(path), path).toEqual(api);
    // a construct given as a prop is created on its own line, before the service
    const scaling = [...sites.keys()].find((p) => p.startsWith("apprunner-api/Scaling/"))!;
    expect(sites.get(scaling)).toEqual({ file: APP_FILE, line: creationLine(APP_FILE, "Scaling") });
    // a raw provider resource made in a helper function: the helper's line
    expect(sites.get("apprunner-api/Vpc")).toEqual({ file: APP_FILE, line: creationLine(APP_FILE, "Vpc", "scope") });
  });

  test("cdktn: the same lines for a CDK Terrain app", () => {
    const dir = outdir();
    const app = new CdktnApp({ outdir: dir });
    const stack = new CdktnStack(app, "terrain");
    new CdktnAwsProvider(stack, "aws", { region: "eu-west-1" });
    new CdktnApprunnerService(stack, "Api", {
      serviceName: "terrain-api",
      sourceConfiguration: { imageRepository: { imageIdentifier: "public.ecr.aws/x/y:latest", imageRepositoryType: "ECR_PUBLIC", imageConfiguration: { port: "22" } } },
    });
    const guard = applyCdktnGuard(app, { now: NOW, reportDir: false });
    expect(() => app.synth()).toThrow(/apprunner-guard REJECTED/);
    const findings = guard.report!.findings;
    expect(findings.length).toBeGreaterThan(0);
    for (const f of findings) expect(f.location).toEqual({ file: THIS_FILE, line: creationLine(THIS_FILE, "Api", "stack"), construct_path: "terrain/Api" });
  });
});

describe("switched off: findings stay on the cdk.tf.json line, as before", () => {
  const fallback = (dir: string, report: Report) => {
    const stackFile = join(dir, "stacks", INSECURE_STACK, "cdk.tf.json");
    const json = readFileSync(stackFile, "utf8");
    expect(json).not.toContain("stackTrace");
    const lines = json.split("\n");
    expect(report.findings.length).toBeGreaterThan(0);
    for (const f of report.findings) {
      const id = constructId(f);
      // as the guard shows paths: relative to the working directory when inside it, else absolute
      expect(resolve(f.location.file)).toBe(stackFile);
      expect(f.location.construct_path).toBe(`${INSECURE_STACK}/${id}`);
      // the resource's own block in the JSON: `"<id>": {` under its type
      expect(lines[f.location.line! - 1]!.trim(), f.resource).toBe(`"${f.resource.split(".")[1]}": {`);
    }
    const sarif = JSON.parse(renderers.sarif(report));
    expect(sarif.runs[0].originalUriBaseIds).toBeUndefined();
    expect(sarif.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uriBaseId).toBeUndefined();
  };

  test(`${CREATION_LINES_ENV}=off`, () => {
    process.env[CREATION_LINES_ENV] = "off";
    const dir = outdir();
    fallback(dir, synthInsecure(dir));
  });

  test("cdktf's own switch, new App({ stackTraces: false })", () => {
    const dir = outdir();
    fallback(dir, synthInsecure(dir, { stackTraces: false }));
  });
});

describe("reading a recorded trace", () => {
  test("the first repository frame wins; absolute, node_modules, node: and climbing frames are not the app's", () => {
    expect(
      creationSite([
        "new TerraformElement (/abs/node_modules/cdktf/lib/terraform-element.js:25:19)",
        "node:internal/main:1:1",
        "new X (../outside.ts:3:1)",
        "new Y (vendor/node_modules/z.js:1:1)",
        "new ApiStack (examples/app.ts:120:20)",
        "later (examples/app.ts:220:3)",
      ]),
    ).toEqual({ file: "examples/app.ts", line: 120 });
    expect(creationSite(["/abs/examples/app.ts:1:1", "C:\\x\\app.ts:1:1", "file:///x/app.ts:1:1"])).toBeNull();
    expect(creationSite("examples/app.ts:1:1")).toBeNull();
    expect(creationSite([42, null, "examples/app.ts:0:1", "examples/\u0000app.ts:2:1"])).toBeNull();
    expect(creationSite(["x".repeat(5000) + ".ts:1:1"])).toBeNull();
    expect(parseTraceFrame("lib/app.ts:7:9")).toEqual({ file: "lib/app.ts", line: 7, column: 9 });
    expect(parseTraceFrame("new Foo (my stack/app.ts:7:9)")).toEqual({ file: "my stack/app.ts", line: 7, column: 9 });
  });
});
