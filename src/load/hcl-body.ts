import { InputError } from "../errors.js";
import type { Json } from "../json.js";
import type { BlockLines } from "./hcl-lines.js";

/**
 * A .tf file (HCL native syntax) in the shape of Terraform's JSON syntax, with the lines of its
 * resource and data blocks: blocks become lists of bodies under their type (and labels), arguments
 * become JSON literals when they are literals and `"${<expression text>}"` strings otherwise, which
 * the *.tf.json reader then parses with its own expression parser (src/normalize/hcl-expr.ts).
 *
 * One pass over the text, synchronous. It knows what decides where an argument ends: quoted
 * templates with `${...}` / `%{...}` inside, heredocs, the three comment forms, and bracket nesting
 * (a newline ends an argument only outside brackets). It rejects what would make the structure
 * ambiguous (an unclosed block, string, template or comment; a statement that is not `name = …` or
 * `type "label" {`; an argument set twice), naming the file and line. It does not check expressions:
 * one our expression parser cannot read becomes "unknown" where it is used, never a known value.
 *
 * (@cdktf/hcl2json, HCL's own parser compiled to wasm, parses ~135 KB/s on this machine: 40 s for the
 * 5 MB root module of a 1,000-service estate. test/load/hcl-body.test.ts holds this reader to it on
 * every .tf file of the fixtures.)
 */
export function parseHclFile(file: string, text: string): { document: Json; blocks: BlockLines[] } {
  const parser = new Parser(file, text);
  const document = parser.body(false, 0);
  return { document, blocks: parser.blocks };
}

/** A .tf file scanned for its structure only; values are parsed when asked for. */
export interface ScannedHclFile {
  /** Resource and data blocks with their lines, and which arguments write more than a reference. */
  blocks: BlockLines[];
  /** The body of one block ("resource.T.N" / "data.T.N"), parsed now (the first block of that key). */
  bodyOf(key: string): Json;
  /** The whole file in Terraform JSON form, parsed on first call. */
  document(): Json;
}

/**
 * The whole file is scanned (so a broken file is refused at once and every line is known) but no
 * value is built: reports need only the lines, and values are read for the few resources a plan does
 * not know (src/normalize/source-values.ts).
 */
export function scanHclFile(file: string, text: string): ScannedHclFile {
  const parser = new Parser(file, text, true);
  parser.body(false, 0);
  const starts = new Map<string, { pos: number; line: number }>();
  parser.blocks.forEach((b, i) => {
    if (!starts.has(b.key)) starts.set(b.key, parser.bodyStarts[i]!);
  });
  let document: Json | undefined;
  return {
    blocks: parser.blocks,
    bodyOf: (key) => {
      const start = starts.get(key);
      if (!start) return Object.create(null) as Json;
      const again = new Parser(file, text);
      again.pos = start.pos;
      again.line = start.line;
      return again.body(true, 1);
    },
    document: () => (document ??= parseHclFile(file, text).document),
  };
}

const enum C {
  Tab = 9,
  Newline = 10,
  Return = 13,
  Space = 32,
  Quote = 34,
  Hash = 35,
  Dollar = 36,
  Percent = 37,
  OpenParen = 40,
  CloseParen = 41,
  Star = 42,
  Slash = 47,
  Less = 60,
  Equals = 61,
  Greater = 62,
  OpenBracket = 91,
  Backslash = 92,
  CloseBracket = 93,
  OpenBrace = 123,
  CloseBrace = 125,
}

