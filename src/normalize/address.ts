/** Index brackets of an address: [0], ["key"], with escaped quotes inside keys. */
const INDEX = /\[(?:\d+|"(?:[^"\\]|\\.)*")\]/g;

/** `module.a[0].aws_x.y["k"]` → `module.a.aws_x.y`: the address as the configuration names it. */
export function configAddress(address: string): string {
  return address.replace(INDEX, "");
}

/** The module part of a resource address (`module.a[0]` of `module.a[0].aws_x.y`), "" for root. */
export function modulePrefix(address: string): string {
  const parts = splitAddress(address);
  let end = 0;
  while (end < parts.length && parts[end] === "module") end += 2;
  return joinAddress(parts.slice(0, end));
}

/** Splits on dots that are not inside index brackets. */
export function splitAddress(address: string): string[] {
  // Most addresses have no index at all (a plain split; this runs for every reference of every resource).
  if (address.indexOf("[") === -1 && address.indexOf("]") === -1 && address.indexOf('"') === -1) return address.split(".");
  const parts: string[] = [];
  let start = 0;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < address.length; i++) {
    const c = address[i]!;
    if (inString) {
      if (c === "\\") i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    else if (c === "[") depth++;
    else if (c === "]") depth--;
    else if (c === "." && depth === 0) {
      parts.push(address.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(address.slice(start));
  return parts;
}

function joinAddress(parts: string[]): string {
  return parts.join(".");
}

/** A resource type name has a provider prefix and an underscore: aws_iam_role, random_id. */
export function looksLikeResourceType(word: string): boolean {
  return /^[a-z][a-z0-9]*_[a-z0-9_]+$/.test(word);
}
