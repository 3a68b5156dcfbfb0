/**
 * Typed failures. Only cli/main.ts turns them into exit codes, so every stage can throw
 * without knowing how the process ends.
 */

/** The user's input (a file, a flag, a config) is wrong: exit 2. */
export class InputError extends Error {
  override readonly name = "InputError";
  constructor(
    /** The file (or flag) the problem is in, shown first in the one-line message. */
    readonly subject: string,
    readonly problem: string,
  ) {
    super(`${subject}: ${problem}`);
  }
}

/** The pass itself could not run (bundle missing or tampered, wasm trap, bad engine output): exit 3. */
export class EngineError extends Error {
  override readonly name = "EngineError";
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

export const ExitCode = {
  accepted: 0,
  rejected: 1,
  inputError: 2,
  internalError: 3,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];
