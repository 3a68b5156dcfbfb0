import { existsSync, readFileSync } from "node:fs";
import { isAbsolute, join } from "node:path";
import type { ArgumentsCamelCase, CommandModule } from "yargs";
import { InputError } from "../../errors.js";
import { loadManifest, type RuleInfo, type RuleManifest } from "../../evaluate/rules.js";
import { packageRoot } from "../../paths.js";
import type { CliContext, CommandResult } from "../result.js";
import { compare } from "../../order.js";

type ListFormat = "text" | "json";

interface RulesArgs {
  format: ListFormat;
}

export const rulesCommand = (ctx: CliContext): CommandModule<object, RulesArgs> => ({
  command: "rules",
  describe: "List every rule: id, severity, title, controls",
  builder: (yargs) =>
    yargs.option("format", { choices: ["text", "json"] as const, default: "text" as ListFormat, describe: "what to print" }),
  handler: (args) => {
    ctx.running = true;
    ctx.result = runRulesCommand(args);
  },
});

export function runRulesCommand(args: ArgumentsCamelCase<RulesArgs>): CommandResult {
  const manifest = loadManifest();
  const rules = sortedRules(manifest);
  if (args.format === "json") {
    const doc = {
      rule_set_version: manifest.rule_set_version,
      frameworks: manifest.frameworks ?? [],
      rules: rules.map((r) => ({ id: r.id, severity: r.severity, title: r.title, controls: r.controls, mappings: r.mappings ?? [], applies_to: r.applies_to })),
    };
    return { stdout: JSON.stringify(doc, null, 2) + "\n", outcome: "ok" };
  }
  const rows = [["ID", "SEVERITY", "TITLE", "CONTROLS"], ...rules.map((r) => [r.id, r.severity, r.title, r.controls.join(", ")])];
  const widths = [0, 1, 2].map((i) => Math.max(...rows.map((row) => row[i]!.length)));
  const lines = rows.map((row) => row.map((cell, i) => (i < 3 ? cell.padEnd(widths[i]!) : cell)).join("  ").trimEnd());
  const frameworks = manifest.frameworks ?? [];
  if (frameworks.length > 0) {
    lines.push("", "Frameworks (CONTROLS name a control of this edition):");
    const width = Math.max(...frameworks.map((f) => f.short.length));
    for (const f of frameworks) lines.push(`  ${f.short.padEnd(width)}  ${f.name}, ${f.edition}`);
  }
  lines.push("", `${rules.length} rules · rule set ${manifest.rule_set_version} · apprunner-guard explain <RULE_ID> for details`);
  return { stdout: lines.join("\n") + "\n", outcome: "ok" };
}

/** Accepts the id in any case, or the rule's package (`network.http_port`); anything else is exit 2 listing the ids. */
export function findRule(manifest: RuleManifest, wanted: string): RuleInfo {
  const key = wanted.trim();
  const rule = manifest.rules.find((r) => r.id.toUpperCase() === key.toUpperCase() || r.package === key);
  if (!rule) {
    const ids = sortedRules(manifest).map((r) => r.id).join(", ");
    throw new InputError(`explain ${wanted}`, `unknown rule id; valid ids: ${ids}`);
  }
  return rule;
}

export function readRuleReadme(rule: RuleInfo): { path: string; text: string | null } {
  const path = rule.readme ? (isAbsolute(rule.readme) ? rule.readme : join(packageRoot, rule.readme)) : "";
  if (!path || !existsSync(path)) return { path: rule.readme || "(none listed)", text: null };
  return { path: rule.readme, text: readFileSync(path, "utf8") };
}

function sortedRules(manifest: RuleManifest): RuleInfo[] {
  return [...manifest.rules].sort((a, b) => compare(a.id, b.id));
}

/** The README without its `# Title` line and the `Severity ...` facts paragraph right after it. */
export function readmeBody(markdown: string): string {
  return markdown.replace(/^\s*# [^\n]*\n+/, "").replace(/^Severity [^\n]*\n+/, "");
}
