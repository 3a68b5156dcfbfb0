import { copyFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { runCheck } from "../../src/check.js";
import { loadInputs } from "../../src/load/index.js";
import { normalizeAll } from "../../src/normalize/index.js";
import { buildXstackApp, type XstackOptions } from "../fixtures/cdktf/apps.js";

/**
 * xstack-*: real `cdktf synth` output (the repo's cdktf 0.21) of a two-stack app: the service in stack
 * "xstack-service", the WAF association in stack "xstack-edge", linked by a cdktf cross-stack reference
 * (an output `cross-stack-output-*` in the service stack, `data.terraform_remote_state` in the edge stack).
 */
const root = mkdtempSync(join(tmpdir(), "arg-xstack-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const cache = new Map<string, string>();
function synth(options: XstackOptions): string {
  const name = `xstack-${options.link}-${options.edgeRegion ?? "same-region"}`;
  const hit = cache.get(name);
  if (hit) return hit;
  const outdir = join(root, name, "cdktf.out");
  mkdirSync(outdir, { recursive: true });
  buildXstackApp(outdir, options).synth();
  cache.set(name, outdir);
  return outdir;
}
const serviceStack = (out: string) => join(out, "stacks", "xstack-service", "cdk.tf.json");
const edgeStack = (out: string) => join(out, "stacks", "xstack-edge", "cdk.tf.json");

async function check(paths: string[]) {
  const report = await runCheck({ paths, now: new Date("2026-11-23T00:00:00Z") });
  return {
    report,
    pairs: [...new Set(report.findings.map((f) => `${f.rule_id} ${f.resource}`))].sort(),
    status: (rule: string, resource: string) => report.evaluations.find((e) => e.rule_id === rule && e.resource === resource)?.status,
  };
}

describe("what cdktf 0.21 writes for a cross-stack reference (the facts the reader relies on)", () => {
  test("an output of the ARN in the producer, a remote state named after the producer in the consumer", () => {
    const out = synth({ link: "arn" });
    const producer = JSON.parse(readFileSync(serviceStack(out), "utf8"));
    const consumer = JSON.parse(readFileSync(edgeStack(out), "utf8"));
    expect(producer.output["cross-stack-output-aws_apprunner_serviceServicearn"]).toEqual({ sensitive: true, value: "${aws_apprunner_service.Service.arn}" });
    const remote = consumer.data.terraform_remote_state["cross-stack-reference-input-xstack-service"];
    expect(remote.backend).toBe("local");
    expect(remote.config).toEqual(producer.terraform.backend.local);
    expect(consumer.resource.aws_wafv2_web_acl_association.WebAclAssociation.resource_arn).toBe(
      "${data.terraform_remote_state.cross-stack-reference-input-xstack-service.outputs.cross-stack-output-aws_apprunner_serviceServicearn}",
    );
    const manifest = JSON.parse(readFileSync(join(out, "manifest.json"), "utf8"));
    expect(manifest.stacks["xstack-edge"].dependencies).toEqual(["xstack-service"]);
  });
});

describe("xstack-arn: the edge stack's association references the service's ARN output", () => {
  test("both stacks checked together (the cdktf.out): the link is resolved across stacks, accepted", async () => {
    const out = synth({ link: "arn" });
    const { report, pairs, status } = await check([out]);
    expect(pairs).toEqual([]);
    expect(status("AR-NET-001", "aws_apprunner_service.Service")).toBe("pass");
    expect(report.summary.accepted).toBe(true);
    const [service] = normalizeAll(loadInputs([out])).filter((m) => m.source.stack === "xstack-service");
    const linked = "stack.xstack-edge.aws_wafv2_web_acl_association.WebAclAssociation";
    expect(service!.referenced_by["aws_apprunner_service.Service"]).toContain(linked);
    expect(service!.resources[linked]).toMatchObject({ type: "aws_wafv2_web_acl_association", refs: { resource_arn: ["aws_apprunner_service.Service"] } });
    expect(service!.resources[linked]!.origin.file).toBe(edgeStack(out));
  });

  test("the two stack files named together: the same", async () => {
    const out = synth({ link: "arn" });
    expect((await check([serviceStack(out), edgeStack(out)])).pairs).toEqual([]);
  });

  test("only the service stack checked: cannot-verify naming the edge stack, never a plain AR-NET-001", async () => {
    const out = synth({ link: "arn" });
    const { report, pairs, status } = await check([serviceStack(out)]);
    expect(pairs).toEqual(["AR-META-001 aws_apprunner_service.Service"]);
    expect(report.findings[0]!.message).toBe(
      'whether a web ACL association in another stack protects aws_apprunner_service.Service cannot be seen (its ARN is exported (output cross-stack-output-aws_apprunner_serviceServicearn) to stack "xstack-edge", which is not in the input): cannot verify AR-NET-001',
    );
    expect(status("AR-NET-001", "aws_apprunner_service.Service")).toBe("cannot-verify");
    expect(report.summary.accepted).toBe(false);
  });

  test("the service stack alone, away from its cdktf.out (no manifest says who reads it): cannot-verify", async () => {
    const out = synth({ link: "arn" });
    const lone = join(root, "lone-xstack-service.tf.json");
    copyFileSync(serviceStack(out), lone);
    const { report, pairs } = await check([lone]);
    expect(pairs).toEqual(["AR-META-001 aws_apprunner_service.Service"]);
    expect(report.findings[0]!.message).toMatch(/exported to another stack \(output cross-stack-output-aws_apprunner_serviceServicearn\) and no cdktf\.out manifest\.json next to .* says which stacks read it/);
    expect(report.summary.accepted).toBe(false);
  });

  test("the association's stack in another region than the service: no protection, AR-NET-001", async () => {
    const out = synth({ link: "arn", edgeRegion: "us-east-1" });
    const { pairs, status } = await check([out]);
    expect(pairs).toEqual(["AR-NET-001 aws_apprunner_service.Service"]);
    expect(status("AR-NET-001", "aws_apprunner_service.Service")).toBe("fail");
  });
});

describe("xstack-other-service: the edge stack's association names another service of the stack", () => {
  test("checked together: AR-NET-001 stands on the service nobody protects; the other one is protected", async () => {
    const out = synth({ link: "other-service" });
    const { pairs, status } = await check([out]);
    expect(pairs).toEqual(["AR-NET-001 aws_apprunner_service.Service"]);
    expect(status("AR-NET-001", "aws_apprunner_service.Admin")).toBe("pass");
  });

  test("service stack alone: AR-NET-001 on the service whose ARN is not exported, cannot-verify on the one that is", async () => {
    const out = synth({ link: "other-service" });
    const { pairs, status } = await check([serviceStack(out)]);
    expect(pairs).toEqual(["AR-META-001 aws_apprunner_service.Admin", "AR-NET-001 aws_apprunner_service.Service"]);
    expect(status("AR-NET-001", "aws_apprunner_service.Admin")).toBe("cannot-verify");
  });
});

describe("xstack-service-id: an export that is not the ARN does not protect (precise links)", () => {
  test("checked together: resource_arn = the service_id output is no association, AR-NET-001", async () => {
    const out = synth({ link: "service-id" });
    const edge = JSON.parse(readFileSync(edgeStack(out), "utf8"));
    expect(edge.resource.aws_wafv2_web_acl_association.WebAclAssociation.resource_arn).toMatch(/outputs\.cross-stack-output-aws_apprunner_serviceServiceservice_id\}$/);
    const { pairs, status } = await check([out]);
    expect(pairs).toEqual(["AR-NET-001 aws_apprunner_service.Service"]);
    expect(status("AR-NET-001", "aws_apprunner_service.Service")).toBe("fail");
  });

  test("service stack alone: only the service_id is exported, nothing can protect it elsewhere, AR-NET-001", async () => {
    const out = synth({ link: "service-id" });
    expect((await check([serviceStack(out)])).pairs).toEqual(["AR-NET-001 aws_apprunner_service.Service"]);
  });
});

describe("fail closed: a remote state that does not read the service stack's backend links nothing", () => {
  test("the consumer's remote state points at another state file: cannot-verify, not accepted", async () => {
    const out = synth({ link: "arn" });
    const dir = join(root, "xstack-other-backend");
    mkdirSync(dir, { recursive: true });
    const edge = JSON.parse(readFileSync(edgeStack(out), "utf8"));
    edge.data.terraform_remote_state["cross-stack-reference-input-xstack-service"].config.path = "/elsewhere/terraform.tfstate";
    const edgeFile = join(dir, "edge.tf.json");
    writeFileSync(edgeFile, JSON.stringify(edge, null, 2));
    const { pairs, report } = await check([serviceStack(out), edgeFile]);
    // The stack that reads this service's state is not in the input, so its protection cannot be seen;
    // the look-alike stack does not count as it.
    expect(pairs).toEqual(["AR-META-001 aws_apprunner_service.Service"]);
    expect(report.findings[0]!.message).toMatch(/stack "xstack-edge" reads a remote state named cross-stack-reference-input-xstack-service whose backend is not this stack's/);
    expect(report.summary.accepted).toBe(false);
  });
});

describe("inside cdktf synth (applyGuard): every stack of the app is checked together", () => {
  test("the cross-stack association protects the service: synth passes; the service_id form fails with AR-NET-001", async () => {
    const { applyGuard } = await import("../../src/cdktf/index.js");
    for (const [link, rejected] of [["arn", false], ["service-id", true]] as const) {
      const outdir = join(root, `guard-xstack-${link}`, "cdktf.out");
      mkdirSync(outdir, { recursive: true });
      const app = buildXstackApp(outdir, { link });
      applyGuard(app, { now: new Date("2026-11-23T00:00:00Z") });
      let message = "";
      try {
        app.synth();
      } catch (error) {
        message = (error as Error).message;
      }
      if (rejected) expect(message).toMatch(/AR-NET-001 \(high\) aws_apprunner_service\.Service/);
      else expect(message).toBe("");
      expect(message).not.toContain("AR-META-001");
    }
  });
});

describe("xstack-ingress: a private service reached through a VPC ingress connection in the other stack", () => {
  test("checked together: the connection is linked across stacks, accepted (AR-NET-004 pass)", async () => {
    const out = synth({ link: "ingress" });
    const { pairs, status, report } = await check([out]);
    expect(pairs).toEqual([]);
    expect(status("AR-NET-004", "aws_apprunner_service.Service")).toBe("pass");
    expect(report.summary.accepted).toBe(true);
  });

  test("service stack alone: cannot-verify AR-NET-004 naming the other stack, never 'nothing can reach it'", async () => {
    const out = synth({ link: "ingress" });
    const { pairs, report, status } = await check([serviceStack(out)]);
    expect(pairs).toEqual(["AR-META-001 aws_apprunner_service.Service"]);
    expect(report.findings[0]!.message).toBe(
      'whether a VPC ingress connection in another stack reaches aws_apprunner_service.Service cannot be seen (its ARN is exported (output cross-stack-output-aws_apprunner_serviceServicearn) to stack "xstack-edge", which is not in the input): cannot verify AR-NET-004',
    );
    expect(status("AR-NET-004", "aws_apprunner_service.Service")).toBe("cannot-verify");
  });
});

/**
 * Unknown never weakens, for the cross-stack forms: in each rejected form, every string the cross-stack
 * link is made of (outputs, remote states, backends, providers, the linking resources) is replaced in
 * turn by a value the JSON cannot resolve. The service's network rule must stay failed or cannot-verify,
 * and the check must still reject.
 */
describe("unknown never weakens: cross-stack links", () => {
  const UNKNOWN = "${var.guard_unknown}";
  const SECTIONS = ["output", "data", "provider", "terraform", "resource.aws_wafv2_web_acl_association", "resource.aws_apprunner_vpc_ingress_connection"];
  const leaves = (value: unknown, path: string[], out: string[][]): string[][] => {
    if (typeof value === "string") out.push(path);
    else if (Array.isArray(value)) value.forEach((v, i) => leaves(v, [...path, String(i)], out));
    else if (value && typeof value === "object") for (const [k, v] of Object.entries(value)) if (k !== "//") leaves(v, [...path, k], out);
    return out;
  };
  const cases: { name: string; options: XstackOptions; stacks: ("xstack-service" | "xstack-edge")[]; rule: string }[] = [
    { name: "service_id export, together", options: { link: "service-id" }, stacks: ["xstack-service", "xstack-edge"], rule: "AR-NET-001" },
    { name: "other service, together", options: { link: "other-service" }, stacks: ["xstack-service", "xstack-edge"], rule: "AR-NET-001" },
    { name: "other region, together", options: { link: "arn", edgeRegion: "us-east-1" }, stacks: ["xstack-service", "xstack-edge"], rule: "AR-NET-001" },
    { name: "ARN export, service stack alone", options: { link: "arn" }, stacks: ["xstack-service"], rule: "AR-NET-001" },
    { name: "ingress export, service stack alone", options: { link: "ingress" }, stacks: ["xstack-service"], rule: "AR-NET-004" },
  ];
  test.each(cases)("$name: every single replacement still rejects", async ({ options, stacks, rule }) => {
    const out = synth(options);
    let runs = 0;
    for (const stack of ["xstack-service", "xstack-edge"] as const) {
      const file = join(out, "stacks", stack, "cdk.tf.json");
      const original = JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
      const paths = SECTIONS.flatMap((section) => {
        const keys = section.split(".");
        let v: unknown = original;
        for (const k of keys) v = v && typeof v === "object" ? (v as Record<string, unknown>)[k] : undefined;
        return v === undefined ? [] : leaves(v, keys, []);
      });
      for (const path of paths) {
        const dir = join(root, `unw-${runs}-${stack}-${options.link}-${options.edgeRegion ?? ""}`);
        cpSync(out, dir, { recursive: true });
        const mutated = structuredClone(original);
        let parent: Record<string, unknown> = mutated;
        for (const k of path.slice(0, -1)) parent = parent[k] as Record<string, unknown>;
        parent[path[path.length - 1]!] = UNKNOWN;
        writeFileSync(join(dir, "stacks", stack, "cdk.tf.json"), JSON.stringify(mutated, null, 2));
        const inputs = stacks.length === 2 ? [dir] : stacks.map((s) => join(dir, "stacks", s, "cdk.tf.json"));
        const { report, status } = await check(inputs);
        const where = `${stack}: ${path.join(".")}`;
        expect(report.summary.accepted, where).toBe(false);
        expect(["fail", "cannot-verify"], where).toContain(status(rule, "aws_apprunner_service.Service"));
        runs++;
      }
    }
    expect(runs).toBeGreaterThan(10);
  }, 120_000);
});
