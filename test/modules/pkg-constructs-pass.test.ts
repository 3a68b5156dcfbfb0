import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App, TerraformStack } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider/index.js";
import { EcrRepository } from "@cdktf/provider-aws/lib/ecr-repository/index.js";
import { beforeAll, describe, expect, test } from "vitest";
import { AppRunnerService, IpAddressType, Source, WafProtection } from "../../modules/index.js";
import type { Report } from "../../src/report/types.js";
import { cli, ensureBuilt } from "../helpers/cli.js";
import { repoRoot } from "../helpers/paths.js";

/**
 * The constructs and the policy pass agree: what a construct accepts with a written-down, owned and
 * expiring justification, the pass reports as waived with that justification; nothing else is waived.
 */
const DIGEST = `sha256:${"3b0c".repeat(16)}`;
const JUSTIFICATION = "served only through CloudFront, whose web ACL filters every request (ADR-7)";

function synthEdge(): string {
  const outdir = mkdtempSync(join(tmpdir(), "pkg-constructs-"));
  const app = new App({ outdir });
  const stack = new TerraformStack(app, "edge");
  new AwsProvider(stack, "aws", { region: "eu-west-1" });
  // The repository is created in the same stack, so its URL is unknown until apply; the digest is not.
  const repository = new EcrRepository(stack, "Repo", { name: "edge", imageTagMutability: "IMMUTABLE" });
  const svc = new AppRunnerService(stack, "Edge", {
    source: Source.fromEcr({ repository, tagOrDigest: DIGEST, imageConfiguration: { port: 8080 } }),
    waf: WafProtection.disabled(JUSTIFICATION, { owner: "edge-team", expires: "2027-06-30", ticket: "SEC-7" }),
    ipAddressType: IpAddressType.DUAL_STACK,
    tags: { Environment: "prod", Owner: "edge-team" },
  });
  svc.addEnvironmentVariable("AUTH_MODE", "oidc", { notASecret: "selects the login flow; holds no credential", owner: "identity-team", expires: "2027-01-31" });
  app.synth();
  return join(outdir, "stacks", "edge", "cdk.tf.json");
}

const check = async (file: string, now: string) => {
  const r = await cli(["check", file, "--format", "json"], { APPRUNNER_GUARD_NOW: now });
  return { code: r.code, stderr: r.stderr, report: r.stdout ? (JSON.parse(r.stdout) as Report) : undefined };
};

let file = "";
beforeAll(() => {
  ensureBuilt();
  file = synthEdge();
});

describe("construct-level justifications become owned, scoped waivers the pass honours", () => {
  test("WafProtection.disabled: AR-NET-001 is reported as waived, with the justification, owner, expiry and construct path", async () => {
    const { code, report } = await check(file, "2026-12-01");
    const waf = report!.findings.filter((f) => f.rule_id === "AR-NET-001");
    expect(waf).toHaveLength(1);
    expect(waf[0]!.status).toBe("waived");
    expect(waf[0]!.waiver).toMatchObject({
      justification: JUSTIFICATION,
      owner: "edge-team",
      expires: "2027-06-30",
      ticket: "SEC-7",
      source: { kind: "construct", construct_path: "edge/Edge/Resource" },
    });
    expect(code).toBe(0);
  });

  test("notASecret: AR-SEC-001 on that one variable is waived with its justification", async () => {
    const { report } = await check(file, "2026-12-01");
    const sec = report!.findings.filter((f) => f.rule_id === "AR-SEC-001");
    expect(sec.map((f) => [f.attribute.split(".").pop(), f.status, f.waiver?.justification])).toEqual([["AUTH_MODE", "waived", "selects the login flow; holds no credential"]]);
  });

  test("the waiver is scoped: a secret added to the same service another way still fails AR-SEC-001", async () => {
    // Another path to the same map (an escape hatch, a hand edit): only AUTH_MODE was justified.
    const doc = JSON.parse(readFileSync(file, "utf8")) as { resource: Record<string, Record<string, any>> };
    const svc = Object.values(doc.resource["aws_apprunner_service"]!)[0]!;
    svc.source_configuration.image_repository.image_configuration.runtime_environment_variables.DB_PASSWORD = "hunter2";
    const leaky = join(mkdtempSync(join(tmpdir(), "pkg-leaky-")), "cdk.tf.json");
    writeFileSync(leaky, JSON.stringify(doc, null, 2));
    const { code, report } = await check(leaky, "2026-12-01");
    const sec = report!.findings.filter((f) => f.rule_id === "AR-SEC-001");
    expect(sec.map((f) => [f.attribute.split(".").pop(), f.status]).sort()).toEqual([["AUTH_MODE", "waived"], ["DB_PASSWORD", "fail"]]);
    expect(code).toBe(1);
  });

  test("an expired construct waiver waives nothing: the finding blocks again and the waiver is reported expired", async () => {
    const { code, report } = await check(file, "2027-07-01");
    expect(report!.findings.find((f) => f.rule_id === "AR-NET-001")!.status).toBe("fail");
    expect(report!.waivers.filter((w) => w.state === "expired").map((w) => w.rule).sort()).toEqual(["AR-NET-001", "AR-SEC-001"]);
    expect(code).toBe(1);
  });

  test("text output shows the construct, owner, expiry and justification of a waived finding", async () => {
    const r = await cli(["check", file], { APPRUNNER_GUARD_NOW: "2026-12-01", NO_COLOR: "1" });
    expect(r.stdout).toContain(`(waived in construct edge/Edge/Resource by edge-team until 2027-06-30: ${JUSTIFICATION})`);
  });

  test("a hand-edited construct waiver without an owner stops the run: exit 2, one line naming the file", async () => {
    const doc = JSON.parse(readFileSync(file, "utf8")) as { resource: Record<string, Record<string, { "//": { apprunner_guard: { waivers: Record<string, unknown>[] } } }>> };
    const [name, svc] = Object.entries(doc.resource["aws_apprunner_service"]!)[0]!;
    delete svc["//"].apprunner_guard.waivers[0]!.owner;
    const broken = join(mkdtempSync(join(tmpdir(), "pkg-broken-")), "cdk.tf.json");
    writeFileSync(broken, JSON.stringify(doc, null, 2));
    const r = await cli(["check", broken]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `apprunner-guard: ${broken}: aws_apprunner_service.${name}: construct waiver 0 has no owner; a construct waiver needs rule, justification, owner and expires (YYYY-MM-DD)\n`,
    );
  });
});

