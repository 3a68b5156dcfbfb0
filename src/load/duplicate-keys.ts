import { InputError } from "../errors.js";
import type { InputKind } from "./types.js";

/**
 * Keys that appear twice in one object of a JSON text. JSON.parse keeps the last value silently, which
 * is not how Terraform reads its inputs:
 * - in `*.tf.json` (HCL's JSON syntax) an argument set twice is the error "Duplicate argument", and a
 *   block type written twice (`"resource": {...}, "resource": {...}`) means both blocks;
 * - `terraform show -json` never writes a key twice, so a plan that has one was edited by hand.
 * Telling an argument from a nested block needs the provider schema, which the input does not carry, so
 * the readers refuse a duplicate below the top level and merge only the top-level block types.
 */

export interface DuplicateKey {
  key: string;
  /** Dotted path of the object that holds the key twice ("" for the top level). */
  object: string;
  /** 1-based line of the second occurrence. */
  line: number;
}

/** Where each top-level object or array value sits in the text: [start, end) offsets, in order, repeats included. */
export interface TopLevelEntry {
  key: string;
  start: number;
  end: number;
  line: number;
}

export interface ScanResult {
  /** The first key that appears twice in one object below the top level (or anywhere with topLevelOnly). */
  nested: DuplicateKey | null;
  /** Top-level keys that appear more than once, in order of their second occurrence. */
  topLevel: DuplicateKey[];
  /** Every top-level entry whose value is an object or array (only when the top level is an object). */
  entries: TopLevelEntry[];
}

/**
 * One pass over a text that JSON.parse accepted. With `topLevelOnly`, keys below the top level are not
 * recorded (a plan can be hundreds of megabytes; only its top level is checked).
 */
export function scanDuplicateKeys(text: string, options: { topLevelOnly?: boolean } = {}): ScanResult {
  const topLevelOnly = options.topLevelOnly === true;
  // One frame per open object/array: its keys (objects only), the path shown in messages.
  const frames: { keys: Set<string> | null; path: string; key: string | null }[] = [];
  const result: ScanResult = { nested: null, topLevel: [], entries: [] };
  let line = 1;
  let pendingKey: string | null = null;
  let pendingLine = 0;
  let current: TopLevelEntry | null = null;
  const strings = new StringSkipper(text);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x0a) {
      line++;
      continue;
    }
    if (c === 0x22) {
      const start = i;
      i = strings.end(i);
      const escaped = strings.escaped;
      const frame = frames[frames.length - 1];
      if (!frame || frame.keys === null) continue;
      let next = i + 1;
      let lines = 0;
      while (next < text.length && isSpace(text.charCodeAt(next))) {
        if (text.charCodeAt(next) === 0x0a) lines++;
        next++;
      }
      if (text.charCodeAt(next) !== 0x3a) {
        if (frames.length === 1) pendingKey = null; // a string value at the top level
        continue;
      }
      line += lines;
      const depth = frames.length;
      if (topLevelOnly && depth > 1) {
        i = next;
        continue;
      }
      const raw = text.slice(start + 1, i);
      const key = escaped ? (JSON.parse(`"${raw}"`) as string) : raw;
      if (frame.keys.has(key)) {
        const found = { key, object: frame.path, line };
        if (depth === 1) result.topLevel.push(found);
        else if (result.nested === null) result.nested = found;
      } else frame.keys.add(key);
      frame.key = key;
      if (depth === 1) {
        pendingKey = key;
        pendingLine = line;
      }
      i = next;
      continue;
    }
    if (c === 0x7b || c === 0x5b) {
      const parent = frames[frames.length - 1];
      const path = parent === undefined ? "" : childPath(parent);
      if (frames.length === 1 && pendingKey !== null && current === null) {
        current = { key: pendingKey, start: i, end: -1, line: pendingLine };
      }
      frames.push({ keys: c === 0x7b ? new Set() : null, path, key: null });
    } else if (c === 0x7d || c === 0x5d) {
      frames.pop();
      if (frames.length === 1 && current !== null) {
        current.end = i + 1;
        result.entries.push(current);
        current = null;
        pendingKey = null;
      }
    }
  }
  return result;
}

/**
 * The depth check and the top-level keys in one pass that allocates nothing below the top level (a
 * plan can be hundreds of megabytes, and this runs before anything else reads it): the offset of the
 * first bracket that opens level maxDepth+1 (or -1), and the top-level keys written twice.
 */
export function scanTopLevel(text: string, maxDepth: number): { depthExceededAt: number; topLevel: DuplicateKey[] } {
  const topLevel: DuplicateKey[] = [];
  const keys = new Set<string>();
  let depth = 0;
  const strings = new StringSkipper(text);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      const start = i;
      i = strings.end(i);
      const escaped = strings.escaped;
      if (depth !== 1) continue;
      let next = i + 1;
      while (next < text.length && isSpace(text.charCodeAt(next))) next++;
      if (text.charCodeAt(next) !== 0x3a) continue;
      const raw = text.slice(start + 1, i);
      const key = escaped ? (JSON.parse(`"${raw}"`) as string) : raw;
      if (keys.has(key)) topLevel.push({ key, object: "", line: lineAt(text, start) });
      else keys.add(key);
      i = next;
    } else if (c === 0x7b || c === 0x5b) {
      if (++depth > maxDepth) return { depthExceededAt: i, topLevel };
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return { depthExceededAt: -1, topLevel };
}

