// What recording the TypeScript line of every cdktf element costs (src/cdktf/creation-lines.ts):
// examples/app.ts built and synthesized in one process, with the recorder on and off in turn
// (APPRUNNER_GUARD_TS_LINES), and a stack of many raw resources for the cost per element.
//
//   npx tsx bench/ts-lines.ts [reps]        # default 15 reps per variant; prints milliseconds
//
// tsx maps every frame through its source maps, as `cdktf synth` with `npx tsx main.ts` does.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App, TerraformStack } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider/index.js";
import { SsmParameter } from "@cdktf/provider-aws/lib/ssm-parameter/index.js";
import { buildApp } from "../examples/app.js";
import { CREATION_LINES_ENV } from "../src/cdktf/index.js";

const reps = Number(process.argv[2] ?? 15);
const MANY = 2000;

function manyResources(outdir: string): App {
  const app = new App({ outdir });
  const stack = new TerraformStack(app, "many");
  new AwsProvider(stack, "aws", { region: "eu-west-1" });
  for (let i = 0; i < MANY; i++) new SsmParameter(stack, `P${i}`, { name: `/bench/p${i}`, type: "String", value: "x" });
  return app;
}

function timeOnce(build: (outdir: string) => App, on: boolean): number {
  if (on) delete process.env[CREATION_LINES_ENV];
  else process.env[CREATION_LINES_ENV] = "off";
  const dir = mkdtempSync(join(tmpdir(), "ag-bench-ts-lines-"));
  const start = process.hrtime.bigint();
  build(join(dir, "cdktf.out")).synth();
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  rmSync(dir, { recursive: true, force: true });
  return ms;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

for (const [name, build] of [
  ["examples/app.ts (build + synth)", buildApp],
  [`${MANY} ssm parameters (build + synth)`, manyResources],
] as const) {
  // one warm-up each, then on and off in turn so both meet the same JIT and disk state
  timeOnce(build, true);
  timeOnce(build, false);
  const on: number[] = [];
  const off: number[] = [];
  for (let i = 0; i < reps; i++) {
    on.push(timeOnce(build, true));
    off.push(timeOnce(build, false));
  }
  const [a, b] = [median(on), median(off)];
  console.log(`${name}: on ${a.toFixed(1)} ms, off ${b.toFixed(1)} ms, +${(a - b).toFixed(1)} ms (median of ${reps})`);
}
