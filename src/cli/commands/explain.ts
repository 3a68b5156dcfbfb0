import type { ArgumentsCamelCase, Argv, CommandModule } from "yargs";
import { loadManifest } from "../../evaluate/rules.js";
import type { CliContext, CommandResult } from "../result.js";
import { findRule, readRuleReadme, readmeBody } from "./rules.js";

type ListFormat = "text" | "json";

interface ExplainArgs {
  ruleId: string;
  format: ListFormat;
}

export const explainCommand = (ctx: CliContext): CommandModule<object, ExplainArgs> => ({
  command: "explain <rule-id>",
  describe: "What a rule checks, why, how to fix it (cdktf and HCL), which controls it maps to",
  builder: (yargs: Argv) =>
    yargs
      .positional("rule-id", { type: "string", demandOption: true, describe: "rule id, e.g. AR-IAM-001 (rules lists them)" })
      .option("format", { choices: ["text", "json"] as const, default: "text" as ListFormat, describe: "what to print" }) as unknown as Argv<ExplainArgs>,
  handler: (args) => {
    ctx.running = true;
    ctx.result = runExplainCommand(args);
  },
});

export function runExplainCommand(args: ArgumentsCamelCase<ExplainArgs>): CommandResult {
  const manifest = loadManifest();
  const rule = findRule(manifest, String(args.ruleId));
  const readme = readRuleReadme(rule);
  if (args.format === "json") {
    const doc = { ...rule, rule_set_version: manifest.rule_set_version, readme_text: readme.text };
    return { stdout: JSON.stringify(doc, null, 2) + "\n", outcome: "ok" };
  }
  const out = [
    `${rule.id}  ${rule.title}`,
    `severity: ${rule.severity} · controls: ${rule.controls.join(", ") || "none"} · applies to: ${rule.applies_to.join(", ") || "-"}`,
    "",
  ];
  if (readme.text !== null) {
    // The README says what, why and how to fix (with cdktf and HCL snippets); its title and facts line repeat the header.
    out.push(readmeBody(readme.text).trimEnd());
  } else {
    out.push("What it checks", indent(rule.description), "", "How to fix", indent(rule.remediation), "", `(no README at ${readme.path})`);
  }
  return { stdout: out.join("\n") + "\n", outcome: "ok" };
}

function indent(text: string): string {
  return text
    .split("\n")
    .map((line) => (line ? `  ${line}` : line))
    .join("\n");
}
