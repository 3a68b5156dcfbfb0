/** A parsed JSON object, as the readers walk it; shared by every stage, so it sits below them all. */
export type Json = Record<string, unknown>;

export function isObject(value: unknown): value is Json {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}
