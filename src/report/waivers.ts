import { InputError } from "../errors.js";
import type { RuleManifest } from "../evaluate/rules.js";
import type { Waiver } from "../load/config.js";
import type { ReportFinding, ReportWaiver } from "./types.js";
import { compare } from "../order.js";

/**
 * Waivers in one room: validation against the rule set, glob matching (rule, resource and, when the
 * waiver names one, input), states (active / expired / stale), and the one wording of a waiver problem
 * that every format prints.
 */

/** "Today" for waiver expiry: the UTC calendar day of `now`. A waiver is still in force on its expires day. */
export function utcDay(now: Date): string {
  return now.toISOString().slice(0, 10);
}

/** A waiver naming a rule the bundle does not have is a typo that would silently waive nothing: refuse it. */
export function checkWaiverRules(waivers: Waiver[], manifest: RuleManifest, subject: string): void {
  const known = new Set(manifest.rules.map((r) => r.id));
  waivers.forEach((w, index) => {
    if (!known.has(w.rule)) {
      const valid = [...known].sort(compare).join(", ");
      if (w.source) throw new InputError(w.source.input, `${w.resource}: a construct waiver names rule ${w.rule}, which rule set ${manifest.rule_set_version} does not have (valid: ${valid})`);
      throw new InputError(subject, `invalid config: waiver ${index} names rule ${w.rule}, which rule set ${manifest.rule_set_version} does not have (valid: ${valid})`);
    }
  });
}

/** Waiver patterns: `*` any run of characters (including `/`), `?` one character; everything else literal. */
export function globMatch(pattern: string, value: string): boolean {
  const source = pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".");
  return new RegExp(`^${source}$`).test(value);
}

/** The names an input answers to in a waiver's `input` glob: its stack name, its path as given, its path from the repository root. */
export interface InputNames {
  path: string;
  stack: string | null;
  identity: string;
}

/** Waivers with their state for this run; `matched` and `inputs` fill in as findings are matched. */
export function prepareWaivers(waivers: Waiver[], now: Date): ReportWaiver[] {
  const today = utcDay(now);
  return waivers.map((w, index) => ({ ...w, index, state: w.expires < today ? "expired" : "active", matched: 0, inputs: [] }));
}

export function inputMatches(pattern: string, input: InputNames): boolean {
  return globMatch(pattern, input.path) || globMatch(pattern, input.identity) || (input.stack !== null && globMatch(pattern, input.stack));
}

/**
 * The waiver applied to a finding: the first active one whose rule, resource (and input, when it names
 * one) match. Every matching waiver, active or expired, counts the match and records the input.
 */
export function applyWaivers(
  waivers: ReportWaiver[],
  finding: { rule_id: string; resource: string; attribute: string },
  input: InputNames,
): ReportWaiver | null {
  const matching = waivers.filter(
    (w) =>
      w.rule === finding.rule_id &&
      globMatch(w.resource, finding.resource) &&
      (w.attribute === undefined || globMatch(w.attribute, finding.attribute)) &&
      // A construct waiver holds only in the stack its construct wrote it into.
      (w.source === undefined || w.source.input === input.path) &&
      (w.input === undefined || inputMatches(w.input, input)),
  );
  for (const w of matching) {
    w.matched++;
    if (!w.inputs.includes(input.path)) w.inputs.push(input.path);
  }
  return matching.find((w) => w.state === "active") ?? null;
}

/** After every finding was matched: an active waiver that matched nothing is stale. */
export function settleWaivers(waivers: ReportWaiver[]): void {
  for (const w of waivers) {
    w.inputs.sort(compare);
    if (w.matched === 0 && w.state === "active") w.state = "stale";
  }
}

/** What a finding carries of the waiver that waived it (no run state). */
export function stripWaiver(w: ReportWaiver): ReportFinding["waiver"] {
  const { state: _state, matched: _matched, inputs: _inputs, ...rest } = w;
  return rest;
}

/** The one wording of what is wrong with a waiver, for every format. Empty for an active waiver. */
export function waiverProblem(w: ReportWaiver): string {
  if (w.state === "expired") return `expired on ${w.expires} and no longer waives`;
  if (w.state === "stale") return w.input === undefined ? "matches no finding; remove it" : `matches no finding in the inputs matching "${w.input}"; remove it`;
  return "";
}

/** Where a waiver applied, for reports on several inputs: `in plan-a.json, plan-b.json` (empty when it matched nothing). */
export function waiverScope(w: ReportWaiver): string {
  return w.inputs.length === 0 ? "" : `in ${w.inputs.join(", ")}`;
}
