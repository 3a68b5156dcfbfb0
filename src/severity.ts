/**
 * The severity scale. Config (load), findings (evaluate), the reports and the CLI's --fail-on all speak it,
 * so it lives below every stage rather than in the rule manifest that happens to read it first.
 */
export type Severity = "critical" | "high" | "medium" | "low";
export const SEVERITIES: readonly Severity[] = ["critical", "high", "medium", "low"];

/** Higher is worse; "at or above --fail-on" is a comparison of ranks. */
export function severityRank(severity: Severity): number {
  return SEVERITIES.length - SEVERITIES.indexOf(severity);
}
