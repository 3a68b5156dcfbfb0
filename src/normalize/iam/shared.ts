import type { DraftResource, Statement } from "../model.js";

/** What reading one policy document gives: its statements, or why they cannot be read (a rule then reports "cannot verify"). */
export type PolicyRead = { statements: Statement[] } | { unreadable: string };

export type { Json } from "../../json.js";

/**
 * True for the address of a resource that this input creates or manages: a Resource value that is a
 * reference to it names one specific resource whose ARN is not known yet. A reference to anything
 * else (a data source read at apply, a variable) says nothing about what the value will be.
 */
export type IsSpecific = (address: string) => boolean;

export const NOTHING_SPECIFIC: IsSpecific = () => false;

export function unreadable(reason: string): PolicyRead {
  return { unreadable: reason };
}

/** push(...items) has an argument-count limit (a document with 200k statements overflows it). */
export function append<T>(target: T[], items: T[]): void {
  for (const item of items) target.push(item);
}

/** IAM JSON and policy-document blocks accept one value or a list of them for the same field. */
export function toList(value: unknown): unknown[] {
  return Array.isArray(value) ? value : value === undefined ? [] : [value];
}

/** The attribute, or some element or key of it, is unknown until apply (plans list `attr.1`, not `attr`). */
export function unknownAt(res: DraftResource, attribute: string): boolean {
  return res.unknown.includes(attribute) || hasUnknownUnder(res, attribute);
}

export function hasUnknownUnder(res: DraftResource, attribute: string): boolean {
  return res.unknown.some((p) => p.startsWith(attribute + "."));
}

/** Refs recorded at `path` or, failing that, at its nearest ancestor. */
export function refsAt(res: { refs: Record<string, string[]> }, path: string): string[] {
  const parts = path.split(".");
  for (let i = parts.length; i > 0; i--) {
    const found = res.refs[parts.slice(0, i).join(".")];
    if (found) return found;
  }
  return [];
}

/**
 * A block value as a string. Model values are prototype-less records (values.ts dict), which String()
 * cannot convert; anything that is not a string is shown as its JSON.
 */
export function text(value: unknown): string {
  return typeof value === "string" ? value : (JSON.stringify(value) ?? String(value));
}
