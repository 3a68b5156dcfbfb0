import { arnFormats } from "./aws-data.js";

/**
 * Which services' whole resource space a Resource pattern covers, decided from the services' ARN
 * formats (AWS Service Authorization Reference, src/data/iam-arn-formats.json.gz): a pattern covers a
 * service when it matches every ARN of some resource type of that service, in every account and
 * region (`arn:aws:s3:::*\/*` covers every S3 object, `arn:aws:iam::*:role/*` every role). A pattern
 * with a literal account or region (`arn:aws:dynamodb:us-east-1:123456789012:table/*`) does not.
 *
 * "Every ARN of a format" is tested on two instantiations of the format whose variables hold values
 * that no literal in a pattern can match by accident (one short, one with `/`, `:` and `.` in it);
 * the partition is the pattern's own when it writes one. Patterns whose service field is itself a
 * wildcard are left to the rules' match-every-ARN test.
 */
export function servicesCoveredBy(pattern: string): string[] {
  if (!/[*?]/.test(pattern)) return [];
  const cached = cache.get(pattern);
  if (cached) return cached;
  const result = compute(pattern);
  cache.set(pattern, result);
  return result;
}

const cache = new Map<string, string[]>();
let bySegment: Map<string, { service: string; format: string }[]> | undefined;

/** Formats indexed by the service field of the ARN (third field), which may differ from the action prefix. */
function formatsBySegment(): Map<string, { service: string; format: string }[]> {
  if (bySegment) return bySegment;
  bySegment = new Map();
  for (const [service, formats] of Object.entries(arnFormats())) {
    for (const format of formats) {
      const segment = format.split(":")[2] ?? "";
      const list = bySegment.get(segment) ?? [];
      list.push({ service, format });
      bySegment.set(segment, list);
    }
  }
  return bySegment;
}

function compute(pattern: string): string[] {
  const fields = pattern.split(":");
  if (fields.length < 6 || fields[0] !== "arn") return [];
  const segment = fields[2]!;
  if (/[*?]/.test(segment)) return [];
  const partition = /[*?]/.test(fields[1]!) ? "aws" : fields[1]!;
  const regex = patternRegex(pattern);
  const covered = new Set<string>();
  for (const { service, format } of formatsBySegment().get(segment) ?? []) {
    if (covered.has(service)) continue;
    if (PROBES.every((probe) => regex.test(instantiate(format, partition, probe)))) covered.add(service);
  }
  return [...covered].sort();
}

const PROBES: Record<string, string>[] = [
  { Region: "us-east-1", Account: "000000000000", other: "a" },
  { Region: "zz-probe-9", Account: "999999999999", other: "zz-Probe/9:x.y" },
];

function instantiate(format: string, partition: string, probe: Record<string, string>): string {
  return format.replace(/\$\{([^}]*)\}/g, (_, name: string) => (name === "Partition" ? partition : (probe[name] ?? probe.other!)));
}

/** An IAM Resource pattern (`*` any run, `?` one character; case-sensitive) as an anchored regex. */
function patternRegex(pattern: string): RegExp {
  const body = pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".");
  return new RegExp(`^${body}$`, "s");
}
