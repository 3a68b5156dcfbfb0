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
  // A child's path is built only when the child is `true` or a container: most leaves are `false`.
  const walk = (node: object, path: string, depth: number) => {
    // A leaf counts as one level deeper than its container, as when every leaf was walked.
    const keys = Array.isArray(node) ? null : Object.keys(node);
    if (depth > MAX_DEPTH || (depth === MAX_DEPTH && (keys ? keys.length : (node as unknown[]).length) > 0)) {
      throw new InputError(file, `after_unknown nesting deeper than ${MAX_DEPTH} levels`);
    }
    const prefix = path === "" ? "" : `${path}.`;
    if (keys === null) {
      const list = node as unknown[];
      for (let i = 0; i < list.length; i++) {
        const v: unknown = list[i];
        if (v === true) out.push(`${prefix}${i}`);
        else if (v !== null && typeof v === "object") walk(v, `${prefix}${i}`, depth + 1);
      }
    } else {
      for (const k of keys) {
        const v: unknown = (node as Record<string, unknown>)[k];
        if (v === true) out.push(`${prefix}${k}`);
        else if (v !== null && typeof v === "object") walk(v, `${prefix}${k}`, depth + 1);
      }
    }
  };
  if (tree !== null && typeof tree === "object") walk(tree, "", 0);
  return out;
}
