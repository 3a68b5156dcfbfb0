/**
 * Lines of the resource and data blocks of a .tf file, and of the top-level arguments and nested
 * blocks of their bodies. The HCL parser (hcl2json) gives the structure but no positions, so this
 * scanner finds them: it understands strings with ${...} templates, heredocs, the three comment
 * forms and brace nesting, just enough that a brace or a `resource "a" "b" {` inside any of those is
 * not taken for structure.
 */
export interface BlockLines {
  /** "resource.T.N" or "data.T.N". */
  key: string;
  line: number;
  attributes: Record<string, number>;
}

type Token =
  | { kind: "ident"; text: string; line: number }
  | { kind: "string"; text: string; line: number }
  | { kind: "open" | "close" | "equals" | "newline" | "other"; line: number };

export function hclBlockLines(text: string): BlockLines[] {
  const tokens = tokenize(text);
  const out: BlockLines[] = [];
  let depth = 0;
  // Statement start: the first token of a line, or the first after a block's opening brace.
  let atStart = true;
  let current: BlockLines | null = null;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.kind === "newline") {
      atStart = true;
      continue;
    }
    const start = atStart;
    atStart = false;
    if (t.kind === "open") {
      depth++;
      if (depth === 1) atStart = true;
      continue;
    }
    if (t.kind === "close") {
      depth = Math.max(0, depth - 1);
      if (depth === 0) current = null;
      continue;
    }
    if (!start || t.kind !== "ident") continue;
    if (depth === 0) {
      // `resource "T" "N" {` / `data "T" "N" {`: labels may also be bare identifiers.
      const l1 = tokens[i + 1];
      const l2 = tokens[i + 2];
      const brace = tokens[i + 3];
      if ((t.text === "resource" || t.text === "data") && isLabel(l1) && isLabel(l2) && brace?.kind === "open") {
        current = { key: `${t.text}.${labelText(l1)}.${labelText(l2)}`, line: t.line, attributes: {} };
        out.push(current);
      }
      continue;
    }
    if (depth !== 1 || !current) continue;
    // A body statement: `name =` (argument) or `name [labels] {` (nested block).
    const next = tokens[i + 1];
    if (next?.kind === "equals") {
      if (!Object.hasOwn(current.attributes, t.text)) current.attributes[t.text] = t.line;
      continue;
    }
    let j = i + 1;
    const labels: string[] = [];
    for (; isLabel(tokens[j]); j++) labels.push(labelText(tokens[j]!));
    if (tokens[j]?.kind !== "open") continue;
    if (!Object.hasOwn(current.attributes, t.text)) current.attributes[t.text] = t.line;
    // `dynamic "statement" {` writes the block named by its label: findings name that block.
    if (t.text === "dynamic" && labels[0] !== undefined && !Object.hasOwn(current.attributes, labels[0])) current.attributes[labels[0]] = t.line;
  }
  return out;
}

function isLabel(t: Token | undefined): boolean {
  return t !== undefined && (t.kind === "string" || t.kind === "ident");
}

