import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { loadManifest } from "../../src/evaluate/rules.js";
import { repoRoot } from "../helpers/paths.js";

const script = join(repoRoot, "scripts", "gen-rule-docs.mjs");
const run = (...args: string[]) => spawnSync(process.execPath, [script, ...args], { cwd: repoRoot, encoding: "utf8" });

describe("docs/rules (generated from policies/dist/rules.json and the rule READMEs)", () => {
  test("is up to date (run npm run docs:rules after changing a rule's METADATA or README)", () => {
    const r = run("--check");
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
  });

  test("has one page per rule plus index.md, each with the rule's facts", () => {
    const manifest = loadManifest();
    const index = readFileSync(join(repoRoot, "docs", "rules", "index.md"), "utf8");
    for (const rule of manifest.rules) {
      expect(index).toContain(`| [${rule.id}](${rule.id}.md) | ${rule.severity} |`);
      const page = readFileSync(join(repoRoot, "docs", "rules", `${rule.id}.md`), "utf8");
      expect(page).toContain(`# ${rule.id}: ${rule.title}`);
      expect(page).toContain(`| Severity | ${rule.severity} |`);
      for (const control of rule.controls) expect(page).toContain(control);
    }
  });

  test("--check names stale, missing and extra pages and exits 1; a write makes it pass again", () => {
    const out = mkdtempSync(join(tmpdir(), "ag-docs-"));
    execFileSync(process.execPath, [script, "--out", out], { cwd: repoRoot });
    expect(run("--check", "--out", out).status).toBe(0);
    const first = loadManifest().rules[0]!.id;
    writeFileSync(join(out, `${first}.md`), "hand edit\n");
    writeFileSync(join(out, "AR-OLD-001.md"), "a removed rule\n");
    const r = run("--check", "--out", out);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`${first}.md is stale`);
    expect(r.stderr).toContain("AR-OLD-001.md is for a rule that no longer exists");
    execFileSync(process.execPath, [script, "--out", out], { cwd: repoRoot });
    expect(run("--check", "--out", out).status).toBe(0);
  });
});
