import { InputError } from "../errors.js";

/**
 * Input bytes to text. UTF-8 (with or without a byte order mark), and UTF-16 LE/BE with a BOM, which
 * is what Windows PowerShell writes (`terraform show -json > plan.json` in PowerShell 5 writes UTF-16LE
 * with a BOM; `Out-File -Encoding utf8` a UTF-8 BOM). The BOM makes the encoding unambiguous; anything
 * else that is not valid UTF-8 is refused with a message naming the encoding problem, never decoded
 * into replacement characters. The BOM itself is dropped, so line and column numbers count from the
 * first character of the JSON as in the original.
 */
export function decodeText(path: string, bytes: Uint8Array): string {
  const b = bytes;
  if (b.length >= 4 && ((b[0] === 0xff && b[1] === 0xfe && b[2] === 0 && b[3] === 0) || (b[0] === 0 && b[1] === 0 && b[2] === 0xfe && b[3] === 0xff))) {
    throw new InputError(path, `the file is UTF-32 (byte order mark ${hex(b.subarray(0, 4))}), which is not read; save it as UTF-8`);
  }
  if (b.length >= 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) return decode(path, b.subarray(3), "utf-8", "UTF-8 (after its byte order mark)");
  if (b.length >= 2 && b[0] === 0xff && b[1] === 0xfe) return decode(path, b.subarray(2), "utf-16le", "UTF-16LE (after its byte order mark)");
  if (b.length >= 2 && b[0] === 0xfe && b[1] === 0xff) return decode(path, b.subarray(2), "utf-16be", "UTF-16BE (after its byte order mark)");
  // UTF-16 without a BOM: JSON starts with ASCII, so every other byte of it is zero.
  if (b.length >= 4 && ((b[0] !== 0 && b[1] === 0 && b[2] !== 0 && b[3] === 0) || (b[0] === 0 && b[1] !== 0 && b[2] === 0 && b[3] !== 0))) {
    throw new InputError(path, "the file looks like UTF-16 without a byte order mark, which is ambiguous; save it as UTF-8 (PowerShell: Out-File -Encoding utf8) or UTF-16 with a BOM");
  }
  return decode(path, b, "utf-8", "UTF-8");
}

function decode(path: string, bytes: Uint8Array, encoding: "utf-8" | "utf-16le" | "utf-16be", label: string): string {
  if (encoding !== "utf-8" && bytes.length % 2 !== 0) {
    throw new InputError(path, `not valid ${label}: odd number of bytes (${bytes.length}), the file looks truncated`);
  }
  try {
    return new TextDecoder(encoding, { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    const at = encoding === "utf-8" ? firstBadUtf8(bytes) : -1;
    const where = at >= 0 ? ` (invalid byte 0x${bytes[at]!.toString(16).padStart(2, "0")} at byte ${at})` : "";
    throw new InputError(path, `not valid ${label} text${where}; save it as UTF-8, or as UTF-16 with a byte order mark`);
  }
}

/** Offset of the first byte that does not start or continue a well-formed UTF-8 sequence. */
function firstBadUtf8(b: Uint8Array): number {
  for (let i = 0; i < b.length; ) {
    const c = b[i]!;
    const n = c < 0x80 ? 0 : c >= 0xc2 && c < 0xe0 ? 1 : c >= 0xe0 && c < 0xf0 ? 2 : c >= 0xf0 && c < 0xf5 ? 3 : -1;
    if (n < 0) return i;
    for (let k = 1; k <= n; k++) if (i + k >= b.length || (b[i + k]! & 0xc0) !== 0x80) return i;
    i += n + 1;
  }
  return -1;
}

function hex(bytes: Uint8Array): string {
  return [...bytes].map((x) => x.toString(16).padStart(2, "0").toUpperCase()).join(" ");
}
