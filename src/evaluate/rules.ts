import { readFileSync } from "node:fs";
import { join } from "node:path";
import { EngineError, errorMessage } from "../errors.js";
import { policyDistDir } from "../paths.js";
import type { Severity } from "../severity.js";


/** One rule's facts, extracted from its METADATA block by scripts/build-policies.mjs. */
export interface RuleInfo {
  id: string;
  package: string;
  title: string;
  description: string;
  severity: Severity;
  controls: string[];
  remediation: string;
  /** Versioned control mappings (framework id from the manifest's frameworks + control id); `controls` is derived from them. */
  mappings?: RuleMapping[];
  applies_to: string[];
  readme: string;
  /** "model": the rule compares services with each other and needs the whole model (no partitioning). */
  scope?: "service" | "model";
}

export interface RuleMapping {
  framework: string;
  control: string;
}

/** A framework the rules map to, with the edition every control id refers to. */
export interface Framework {
  id: string;
  name: string;
  edition: string;
  short: string;
  label: string;
}

/** policies/dist/rules.json: the manifest of the committed bundle. */
export interface RuleManifest {
  rule_set_version: string;
  opa_version: string;
  entrypoint: string;
  /** Findings and applicability in one evaluation (bundles built before it existed have only `entrypoint`). */
  evaluation_entrypoint?: string;
  frameworks?: Framework[];
  wasm_sha256: string;
  params: Record<string, unknown>;
  rules: RuleInfo[];
}

export function loadManifest(dir = policyDistDir): RuleManifest {
  const path = join(dir, "rules.json");
  let manifest: RuleManifest;
  try {
    manifest = JSON.parse(readFileSync(path, "utf8")) as RuleManifest;
  } catch (error) {
    throw new EngineError(`${path}: cannot read the rule manifest (${errorMessage(error)}); reinstall apprunner-guard or run npm run policies:build`);
  }
  if (!manifest || !Array.isArray(manifest.rules) || typeof manifest.wasm_sha256 !== "string" || typeof manifest.entrypoint !== "string") {
    throw new EngineError(`${path}: the rule manifest is malformed (missing rules, entrypoint or wasm_sha256)`);
  }
  return manifest;
}