test("a construct waiver naming a rule the bundle does not have stops the run: exit 2, naming the file and resource", async () => {
  const doc = JSON.parse(readFileSync(file, "utf8")) as { resource: Record<string, Record<string, { "//": { apprunner_guard: { waivers: Record<string, unknown>[] } } }>> };
  const [name, svc] = Object.entries(doc.resource["aws_apprunner_service"]!)[0]!;
  svc["//"].apprunner_guard.waivers[0]!.rule = "AR-NET-999";
  const broken = join(mkdtempSync(join(tmpdir(), "pkg-badrule-")), "cdk.tf.json");
  writeFileSync(broken, JSON.stringify(doc, null, 2));
  const r = await cli(["check", broken]);
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(new RegExp(`^apprunner-guard: ${broken.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: aws_apprunner_service\\.${name}: a construct waiver names rule AR-NET-999, which rule set .* does not have \\(valid: AR-IAM-001, .*\\)\n$`));
});

describe("AR-OPS-002 and dual stack, through the constructs", () => {
  test("an image digest after a repository URL unknown until apply is pinned: no AR-OPS-002, no cannot-verify", async () => {
    const svc = Object.values((JSON.parse(readFileSync(file, "utf8")) as { resource: Record<string, Record<string, { source_configuration: { image_repository: { image_identifier: string } } }>> }).resource["aws_apprunner_service"]!)[0]!;
    expect(svc.source_configuration.image_repository.image_identifier).toBe(`\${aws_ecr_repository.Repo.repository_url}@${DIGEST}`);
    const { report } = await check(file, "2026-12-01");
    expect(report!.findings.filter((f) => f.rule_id === "AR-OPS-002" || (f.rule_id === "AR-META-001" && f.blocks.includes("AR-OPS-002")))).toEqual([]);
    expect(report!.evaluations.find((e) => e.rule_id === "AR-OPS-002")!.status).toBe("pass");
  });

  test("the same template with a tag instead of a digest still cannot be verified", async () => {
    const doc = readFileSync(file, "utf8").replace(`@${DIGEST}`, ":v1");
    const tagged = join(mkdtempSync(join(tmpdir(), "pkg-tag-")), "cdk.tf.json");
    writeFileSync(tagged, doc);
    const { report } = await check(tagged, "2026-12-01");
    expect(report!.findings.filter((f) => f.rule_id === "AR-META-001" && f.blocks.includes("AR-OPS-002"))).toHaveLength(1);
  });

  test("ipAddressType DUAL_STACK lands in network_configuration.ip_address_type", () => {
    const svc = Object.values((JSON.parse(readFileSync(file, "utf8")) as { resource: Record<string, Record<string, { network_configuration: Record<string, unknown> }>> }).resource["aws_apprunner_service"]!)[0]!;
    expect(svc.network_configuration).toMatchObject({ ip_address_type: "DUAL_STACK", ingress_configuration: { is_publicly_accessible: true } });
  });
});

test("an app failing on a construct error prints the construct path and the problem once, with no stack frames", async () => {
  const dir = join(repoRoot, "node_modules", ".cache", "apprunner-guard-pkg-errors");
  mkdirSync(dir, { recursive: true });
  const app = join(dir, "app.mjs");
  writeFileSync(
    app,
    [
      'import { App, TerraformStack } from "cdktf";',
      `import { AppRunnerService, Cpu, Memory, Source, WafProtection } from "${join(repoRoot, "dist", "modules", "index.js")}";`,
      'const stack = new TerraformStack(new App(), "api");',
      'new AppRunnerService(stack, "Api", { source: Source.fromEcrPublic({ imageIdentifier: "public.ecr.aws/x/y:1" }), cpu: Cpu.ONE_VCPU, memory: Memory.EIGHT_GB, waf: WafProtection.webAcl("arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/a/b") });',
    ].join("\n"),
  );
  const r = await new Promise<{ code: number; stderr: string }>((resolve) =>
    execFile(process.execPath, [app], { cwd: repoRoot }, (error, _stdout, stderr) => resolve({ code: error ? 1 : 0, stderr })),
  );
  const problem = 'cpu "1 vCPU" cannot pair with memory "8 GB"; allowed: 2 GB, 3 GB, 4 GB';
  expect(r.code).toBe(1);
  expect(r.stderr.split(problem)).toHaveLength(2);
  expect(r.stderr).toContain(`ConstructError: api/Api: ${problem}`);
  expect(r.stderr).not.toMatch(/^\s+at /m);
});
