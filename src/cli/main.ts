import yargs from "yargs";
import { EngineError, ExitCode, InputError, errorMessage } from "../errors.js";
import { toolVersion } from "../about.js";
import { checkCommand } from "./commands/check.js";
import { explainCommand } from "./commands/explain.js";
import { modelCommand } from "./commands/model.js";
import { rulesCommand } from "./commands/rules.js";
import type { CliContext, CommandModuleFactory } from "./result.js";

class UsageError extends Error {}

/** Every command, one module each under commands/; add a new one here. */
const COMMANDS: CommandModuleFactory[] = [checkCommand, rulesCommand, explainCommand, modelCommand];

/**
 * The only place that knows exit codes: 0 accepted, 1 rejected, 2 usage or input error,
 * 3 internal error (the pass could not run, so nothing is accepted).
 * Each command's yargs handler stores its result in the context; `--help` / `--version` (at any
 * level) run no handler, so they print and exit 0 without checking or writing anything.
 */
export async function main(argv: string[], io = { stdout: process.stdout, stderr: process.stderr, env: process.env }): Promise<number> {
  const debug = argv.includes("--debug");
  const ctx: CliContext = { color: Boolean((io.stdout as { isTTY?: boolean }).isTTY) && !io.env.NO_COLOR, env: io.env, running: false };
  try {
    let cli = yargs(argv)
      .scriptName("apprunner-guard")
      .version(toolVersion())
      .alias("v", "version")
      .help()
      .alias("h", "help")
      .option("debug", { type: "boolean", default: false, describe: "print stack traces on errors" });
    for (const command of COMMANDS) cli = cli.command(command(ctx));
    await cli
      .demandCommand(1, `name a command: ${COMMANDS.map((c) => commandName(c(ctx).command)).join(", ")}`)
      .strict()
      .exitProcess(false)
      .fail((message, error) => {
        // A command's own failure (its handler threw): keep its type for the exit code.
        if (ctx.running && error) throw error;
        // Everything else yargs reports here is about the command line (including a coerce() that throws).
        throw new UsageError(error?.message ?? message);
      })
      .parseAsync();
  } catch (error) {
    return fail(error, debug, io.stderr);
  }
  const result = ctx.result;
  if (!result) return ExitCode.accepted; // --help / --version already printed
  io.stdout.write(result.stdout);
  if (result.stderr) io.stderr.write(result.stderr);
  return result.outcome === "rejected" ? ExitCode.rejected : ExitCode.accepted;
}

function commandName(command: string | readonly string[] | undefined): string {
  const first = Array.isArray(command) ? command[0] : command;
  return String(first ?? "").split(" ")[0]!;
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
