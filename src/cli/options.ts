import type { Options } from "yargs";
import { DEFAULT_MAX_BYTES } from "../load/types.js";

/** `--max-bytes`, shared by every command that reads inputs. */
export const maxBytesOption: Options = {
  type: "number",
  default: DEFAULT_MAX_BYTES,
  describe: "refuse inputs larger than this many bytes",
  coerce: (value: number) => {
    if (!Number.isSafeInteger(value) || value <= 0) throw new Error(`--max-bytes must be a positive whole number of bytes (got ${String(value)})`);
    return value;
  },
};
