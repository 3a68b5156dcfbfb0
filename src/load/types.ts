export type InputKind = "terraform-plan" | "cdktf-stack" | "terraform-json";

/** One document to check, read and recognised but not yet normalized. */
export interface LoadedInput {
  kind: InputKind;
  /** The path as the user can find it again (relative paths stay relative). */
  path: string;
  /** cdktf stack name, when the input is a synthesized stack. */
  stack: string | null;
  document: Record<string, unknown>;
  text: string;
  sha256: string;
  bytes: number;
}

export interface LoadOptions {
  /** Files above this size are refused before they are read (bytes). */
  maxBytes: number;
}

export const DEFAULT_MAX_BYTES = 512 * 1024 * 1024;
