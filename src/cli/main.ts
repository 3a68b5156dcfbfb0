import yargs from "yargs";
import { EngineError, ExitCode, InputError, errorMessage } from "../errors.js";
import { toolVersion } from "../report/build.js";
import { checkCommand, runCheckCommand } from "./commands/check.js";
import { modelCommand, runModelCommand } from "./commands/model.js";
import { explainCommand, rulesCommand, runExplainCommand, runRulesCommand } from "./commands/rules.js";
import type { CommandResult } from "./result.js";

class UsageError extends Error {}

/**
 * The only place that knows exit codes: 0 accepted, 1 rejected, 2 usage or input error,
 * 3 internal error (the pass could not run, so nothing is accepted).
 */
export async function main(argv: string[], io = { stdout: process.stdout, stderr: process.stderr, env: process.env }): Promise<number> {
  const debug = argv.includes("--debug");
  const color = Boolean((io.stdout as { isTTY?: boolean }).isTTY) && !io.env.NO_COLOR;
  let result: CommandResult | undefined;
  try {
    const parsed = await yargs(argv)
      .scriptName("apprunner-guard")
      .version(toolVersion())
      .option("debug", { type: "boolean", default: false, describe: "print stack traces on errors" })
      .command(checkCommand)
      .command(rulesCommand)
      .command(explainCommand)
      .command(modelCommand)
      .demandCommand(1, "name a command: check, rules, explain, model")
      .strict()
      .exitProcess(false)
      .fail((message, error) => {
        // Everything yargs reports here is about the command line (including a coerce() that throws).
        throw new UsageError(error?.message ?? message);
      })
      .parseAsync();
    const command = String(parsed._[0]);
    if (command === "check") result = await runCheckCommand(parsed as never, color);
    if (command === "rules") result = runRulesCommand(parsed as never);
    if (command === "explain") result = runExplainCommand(parsed as never);
    if (command === "model") result = runModelCommand(parsed as never);
  } catch (error) {
    return fail(error, debug, io.stderr);
  }
  if (!result) return ExitCode.accepted; // --help / --version already printed
  io.stdout.write(result.stdout);
  return result.outcome === "rejected" ? ExitCode.rejected : ExitCode.accepted;
}

function fail(error: unknown, debug: boolean, stderr: NodeJS.WritableStream): number {
  const line = (prefix: string, message: string) => stderr.write(`apprunner-guard: ${prefix}${message.split("\n")[0]}\n`);
  if (debug && error instanceof Error && error.stack) stderr.write(error.stack + "\n");
  if (error instanceof InputError) {
    line("", error.message);
    return ExitCode.inputError;
  }
  if (error instanceof UsageError) {
    // yargs spreads one problem over several lines ("Invalid values:\n  Argument: ..."): keep it on one.
    line("usage: ", error.message.replace(/\s*\n\s*/g, " "));
    return ExitCode.inputError;
  }
  if (error instanceof EngineError) {
    line("internal error, plan NOT accepted: ", error.message);
    return ExitCode.internalError;
  }
  line("internal error, plan NOT accepted: ", errorMessage(error) + (debug ? "" : " (run with --debug for details)"));
  return ExitCode.internalError;
}
