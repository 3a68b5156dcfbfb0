import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { loadManifest } from "../../src/evaluate/rules.js";
import { repoRoot } from "../helpers/paths.js";

// AR-META-001 names, by hand, the rules each "cannot verify" finding blocks. A new rule that reads a value
// which can be unknown until apply, left out of those tables, would pass on an unknown value instead of being
// blocked. This test makes adding a rule without deciding its AR-META-001 entry fail.
const META = readFileSync(join(repoRoot, "policies/rules/meta/unknown_value/rule.rego"), "utf8");
const ALL_RULES = /^all_rules := lib\.enabled_rules\(\[([\s\S]*?)\]\)/m;

/** Rules that need no specific entry, each with the reason a value of theirs being unknown cannot hide a finding. */
const NEEDS_NO_ENTRY: Record<string, string> = {
  "AR-SEC-004": "an unknown encryption_configuration.kms_key is a key ARN known only after apply: a customer managed key either way",
};

const ids = (text: string) => new Set(text.match(/AR-[A-Z]+-\d{3}/g) ?? []);
const ruleIds = loadManifest().rules.map((r) => r.id).filter((id) => id !== "AR-META-001").sort();

describe("AR-META-001 names every rule it may have to block", () => {
  test("the incomplete-plan finding blocks exactly every other rule", () => {
    const list = ALL_RULES.exec(META);
    expect(list, "all_rules := lib.enabled_rules([...]) in the META rule").not.toBeNull();
    expect([...ids(list![1]!)].sort()).toEqual(ruleIds);
  });

  test("every other rule has a specific entry (or a reason it needs none), and no entry names a rule that does not exist", () => {
    const specific = ids(META.replace(ALL_RULES, ""));
    specific.delete("AR-META-001");
    const missing = ruleIds.filter((id) => !specific.has(id) && !(id in NEEDS_NO_ENTRY));
    expect(missing, "rules with no AR-META-001 entry: add one to the META rule or a reason to NEEDS_NO_ENTRY").toEqual([]);
    expect([...specific].filter((id) => !ruleIds.includes(id))).toEqual([]);
    expect(Object.keys(NEEDS_NO_ENTRY).filter((id) => specific.has(id) || !ruleIds.includes(id)), "stale NEEDS_NO_ENTRY").toEqual([]);
  });
});