function labelText(t: Token): string {
  return t.kind === "string" || t.kind === "ident" ? t.text : "";
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let line = 1;
  let i = 0;
  const n = text.length;

  /** Skips a quoted string starting after its opening quote; returns its literal text (templates left out). */
  const skipString = (): string => {
    let value = "";
    while (i < n) {
      const c = text[i]!;
      if (c === "\\") {
        value += text[i + 1] ?? "";
        i += 2;
        continue;
      }
      if (c === '"') {
        i++;
        return value;
      }
      if (c === "\n") {
        // a quoted string cannot span lines: treat the line end as its end, so one typo does not hide the file
        return value;
      }
      if ((c === "$" || c === "%") && text[i + 1] === "{") {
        if (text[i - 1] === c) {
          // $${ and %%{ are literal
          value += "{";
          i += 2;
          continue;
        }
        i += 2;
        skipTemplate();
        continue;
      }
      value += c;
      i++;
    }
    return value;
  };

  /** Skips a ${...} / %{...} template expression, nested braces and strings included. */
  const skipTemplate = (): void => {
    let braces = 1;
    while (i < n && braces > 0) {
      const c = text[i]!;
      if (c === '"') {
        i++;
        skipString();
        continue;
      }
      if (c === "\n") line++;
      if (c === "{") braces++;
      else if (c === "}") braces--;
      i++;
    }
  };

  while (i < n) {
    const c = text[i]!;
    if (c === "\n") {
      tokens.push({ kind: "newline", line });
      line++;
      i++;
      continue;
    }
    if (c === " " || c === "\t" || c === "\r") {
      i++;
      continue;
    }
    if (c === "#" || (c === "/" && text[i + 1] === "/")) {
      while (i < n && text[i] !== "\n") i++;
      continue;
    }
    if (c === "/" && text[i + 1] === "*") {
      const end = text.indexOf("*/", i + 2);
      const stop = end < 0 ? n : end + 2;
      for (let k = i; k < stop; k++) if (text[k] === "\n") line++;
      i = stop;
      continue;
    }
    if (c === '"') {
      const at = line;
      i++;
      tokens.push({ kind: "string", text: skipString(), line: at });
      continue;
    }
    if (c === "<" && text[i + 1] === "<") {
      const m = /^<<-?([A-Za-z_][A-Za-z0-9_-]*)[ \t]*\r?\n/.exec(text.slice(i, i + 256));
      if (m) {
        // Heredoc: its body runs to the line that holds only the marker.
        const marker = m[1]!;
        tokens.push({ kind: "other", line });
        i += m[0].length;
        line++;
        while (i < n) {
          const eol = text.indexOf("\n", i);
          const end = eol < 0 ? n : eol;
          const body = text.slice(i, end).trim();
          i = end;
          if (body === marker) break;
          if (eol < 0) break;
          i++;
          line++;
        }
        continue;
      }
    }
    if (c === "{") {
      tokens.push({ kind: "open", line });
      i++;
      continue;
    }
    if (c === "}") {
      tokens.push({ kind: "close", line });
      i++;
      continue;
    }
    if (c === "=" && text[i + 1] !== "=" && text[i + 1] !== ">" && text[i - 1] !== "=" && text[i - 1] !== "!" && text[i - 1] !== "<" && text[i - 1] !== ">") {
      tokens.push({ kind: "equals", line });
      i++;
      continue;
    }
    if (/[A-Za-z_]/.test(c)) {
      let j = i + 1;
      while (j < n && /[A-Za-z0-9_-]/.test(text[j]!)) j++;
      tokens.push({ kind: "ident", text: text.slice(i, j), line });
      i = j;
      continue;
    }
    tokens.push({ kind: "other", line });
    i++;
  }
  return tokens;
}

/**
 * Lines of `resource`/`data` block keys in a *.tf.json file ({"resource": {"T": {"N": {...}}}}), and
 * of the top-level keys of each body. One pass over the JSON text, strings skipped.
 */
export function jsonBlockLines(text: string): BlockLines[] {
  const out: BlockLines[] = [];
  const path: (string | null)[] = [];
  let line = 1;
  let pendingKey: { text: string; line: number } | null = null;
  let current: BlockLines | null = null;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === "\n") line++;
    else if (c === '"') {
      const at = line;
      let value = "";
      for (i++; i < text.length && text[i] !== '"'; i++) {
        if (text[i] === "\\") {
          value += text[i + 1];
          i++;
        } else value += text[i];
      }
      // A string followed by ':' is a key.
      let k = i + 1;
      while (k < text.length && /\s/.test(text[k]!)) {
        if (text[k] === "\n") line++;
        k++;
      }
      if (text[k] === ":") {
        pendingKey = { text: value, line: at };
        // keys at the body level of a block
        if (path.length === 4 && current && !Object.hasOwn(current.attributes, value)) {
          current.attributes[value] = at;
        }
      }
      i = k - 1;
    } else if (c === "{" || c === "[") {
      const key = c === "{" ? (pendingKey?.text ?? null) : null;
      const keyLine = pendingKey?.line ?? line;
      pendingKey = null;
      // path holds the root object first: [root, "resource", T] when N's body opens
      if (c === "{" && path.length === 3 && (path[1] === "resource" || path[1] === "data") && key !== null) {
        current = { key: `${path[1]}.${path[2]}.${key}`, line: keyLine, attributes: {} };
        out.push(current);
      }
      path.push(key);
    } else if (c === "}" || c === "]") {
      path.pop();
      if (path.length < 4) current = null;
      pendingKey = null;
    } else if (c === ",") pendingKey = null;
  }
  return out;
}
