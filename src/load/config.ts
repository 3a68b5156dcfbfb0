import { existsSync, readFileSync } from "node:fs";
import { InputError } from "../errors.js";
import { decodeText } from "./decode.js";
import { describeFirstError, validator } from "../schemas/ajv.js";
import type { Severity } from "../severity.js";

export interface Waiver {
  rule: string;
  resource: string;
  /** Only findings on this attribute (glob, like resource); absent: any attribute. */
  attribute?: string;
  /** Glob on the stack name or the input path (as given, or from the repository root); absent: every input. */
  input?: string;
  justification: string;
  owner: string;
  expires: string;
  ticket?: string;
  /** Set for a waiver a construct wrote into the synthesized JSON: it applies to that input only. */
  source?: { kind: "construct"; input: string; construct_path: string | null };
}

export interface GuardConfig {
  fail_on?: Severity;
  params: Record<string, unknown>;
  waivers: Waiver[];
}

/** Reads and validates the --config file; a missing path means the defaults. */
export function loadConfig(path: string | undefined): GuardConfig {
  if (path === undefined) return { params: {}, waivers: [] };
  if (!existsSync(path)) throw new InputError(path, "config file not found");
  let doc: unknown;
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new InputError(path, `cannot read the config file (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  // A guard.json saved by PowerShell has a BOM (UTF-8 or UTF-16): read it like a plan.
  if (text.charCodeAt(0) === 0xfeff || text.includes("\u0000") || text.includes("\ufffd")) text = decodeText(path, readFileSync(path));
  try {
    doc = JSON.parse(text);
  } catch (error) {
    throw new InputError(path, `config is not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  const validate = validator("config");
  if (!validate(doc)) throw new InputError(path, `invalid config: ${describeFirstError(validate.errors)}`);
  const config = doc as Partial<GuardConfig>;
  return { fail_on: config.fail_on, params: config.params ?? {}, waivers: config.waivers ?? [] };
}
