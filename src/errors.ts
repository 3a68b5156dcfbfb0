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
    super(oneLine(`${subject}: ${problem}`));
  }
}

/**
 * The CLI prints an input error as exactly one line: line breaks and other control characters that a
 * message quotes from the input (JSON.parse quotes the text around the error) are shown escaped.
 */
function oneLine(message: string): string {
  // Matching control characters is the point: they are what gets escaped.
  // eslint-disable-next-line no-control-regex
  return message.replace(/\r?\n/g, "\\n").replace(/[\u0000-\u001f\u007f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
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

/** Any thrown value as one readable string (opa-wasm throws plain strings and objects, not Errors). */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === "string") return error;
  try {
    return JSON.stringify(error);
  } catch {
    return String(error);
  }
}
