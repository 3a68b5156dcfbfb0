/** What a command hands back to main.ts, which alone turns it into output and an exit code. */
export interface CommandResult {
  stdout: string;
  /** Notes for the person running the command (not part of the machine-readable output). */
  stderr?: string;
  outcome: "accepted" | "rejected" | "ok";
}

/**
 * Shared by main.ts and every command module: a command's yargs handler stores its result here and
 * main.ts maps it to output and an exit code. `--help` / `--version` never run a handler, so no
 * result means "printed help or version, nothing checked".
 */
export interface CliContext {
  color: boolean;
  env: NodeJS.ProcessEnv;
  result?: CommandResult;
  /** Set when a handler starts: errors after this are the command's, not the command line's. */
  running: boolean;
}

/** A command module: `commands/<name>.ts` exports one of these; main.ts lists them. */
export type CommandModuleFactory = (ctx: CliContext) => import("yargs").CommandModule<object, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
