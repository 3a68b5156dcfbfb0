// Versioned control mappings: one source (each rule's METADATA custom.mappings, extracted into rules.json),
// and each mapping has a one-line rationale in the rule README's "## Controls" table, so an auditor reads
// why a rule maps to a control, in which edition of which framework.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { loadManifest } from "../../src/evaluate/rules.js";
import { repoRoot } from "../helpers/paths.js";

const manifest = loadManifest();
const frameworks = new Map((manifest.frameworks ?? []).map((f) => [f.id, f]));

/** Rows of the README's "## Controls" table: [framework label, control, rationale]. */
function controlRows(readme: string): { section: string | null; rows: string[][] } {
  const m = /^## Controls[ \t]*\n([\s\S]*?)(?=^## |(?![\s\S]))/m.exec(readme);
  if (!m) return { section: null, rows: [] };
  const rows = m[1]!
    .split("\n")
    .filter((line) => line.startsWith("| ") && !line.startsWith("| framework ") && !line.startsWith("| ---"))
    .map((line) => line.slice(2, -2).split(" | ").map((c) => c.trim()));
  return { section: m[1]!, rows };
}

test("every framework names its edition", () => {
  expect([...frameworks.keys()]).toEqual(expect.arrayContaining(["nist-800-53", "pci-dss", "soc2", "cis-aws", "aws-config", "security-hub"]));
  for (const f of frameworks.values()) {
    expect(f.name.length, f.id).toBeGreaterThan(0);
    expect(f.edition.length, f.id).toBeGreaterThan(0);
  }
  expect(frameworks.get("nist-800-53")!.edition).toBe("Rev. 5");
  expect(frameworks.get("pci-dss")!.edition).toBe("v4.0.1");
});

describe.each(manifest.rules.map((r) => [r.id, r] as const))("%s mappings", (id, rule) => {
  test("each mapping names a known framework, and controls are derived from the mappings", () => {
    const mappings = rule.mappings ?? [];
    for (const m of mappings) expect(frameworks.has(m.framework), `${id}: unknown framework ${m.framework}`).toBe(true);
    expect(rule.controls).toEqual(mappings.map((m) => `${frameworks.get(m.framework)!.short} ${m.control}`));
  });

  test("each mapping has a one-line rationale in the README's Controls table, and the table lists nothing else", () => {
    const readme = readFileSync(join(repoRoot, rule.readme), "utf8");
    const { section, rows } = controlRows(readme);
    expect(section, `${rule.readme} has no "## Controls" section`).not.toBeNull();
    const mappings = rule.mappings ?? [];
    if (mappings.length === 0) {
      expect(section, `${rule.readme}: a rule without mappings says so`).toContain("No control mapping");
      return;
    }
    for (const m of mappings) {
      const label = frameworks.get(m.framework)!.label;
      const row = rows.find((r) => r[0] === label && r[1] === m.control);
      expect(row, `${rule.readme} lacks a rationale row for ${label} ${m.control}`).toBeDefined();
      expect(row![2]!.length, `${rule.readme}: rationale for ${label} ${m.control} is too short`).toBeGreaterThan(20);
    }
    const known = new Set(mappings.map((m) => `${frameworks.get(m.framework)!.label}\u0000${m.control}`));
    for (const r of rows) expect(known.has(`${r[0]}\u0000${r[1]}`), `${rule.readme} explains ${r[0]} ${r[1]}, which the METADATA does not map`).toBe(true);
  });
});

test("the AWS Config managed rules for App Runner each have a preventive twin", () => {
  const mapped = new Set(manifest.rules.flatMap((r) => (r.mappings ?? []).filter((m) => m.framework === "aws-config").map((m) => m.control)));
  for (const name of [
    "apprunner-service-in-vpc",
    "apprunner-service-no-public-access",
    "apprunner-service-observability-enabled",
    "apprunner-service-max-unhealthy-threshold",
    "apprunner-service-ip-address-type-check",
    "apprunner-service-tagged",
    "apprunner-vpc-connector-tagged",
  ])
    expect(mapped, name).toContain(name);
});
