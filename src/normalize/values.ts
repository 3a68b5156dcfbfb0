import { InputError } from "../errors.js";

/** Deeper than any real plan or stack (WAF rule statements nest deepest); a hostile file must not overflow a recursive walk. */
export const MAX_DEPTH = 200;

/**
 * An object without a prototype, for every record keyed by user data (attribute names, map keys,
 * addresses, types): a key such as "__proto__" or "toString" is then an ordinary own key, never the
 * prototype or an inherited method (a plain `{}` would silently drop `{"__proto__": "AKIA..."}`).
 * Made by setting the prototype of an empty literal rather than Object.create(null): V8 gives the
 * latter a hash-table ("dictionary mode") representation from the start, which for the millions of
 * small records of a large plan's model measured a third more heap and a slower JSON.stringify when
 * the partitions are rendered; this one keeps the shared-shape representation of `{}`.
 */
export function dict<T = unknown>(): Record<string, T> {
  return Object.setPrototypeOf({}, null) as Record<string, T>;
}

/** True when a parsed JSON value nests deeper than `limit` (iterative, so any depth is safe to ask about). */
export function nestsDeeperThan(value: unknown, limit: number): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (node === null || typeof node !== "object") continue;
    if (depth >= limit) return true;
    for (const child of Array.isArray(node) ? node : Object.values(node)) stack.push([child, depth + 1]);
  }
  return false;
}

/** Copy without null leaves: a null attribute is an unset attribute, so rules see it as absent. */
export function dropNulls(value: unknown, file: string, depth = 0): unknown {
  if (depth > MAX_DEPTH) throw new InputError(file, `JSON nesting deeper than ${MAX_DEPTH} levels in resource values`);
  if (Array.isArray(value)) return value.filter((v) => v !== null).map((v) => dropNulls(v, file, depth + 1));
  if (value && typeof value === "object") {
    const out = dict();
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
