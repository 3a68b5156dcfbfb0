import type { SourceTree } from "../load/types.js";
import type { ModelResource } from "./model.js";

/**
 * The configuration address of a plan instance: instance keys dropped, so every instance of a
 * for_each/count block (and of a module called with for_each) points at the one block that made it.
 * `module.a["k"].aws_x.y[0]` → `module.a.aws_x.y`.
 */
export function configAddress(address: string): string {
  let out = "";
  for (let i = 0; i < address.length; i++) {
    const c = address[i]!;
    if (c === "[") {
      // skip to the matching bracket; a string key may hold brackets and escaped quotes
      let inString = false;
      for (i++; i < address.length; i++) {
        const d = address[i]!;
        if (inString) {
          if (d === "\\") i++;
          else if (d === '"') inString = false;
        } else if (d === '"') inString = true;
        else if (d === "]") break;
      }
      continue;
    }
    out += c;
  }
  return out;
}

/** Points each resource's origin at its block in the .tf source, when the source has the block. */
export function applySourceOrigins(resources: Record<string, ModelResource>, source: SourceTree | undefined): void {
  if (!source) return;
  for (const resource of Object.values(resources)) {
    const block = source.blocks[configAddress(resource.address)];
    if (block) resource.origin = { ...resource.origin, file: block.file, line: block.line };
  }
}