/**
 * Skips the strings of a JSON text that JSON.parse accepted. Most of a plan's characters are inside
 * strings, and most strings hold no backslash: the closing quote is then the next quote, found with
 * indexOf instead of a loop over every character. One forward-only cursor over the backslashes tells
 * whether a string holds any (then it is walked character by character, escapes included).
 */
class StringSkipper {
  /** Whether the string last skipped by end() holds an escape. */
  escaped = false;
  private nextBackslash: number;

  constructor(private readonly text: string) {
    this.nextBackslash = text.indexOf("\\");
  }

  /** The index of the closing quote of the string whose opening quote is at `open`. */
  end(open: number): number {
    const text = this.text;
    if (this.nextBackslash !== -1 && this.nextBackslash <= open) this.nextBackslash = text.indexOf("\\", open + 1);
    const close = text.indexOf('"', open + 1);
    if (close === -1) return text.length;
    if (this.nextBackslash === -1 || this.nextBackslash > close) {
      this.escaped = false;
      return close;
    }
    this.escaped = true;
    let i = open + 1;
    for (; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 0x5c) i++;
      else if (c === 0x22) break;
    }
    return i;
  }
}

function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf("\n"); i >= 0 && i < offset; i = text.indexOf("\n", i + 1)) line++;
  return line;
}

function childPath(frame: { keys: Set<string> | null; path: string; key: string | null }): string {
  if (frame.keys === null) return frame.path === "" ? "[]" : `${frame.path}[]`;
  const key = frame.key ?? "";
  return frame.path === "" ? key : `${frame.path}.${key}`;
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

/** "the key "name" twice in resource.aws_iam_role.x (second at line 12)" */
export function describeDuplicate(d: DuplicateKey): string {
  const where = d.object === "" ? "at the top level" : `in ${d.object}`;
  return `the key ${JSON.stringify(d.key)} appears twice ${where} (again at line ${d.line})`;
}

/** Top-level keys of HCL's JSON syntax that are block types: written twice, they are two blocks. */
const TOP_LEVEL_BLOCKS = new Set(["resource", "data", "module", "provider", "variable", "output", "locals", "terraform", "moved", "import", "check", "removed", "ephemeral"]);

/**
 * Refuses (exit 2, naming the file, key and line) a key written twice where Terraform would reject it or
 * where reading it is not certain; returns the document with repeated top-level block types of a
 * *.tf.json gathered into the list form (`"resource": [{...}, {...}]`), which is how Terraform reads them.
 */
export function checkDuplicateKeys(
  path: string,
  text: string,
  kind: InputKind,
  document: Record<string, unknown>,
  /** The top-level duplicates when the caller already scanned for them (scanTopLevel). */
  topLevel?: DuplicateKey[],
): Record<string, unknown> {
  const plan = kind === "terraform-plan";
  if (plan) {
    const first = (topLevel ?? scanDuplicateKeys(text, { topLevelOnly: true }).topLevel)[0];
    if (first) throw new InputError(path, `${describeDuplicate(first)}; "terraform show -json" never writes a key twice, so this plan was edited and which value counts is not certain`);
    return document;
  }
  const scan = scanDuplicateKeys(text);
  if (scan.nested) {
    throw new InputError(path, `${describeDuplicate(scan.nested)}; Terraform rejects an argument set twice ("Duplicate argument") and reads a repeated block type as several blocks, which the input cannot tell apart without the provider schema: write the key once (a list of blocks for several blocks)`);
  }
  if (scan.topLevel.length === 0) return document;
  const notBlock = scan.topLevel.find((d) => !TOP_LEVEL_BLOCKS.has(d.key));
  if (notBlock) throw new InputError(path, `${describeDuplicate(notBlock)}; only block types (${[...TOP_LEVEL_BLOCKS].join(", ")}) may repeat at the top level`);
  const repeated = new Set(scan.topLevel.map((d) => d.key));
  const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  for (const [key, value] of Object.entries(document)) if (!repeated.has(key)) out[key] = value;
  for (const entry of scan.entries) {
    if (!repeated.has(entry.key)) continue;
    const value = JSON.parse(text.slice(entry.start, entry.end)) as unknown;
    const list = (out[entry.key] ??= []) as unknown[];
    if (Array.isArray(value)) for (const v of value) list.push(v);
    else list.push(value);
  }
  for (const d of scan.topLevel) {
    if (!(d.key in out)) throw new InputError(path, `${describeDuplicate(d)}; a repeated block type must hold an object each time`);
  }
  return out;
}
