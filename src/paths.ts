import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The package root, found from this file so it is the same whether the code runs from
 * src/ (tests, tsx) or from dist/src/ (the installed package).
 */
function findPackageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, "package.json")) && existsSync(join(dir, "policies"))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error("apprunner-guard: cannot find the package root from " + import.meta.url);
    dir = parent;
  }
}

export const packageRoot = findPackageRoot();
export const schemaDir = join(packageRoot, "src", "schemas");
export const policyDistDir = join(packageRoot, "policies", "dist");
