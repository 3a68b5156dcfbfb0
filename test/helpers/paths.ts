import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
/** Real inputs nobody on this team wrote; used by path, never copied into the repo. */
export const realcases = resolve(repoRoot, "../shared/realcases");
export const realcase = (...parts: string[]) => join(realcases, ...parts);

/**
 * The real inputs exist beside this repository only on the team's machines and in CI; a fresh clone
 * has none. Tests that read them run when they are there and are skipped, with one visible line, when
 * they are not (CI always has them, so they always run there).
 */
export const hasRealcases = existsSync(realcases);
let skipNoticePrinted = false;
export function noteRealcasesSkipped(suite: string): void {
  if (hasRealcases || skipNoticePrinted) return;
  skipNoticePrinted = true;
  console.log(`[realcases] ${realcases} is absent: skipping the tests on real inputs (${suite}); CI runs them`);
}
export const fixtures = (...parts: string[]) => join(repoRoot, "test", "fixtures", ...parts);

/** The bundled example app, synthesized once per run by test/global-setup.ts. */
export function exampleOut(...parts: string[]): string {
  const dir = process.env.APPRUNNER_GUARD_TEST_EXAMPLE_OUT;
  if (!dir) throw new Error("APPRUNNER_GUARD_TEST_EXAMPLE_OUT is not set: run the tests through vitest.config.ts");
  return join(dir, ...parts);
}
