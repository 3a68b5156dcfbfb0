import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildApp } from "../examples/app.js";

/**
 * Synthesizes the bundled example once per test run into a temp cdktf.out, so tests that read it do not
 * depend on someone having run `cdktf synth` in the work tree (a fresh clone has no cdktf.out).
 */
export default function setup(): () => void {
  const dir = mkdtempSync(join(tmpdir(), "apprunner-guard-example-"));
  const outdir = join(dir, "cdktf.out");
  buildApp(outdir).synth();
  process.env.APPRUNNER_GUARD_TEST_EXAMPLE_OUT = outdir;
  return () => rmSync(dir, { recursive: true, force: true });
}
