import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
// @ts-expect-error: a plain .mjs script (run by npm run lint too); its exports are used as the test declares them
import { floorViolations } from "../../scripts/check-floors.mjs";

const check = floorViolations as (root: string) => string[];

describe("floors: src/ stages import only downwards, modules/ and src/ never import each other", () => {
  test("the repository's own tree has no import that runs back up", () => {
    expect(check(process.cwd())).toEqual([]);
  });

  describe("a synthetic tree with one violation of each kind", () => {
    const root = mkdtempSync(join(tmpdir(), "floors-"));
    afterAll(() => rmSync(root, { recursive: true, force: true }));
    const files: Record<string, string> = {
      "src/severity.ts": `export type S = "high";\n`,
      "src/json.ts": `import { m } from "../modules/m.js";\nexport const j = m;\n`,
      "src/load/a.ts": `export { b } from "../evaluate/b.js";\n`,
      "src/load/ok.ts": `import type { S } from "../severity.js";\nimport { readFileSync } from "node:fs";\n// import { d } from "../report/d.js";\nexport const text = "import('../cli/f.js')";\nexport type T = S;\n`,
      "src/load/r.ts": `import d = require("../report/d.js");\nexport const r = d;\n`,
      "src/normalize/c.ts": `export async function c() {\n  return await import("../report/d.js");\n}\n`,
      "src/evaluate/b.ts": `export const b = 1;\nexport type F = import("../cli/f.js").F;\n`,
      "src/report/d.ts": `import { c } from "../normalize/c.js";\nexport const d = c;\n`,
      "src/cli/f.ts": `import { g } from "../cdktf/guard.js";\nexport type F = typeof g;\n`,
      "src/cdktf/guard.ts": `import { d } from "../report/d.js";\nexport const g = d;\n`,
      "src/cdktn/index.ts": `export { g } from "../cdktf/guard.js";\n`,
      "src/newthing.ts": `export const n = 1;\n`,
      "modules/m.ts": `import type { S } from "../src/severity.js";\nexport const m: S = "high";\n`,
    };
    for (const [file, text] of Object.entries(files)) {
      mkdirSync(dirname(join(root, file)), { recursive: true });
      writeFileSync(join(root, file), text);
    }

    test("each broken arrow is one line naming file, line and the floors involved; allowed arrows and comments are silent", () => {
      expect(check(root).sort()).toEqual(
        [
          "modules/m.ts:1: imports ../src/severity.js: modules/ must not import src/ (the halves meet only at Terraform JSON)",
          "src/cli/f.ts:1: imports ../cdktf/guard.js: cli and guard are separate rooms of the top floor",
          "src/evaluate/b.ts:2: imports ../cli/f.js: evaluate (evaluate) reaches up to top (cli)",
          "src/json.ts:1: imports ../modules/m.js: src/ must not import modules/ (the halves meet only at Terraform JSON)",
          "src/load/a.ts:1: imports ../evaluate/b.js: load (load) reaches up to evaluate (evaluate)",
          "src/load/r.ts:1: imports ../report/d.js: load (load) reaches up to report (report)",
          "src/newthing.ts: not on any floor; add it to FLOORS in scripts/check-floors.mjs (lowest floor it fits)",
          "src/normalize/c.ts:2: imports ../report/d.js: normalize (normalize) reaches up to report (report)",
        ].sort(),
      );
    });

    test("the script exits 1 on that tree and 0 on the repository", () => {
      const bad = spawnSync(process.execPath, ["scripts/check-floors.mjs", root], { encoding: "utf8" });
      expect(bad.status).toBe(1);
      expect(bad.stderr.trim().split("\n")).toHaveLength(8);
      const good = spawnSync(process.execPath, ["scripts/check-floors.mjs"], { encoding: "utf8" });
      expect([good.status, good.stderr]).toEqual([0, ""]);
    });
  });
});
