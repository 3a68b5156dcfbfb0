import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { runCheck } from "../../src/check.js";
import { buildXstackApp, type XstackOptions } from "../fixtures/cdktf/apps.js";

const root = mkdtempSync(join(tmpdir(), "arg-xstack-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function synth(name: string, options: XstackOptions): string {
  const outdir = join(root, name, "cdktf.out");
  mkdirSync(outdir, { recursive: true });
  buildXstackApp(outdir, options).synth();
  return outdir;
}

async function findings(paths: string[]) {
  const report = await runCheck({ paths, now: new Date("2026-11-23T00:00:00Z") });
  return report;
}

describe("debug", () => {
  test("print", async () => {
    for (const link of ["arn", "other-service", "service-id"] as const) {
      const out = synth(`xstack-${link}`, { link });
      for (const paths of [[out], [join(out, "stacks", "xstack-service", "cdk.tf.json")]]) {
        const r = await findings(paths);
        console.log(link, paths.length, JSON.stringify(r.findings.map((f) => [f.rule_id, f.resource, f.message])), r.summary.accepted);
      }
    }
  });
});
