import { InputError } from "../errors.js";
import type { Waiver } from "./config.js";
import type { LoadedInput } from "./types.js";
import { isObject } from "../json.js";

/**
 * Waivers written by the constructs into the synthesized JSON, next to the resource they waive:
 * `"//": { "apprunner_guard": { "waivers": [{ rule, attribute?, justification, owner, expires, ticket? }] } }`.
 * `WafProtection.disabled(why, { owner, expires })` and `addEnvironmentVariable(name, value, { notASecret, owner, expires })`
 * write them. Each applies to that resource in that input only (and to one attribute when it names one),
 * and needs an owner and an expiry date exactly like a waiver in the config file.
 * Plan JSON does not carry cdktf's "//" metadata: check the cdktf.out, or repeat the waiver in --config.
 */
export function constructWaivers(inputs: LoadedInput[]): Waiver[] {
  const out: Waiver[] = [];
  for (const input of inputs) {
    if (input.kind === "terraform-plan") continue;
    for (const part of input.parts ?? [{ path: input.path, document: input.document }]) {
      const resources = part.document.resource;
      if (!isObject(resources)) continue;
      for (const [type, named] of Object.entries(resources)) {
        if (!isObject(named)) continue;
        for (const [name, body] of Object.entries(named)) {
          const comment = isObject(body) ? body["//"] : undefined;
          const guard = isObject(comment) ? comment.apprunner_guard : undefined;
          if (!isObject(guard) || guard.waivers === undefined) continue;
          const address = `${type}.${name}`;
          const metadata = isObject(comment) && isObject(comment.metadata) ? comment.metadata : {};
          const constructPath = typeof metadata.path === "string" ? metadata.path : null;
          if (!Array.isArray(guard.waivers)) throw new InputError(part.path, `${address}: "//".apprunner_guard.waivers must be a list of waivers`);
          guard.waivers.forEach((raw, index) => out.push(readWaiver(raw, `${address}: construct waiver ${index}`, part.path, input.path, address, constructPath)));
        }
      }
    }
  }
  return out;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

function readWaiver(raw: unknown, where: string, file: string, input: string, address: string, constructPath: string | null): Waiver {
  if (!isObject(raw)) throw new InputError(file, `${where} is not an object`);
  const text = (key: string, required: boolean): string | undefined => {
    const value = raw[key];
    if (value === undefined && !required) return undefined;
    if (typeof value !== "string" || value.trim() === "") throw new InputError(file, `${where} has no ${key}; a construct waiver needs rule, justification, owner and expires (YYYY-MM-DD)`);
    return value;
  };
  const rule = text("rule", true)!;
  const justification = text("justification", true)!;
  const owner = text("owner", true)!;
  const expires = text("expires", true)!;
  if (!DATE.test(expires) || Number.isNaN(Date.parse(`${expires}T00:00:00Z`)) || new Date(`${expires}T00:00:00Z`).toISOString().slice(0, 10) !== expires) {
    throw new InputError(file, `${where} has expires ${JSON.stringify(expires)}; allowed: a date YYYY-MM-DD`);
  }
  const attribute = text("attribute", false);
  const ticket = text("ticket", false);
  return {
    rule,
    resource: address,
    ...(attribute !== undefined ? { attribute } : {}),
    justification,
    owner,
    expires,
    ...(ticket !== undefined ? { ticket } : {}),
    source: { kind: "construct", input, construct_path: constructPath },
  };
}
