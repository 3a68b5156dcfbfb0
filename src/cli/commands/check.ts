import type { ArgumentsCamelCase, Argv, CommandModule } from "yargs";
import { runCheck } from "../../check.js";
import { writeBaseline } from "../../report/baseline.js";
import { nowFrom } from "../../about.js";
import { writeReportDir } from "../../report/files.js";
import { FORMATS, renderers, type Format } from "../../report/index.js";
import type { Report } from "../../report/types.js";
import type { CliContext, CommandResult } from "../result.js";
import { maxBytesOption } from "../options.js";
import { SEVERITIES, type Severity } from "../../severity.js";

interface CheckArgs {
  paths: string[];
  format: Format;
  "fail-on"?: Severity;
  config?: string;
  "report-dir"?: string;
  "max-bytes": number;
  "require-services": boolean;
  "changes-only": boolean;
  "fail-on-changes": boolean;
  baseline?: string;
  "write-baseline"?: string;
  "sarif-category"?: string;
  source?: string;
}

export const checkCommand = (ctx: CliContext): CommandModule<object, CheckArgs> => ({
  command: "check <paths...>",
  describe: "Check plan JSON, cdk.tf.json, cdktf.out/ or *.tf.json against the rules",
  builder: (yargs: Argv) =>
    yargs
      .positional("paths", { type: "string", array: true, demandOption: true, describe: "inputs to check" })
      .option("format", { choices: FORMATS, default: "text" as Format, describe: "what to print on stdout" })
      .option("fail-on", { choices: SEVERITIES, describe: "lowest severity that rejects the plan (default: fail_on in --config, else high)" })
      .option("config", { type: "string", describe: "config file: params and waivers (JSON)" })
      .option("sarif-category", { type: "string", describe: "SARIF automationDetails.id category for code scanning (default: apprunner-guard/<input paths>)" })
      .option("report-dir", { type: "string", describe: "also write report.json, report.sarif, report.junit.xml, report.md and report.html into this folder" })
      .option("changes-only", {
        type: "boolean",
        default: false,
        describe: "only findings this plan introduces can reject it; existing ones are reported (needs a plan with prior state; AR-META-001 always blocks)",
      })
      .option("fail-on-changes", {
        type: "boolean",
        default: false,
        describe: "also reject on protections the plan weakens while the rules still pass (the report's changes) at or above --fail-on",
      })
      .option("baseline", { type: "string", describe: "baseline file: findings recorded there are reported as baselined and do not block" })
      .option("write-baseline", { type: "string", describe: "write the current findings (not waived, not AR-META-001) to this baseline file" })
      .option("source", {
        type: "string",
        describe: "folder of the .tf configuration the plans were made from, for findings on the source line (default: the plan's folder, else the current folder, when it holds *.tf)",
      })
      .option("max-bytes", maxBytesOption)
      .option("require-services", {
        type: "boolean",
        default: false,
        describe: "reject (exit 1) when the inputs contain no aws_apprunner_service, for pipelines that always expect one",
      }) as unknown as Argv<CheckArgs>,
  handler: async (args) => {
    ctx.running = true;
    ctx.result = await runCheckCommand(args, ctx);
  },
});

export async function runCheckCommand(args: ArgumentsCamelCase<CheckArgs>, { color, env }: CliContext): Promise<CommandResult> {
  const report: Report = await runCheck({
    paths: args.paths,
    configPath: args.config,
    failOn: args["fail-on"],
    maxBytes: args["max-bytes"],
    now: nowFrom(env),
    changesOnly: args["changes-only"],
    failOnChanges: args["fail-on-changes"],
    baselinePath: args.baseline,
    source: args.source,
  });
  const sarifCategory = args["sarif-category"];
  if (args["report-dir"]) writeReportDir(args["report-dir"], report, { sarifCategory });
  let baselineNote = "";
  if (args["write-baseline"]) {
    const entries = writeBaseline(args["write-baseline"], report);
    baselineNote = `apprunner-guard: wrote ${entries} baseline entries to ${args["write-baseline"]}\n`;
  }
  const stdout = renderers[args.format](report, { color: color && args.format === "text", sarifCategory });
  if (args["require-services"] && report.summary.services === 0) {
    return { stdout, stderr: baselineNote + "apprunner-guard: --require-services: the inputs contain no aws_apprunner_service, so nothing was checked\n", outcome: "rejected" };
  }
  return { stdout, ...(baselineNote ? { stderr: baselineNote } : {}), outcome: report.summary.accepted ? "accepted" : "rejected" };
}
