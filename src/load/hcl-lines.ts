/** Where a resource or data block and its arguments are, in a .tf (hcl-body.ts) or *.tf.json file. */
export interface BlockLines {
  /** "resource.T.N" or "data.T.N". */
  key: string;
  line: number;
  attributes: Record<string, number>;
  /**
   * .tf files: the top-level arguments and nested blocks of the body whose value is more than a bare
   * reference (a jsonencode, a map literal, a template, a local), i.e. where the source may know
   * more than a plan that says "unknown, references X". Absent for *.tf.json (read the body).
   */
  rich?: string[];
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
