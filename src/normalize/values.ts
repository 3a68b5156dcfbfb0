import { InputError } from "../errors.js";

/** Deeper than any real plan or stack (WAF rule statements nest deepest); a hostile file must not overflow a recursive walk. */
export const MAX_DEPTH = 200;

/** Copy without null leaves: a null attribute is an unset attribute, so rules see it as absent. */
export function dropNulls(value: unknown, file: string, depth = 0): unknown {
  if (depth > MAX_DEPTH) throw new InputError(file, `JSON nesting deeper than ${MAX_DEPTH} levels in resource values`);
  if (Array.isArray(value)) return value.filter((v) => v !== null).map((v) => dropNulls(v, file, depth + 1));
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== null) out[k] = dropNulls(v, file, depth + 1);
    return out;
  }
  return value;
}

/** Dotted paths of the `true` leaves of a plan's after_unknown tree. */
export function unknownPaths(tree: unknown, file: string): string[] {
  const out: string[] = [];
  const walk = (node: unknown, path: string, depth: number) => {
    if (depth > MAX_DEPTH) throw new InputError(file, `after_unknown nesting deeper than ${MAX_DEPTH} levels`);
    if (node === true) {
      if (path !== "") out.push(path);
    } else if (Array.isArray(node)) node.forEach((v, i) => walk(v, path === "" ? String(i) : `${path}.${i}`, depth + 1));
    else if (node && typeof node === "object") {
      for (const [k, v] of Object.entries(node)) walk(v, path === "" ? k : `${path}.${k}`, depth + 1);
    }
  };
  walk(tree, "", 0);
  return out;
}