const MAX_NESTING = 64;
const NUMBER = /^-?[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?$/;

class Parser {
  pos = 0;
  line = 1;
  readonly blocks: BlockLines[] = [];
  constructor(
    private readonly file: string,
    private readonly text: string,
    /** Scan only (scanHclFile): nothing is built, resource bodies' starts are noted. */
    scanOnly = false,
  ) {
    this.building = !scanOnly;
  }

  /** Whether values are being built. */
  private building: boolean;
  /** Where each of `blocks` opens its body (after its `{`), for parsing it later. */
  readonly bodyStarts: { pos: number; line: number }[] = [];

  private fail(message: string, line = this.line): never {
    throw new InputError(this.file, `not valid HCL: ${this.file}:${line}: ${message} (pass --source DIR with the plan's configuration)`);
  }

  /** Statements up to the closing brace (closing) or the end of the file. */
  /** Some argument since this was last reset writes more than a bare reference. */
  private sawRich = false;

  body(closing: boolean, depth: number, lines?: Record<string, number>, rich?: Set<string>): Json {
    if (depth > MAX_NESTING) this.fail(`blocks nest deeper than ${MAX_NESTING} levels`);
    const out: Json = Object.create(null) as Json;
    const opened = this.line;
    for (;;) {
      this.skipBlank(true);
      if (this.pos >= this.text.length) {
        if (closing) this.fail("a block is not closed (missing })", opened);
        return out;
      }
      const c = this.text.charCodeAt(this.pos);
      if (c === C.CloseBrace) {
        if (!closing) this.fail("unexpected }");
        this.pos++;
        return out;
      }
      const at = this.line;
      const name = this.identifier();
      if (name === null) this.fail(`expected an argument or a block, found ${JSON.stringify(this.text[this.pos])}`);
      this.skipBlank(false);
      if (this.text.charCodeAt(this.pos) === C.Equals && this.text.charCodeAt(this.pos + 1) !== C.Equals) {
        this.pos++;
        if (Object.hasOwn(out, name)) this.fail(`the argument ${JSON.stringify(name)} is set twice`);
        const expression = this.expression();
        out[name] = this.building ? literalOrExpression(expression) : true;
        if (writesMoreThanAReference(expression)) {
          this.sawRich = true;
          rich?.add(name);
        }
        if (lines && !Object.hasOwn(lines, name)) lines[name] = at;
        this.endOfStatement();
        continue;
      }
      const labels: string[] = [];
      for (;;) {
        this.skipBlank(false);
        const d = this.text.charCodeAt(this.pos);
        if (d === C.Quote) {
          this.pos++;
          labels.push(this.label());
          continue;
        }
        const bare = this.identifier();
        if (bare === null) break;
        labels.push(bare);
      }
      if (this.text.charCodeAt(this.pos) !== C.OpenBrace) this.fail(`expected = or { after ${JSON.stringify(name)}`);
      this.pos++;
      const topLevelBlock = depth === 0 && (name === "resource" || name === "data") && labels.length === 2;
      const attributes: Record<string, number> | undefined = topLevelBlock ? {} : undefined;
      const richNames = topLevelBlock ? new Set<string>() : undefined;
      if (topLevelBlock) {
        this.blocks.push({ key: `${name}.${labels[0]}.${labels[1]}`, line: at, attributes: attributes!, rich: [] });
        this.bodyStarts.push({ pos: this.pos, line: this.line });
      }
      const outerRich = this.sawRich;
      this.sawRich = false;
      const noteRich = () => {
        if (this.sawRich && rich) {
          rich.add(name);
          if (name === "dynamic" && labels[0] !== undefined) rich.add(labels[0]);
        }
        if (richNames) this.blocks[this.blocks.length - 1]!.rich = [...richNames].sort();
        this.sawRich ||= outerRich;
      };
      const inner = this.body(true, depth + 1, attributes, richNames);
      noteRich();
      if (lines) {
        if (!Object.hasOwn(lines, name)) lines[name] = at;
        // `dynamic "statement" {` writes the block named by its label: findings name that block.
        if (name === "dynamic" && labels[0] !== undefined && !Object.hasOwn(lines, labels[0])) lines[labels[0]] = at;
      }
      if (this.building) addBlock(out, name, labels, inner);
      this.endOfStatement();
    }
  }

  /** After an argument or a block: a newline, a comment, the end, or the enclosing block's `}`. */
  private endOfStatement(): void {
    this.skipBlank(false);
    const c = this.text.charCodeAt(this.pos);
    if (this.pos >= this.text.length || c === C.Newline || c === C.CloseBrace) return;
    this.fail(`unexpected ${JSON.stringify(this.text[this.pos])} after a statement (one argument or block per line)`);
  }

  private identifier(): string | null {
    const start = this.pos;
    const first = this.text.charCodeAt(start);
    if (!isIdentStart(first)) return null;
    let i = start + 1;
    while (i < this.text.length && isIdentPart(this.text.charCodeAt(i))) i++;
    this.pos = i;
    return this.text.slice(start, i);
  }

  /** A quoted block label (after its opening quote): literal text only. */
  private label(): string {
    const start = this.pos;
    const end = this.skipQuoted();
    const raw = this.text.slice(start, end);
    if (!raw.includes("\\")) return raw;
    try {
      return JSON.parse(`"${raw}"`) as string;
    } catch {
      return raw;
    }
  }

  /** Spaces, tabs and comments; newlines too when `newlines`. A `#`/`//` comment stops before its newline. */
  private skipBlank(newlines: boolean): void {
    const t = this.text;
    while (this.pos < t.length) {
      const c = t.charCodeAt(this.pos);
      if (c === C.Space || c === C.Tab || c === C.Return) this.pos++;
      else if (c === C.Newline) {
        if (!newlines) return;
        this.line++;
        this.pos++;
      } else if (c === C.Hash || (c === C.Slash && t.charCodeAt(this.pos + 1) === C.Slash)) {
        while (this.pos < t.length && t.charCodeAt(this.pos) !== C.Newline) this.pos++;
      } else if (c === C.Slash && t.charCodeAt(this.pos + 1) === C.Star) this.skipBlockComment();
      else return;
    }
  }

  private skipBlockComment(): void {
    const start = this.line;
    const end = this.text.indexOf("*/", this.pos + 2);
    if (end < 0) this.fail("a /* comment is not closed", start);
    this.countLines(this.pos, end + 2);
    this.pos = end + 2;
  }

  private countLines(from: number, to: number): void {
    for (let i = from; i < to; i++) if (this.text.charCodeAt(i) === C.Newline) this.line++;
  }

  /**
   * The text of an argument's expression: up to a newline outside brackets, a comment there, or the
   * `}` of the enclosing block (`content { a = x.value }`).
   */
  private expression(): string {
    const t = this.text;
    this.skipBlank(false);
    const start = this.pos;
    const startLine = this.line;
    // Open brackets, innermost last: a `}` that closes a `[` is the block's, and the bracket was never closed.
    const open: number[] = [];
    let end = -1;
    while (this.pos < t.length) {
      const c = t.charCodeAt(this.pos);
      if (c === C.Quote) {
        this.pos++;
        this.skipQuoted();
      } else if (c === C.Less && t.charCodeAt(this.pos + 1) === C.Less && this.heredoc()) {
        continue;
      } else if (c === C.OpenParen || c === C.OpenBracket || c === C.OpenBrace) {
        open.push(c === C.OpenParen ? C.CloseParen : c === C.OpenBracket ? C.CloseBracket : C.CloseBrace);
        this.pos++;
      } else if (c === C.CloseParen || c === C.CloseBracket || c === C.CloseBrace) {
        if (open.length === 0) {
          if (c !== C.CloseBrace) this.fail(`unbalanced ${t[this.pos]}`);
          end = this.pos;
          break;
        }
        if (open.pop() !== c) this.fail("an expression's brackets are not closed", startLine);
        this.pos++;
      } else if (c === C.Newline) {
        if (open.length === 0) {
          end = this.pos;
          break;
        }
        this.line++;
        this.pos++;
      } else if (c === C.Hash || (c === C.Slash && t.charCodeAt(this.pos + 1) === C.Slash)) {
        if (open.length === 0) {
          end = this.pos;
          while (this.pos < t.length && t.charCodeAt(this.pos) !== C.Newline) this.pos++;
          break;
        }
        while (this.pos < t.length && t.charCodeAt(this.pos) !== C.Newline) this.pos++;
      } else if (c === C.Slash && t.charCodeAt(this.pos + 1) === C.Star) {
        this.skipBlockComment();
      } else this.pos++;
    }
    if (open.length > 0) this.fail("an expression's brackets are not closed", startLine);
    const text = t.slice(start, end < 0 ? this.pos : end).trim();
    if (text === "") this.fail("an argument has no value", startLine);
    return text;
  }

  /** Skips a quoted string or template after its opening quote; returns the index of its closing quote. */
  private skipQuoted(): number {
    const t = this.text;
    const startLine = this.line;
    while (this.pos < t.length) {
      const c = t.charCodeAt(this.pos);
      if (c === C.Backslash) this.pos += 2;
      else if (c === C.Quote) {
        const end = this.pos;
        this.pos++;
        return end;
      } else if (c === C.Newline) this.fail("a quoted string is not closed on its line", startLine);
      else if ((c === C.Dollar || c === C.Percent) && t.charCodeAt(this.pos + 1) === C.OpenBrace) {
        if (this.pos > 0 && t.charCodeAt(this.pos - 1) === c) this.pos += 2; // $${ / %%{: literal text
        else {
          this.pos += 2;
          this.skipTemplate(startLine);
        }
      } else this.pos++;
    }
    return this.fail("a quoted string is not closed", startLine);
  }

  /** Skips the inside of `${...}` / `%{...}` (after the brace): nested braces, strings, heredocs, newlines. */
  private skipTemplate(startLine: number): void {
    const t = this.text;
    let braces = 1;
    while (this.pos < t.length) {
      const c = t.charCodeAt(this.pos);
      if (c === C.Quote) {
        this.pos++;
        this.skipQuoted();
        continue;
      }
      if (c === C.Newline) this.line++;
      else if (c === C.OpenBrace) braces++;
      else if (c === C.CloseBrace && --braces === 0) {
        this.pos++;
        return;
      }
      this.pos++;
    }
    this.fail("a ${ template is not closed", startLine);
  }

  /** A heredoc at pos (`<<EOF` / `<<-EOF` and a newline): skips to just after its marker line. False when `<<` is not one. */
  private heredoc(): boolean {
    const m = /^<<-?([A-Za-z_][A-Za-z0-9_-]*)[ \t]*\r?\n/.exec(this.text.slice(this.pos, this.pos + 256));
    if (!m) return false;
    const marker = m[1]!;
    const startLine = this.line;
    this.pos += m[0].length;
    this.line++;
    const t = this.text;
    for (;;) {
      if (this.pos >= t.length) this.fail(`the heredoc <<${marker} is not closed`, startLine);
      const eol = t.indexOf("\n", this.pos);
      const end = eol < 0 ? t.length : eol;
      const isMarker = t.slice(this.pos, end).trim() === marker;
      this.pos = end;
      if (isMarker) return true;
      if (eol < 0) this.fail(`the heredoc <<${marker} is not closed`, startLine);
      this.pos++;
      this.line++;
    }
  }
}

const BARE_REFERENCE = /^[A-Za-z_][\w-]*(\.[A-Za-z_][\w-]*|\[[^\][(){}"]*\])*$/;

/**
 * An expression that may show more than a plan that says "unknown, references X": not a literal,
 * not one bare resource reference nor a list of them. A local or a variable may hold a jsonencode
 * or a map literal, so those count.
 */
export function writesMoreThanAReference(expression: string): boolean {
  const text = expression.trim();
  if (NUMBER.test(text) || text === "true" || text === "false" || text === "null") return false;
  if (BARE_REFERENCE.test(text)) return text.startsWith("local.") || text.startsWith("var.");
  if (text.startsWith("[") && text.endsWith("]")) {
    const items = text.slice(1, -1).split(",").map((i) => i.trim()).filter((i) => i !== "");
    if (items.every((i) => BARE_REFERENCE.test(i) && !i.startsWith("local.") && !i.startsWith("var."))) return false;
  }
  // A quoted string without templates is a literal, which a plan knows.
  if (text.startsWith('"') && text.endsWith('"') && !text.includes("${") && !text.includes("%{")) return false;
  return true;
}

function isIdentStart(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}

function isIdentPart(c: number): boolean {
  return isIdentStart(c) || (c >= 48 && c <= 57) || c === 45;
}

/** Blocks of one type collect in a list; labels nest as objects (`resource "T" "N"` → resource.T.N[]). */
function addBlock(out: Json, name: string, labels: string[], body: Json): void {
  if (labels.length === 0) {
    const list = (out[name] ??= []) as Json[];
    list.push(body);
    return;
  }
  let at = (out[name] ??= Object.create(null) as Json) as Json;
  for (const label of labels.slice(0, -1)) at = (at[label] ??= Object.create(null) as Json) as Json;
  const last = labels[labels.length - 1]!;
  const list = (at[last] ??= []) as Json[];
  list.push(body);
}

/**
 * A literal as its JSON value (numbers, true/false/null, a quoted string without templates); any
 * other expression as `${text}`, which is how Terraform's JSON syntax writes an expression.
 */
function literalOrExpression(text: string): unknown {
  if (NUMBER.test(text)) return Number(text);
  const heredoc = heredocTemplate(text);
  if (heredoc !== null) return heredoc;
  if (text === "true") return true;
  if (text === "false") return false;
  if (text === "null") return null;
  if (text.length >= 2 && text.charCodeAt(0) === C.Quote && text.charCodeAt(text.length - 1) === C.Quote) {
    const inner = text.slice(1, -1);
    // One string literal (no quote inside but escaped ones) without template sequences: its text.
    if (!/(?<!\\)"/.test(inner.replace(/\\\\/g, "")) && !inner.includes("${") && !inner.includes("%{")) {
      const decoded = decodeEscapes(inner);
      if (decoded !== null) return decoded;
    }
  }
  return `\${${text}}`;
}

/**
 * A heredoc argument as the template it is (`<<-` strips the smallest indentation of its lines), in
 * the JSON syntax's form: a string whose `${...}` / `%{...}` are its template sequences. Null when
 * the text is not one heredoc.
 */
function heredocTemplate(text: string): string | null {
  const m = /^<<(-?)([A-Za-z_][A-Za-z0-9_-]*)[ \t]*\r?\n([^]*?)\r?\n[ \t]*\2[ \t]*$/.exec(text);
  if (!m) return null;
  let lines = m[3]!.split(/\r?\n/);
  if (m[1] === "-") {
    const indents = lines.filter((l) => l.trim() !== "").map((l) => /^[ \t]*/.exec(l)![0].length);
    const strip = indents.length === 0 ? 0 : Math.min(...indents);
    lines = lines.map((l) => l.slice(Math.min(strip, /^[ \t]*/.exec(l)![0].length)));
  }
  return lines.join("\n") + "\n";
}

const ESCAPES: Record<string, string> = { n: "\n", r: "\r", t: "\t", '"': '"', "\\": "\\" };

function decodeEscapes(inner: string): string | null {
  let out = "";
  for (let i = 0; i < inner.length; i++) {
    const c = inner[i]!;
    if (c !== "\\") {
      out += c;
      continue;
    }
    const next = inner[i + 1];
    if (next === undefined) return null;
    if (ESCAPES[next] !== undefined) {
      out += ESCAPES[next];
      i++;
    } else if (next === "u" && /^[0-9A-Fa-f]{4}$/.test(inner.slice(i + 2, i + 6))) {
      out += String.fromCharCode(parseInt(inner.slice(i + 2, i + 6), 16));
      i += 5;
    } else if (next === "U" && /^[0-9A-Fa-f]{8}$/.test(inner.slice(i + 2, i + 10))) {
      out += String.fromCodePoint(parseInt(inner.slice(i + 2, i + 10), 16));
      i += 9;
    } else return null;
  }
  return out;
}
