import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as opaWasm from "@open-policy-agent/opa-wasm";
import { loadPolicy, type LoadedPolicy } from "@open-policy-agent/opa-wasm";
import { EngineError, errorMessage } from "../errors.js";
import type { InputModel } from "../normalize/index.js";
import { policyDistDir } from "../paths.js";
import { describeFirstError, validator } from "../schemas/ajv.js";
import { loadManifest, severityRank, type RuleInfo, type RuleManifest, type Severity } from "./rules.js";

/** What a rule returns, as the Rego entrypoint emits it. */
export interface RawFinding {
  rule: string;
  resource: string;
  attribute: string;
  message: string;
  related: string[];
  /** AR-META-001: the rules this finding keeps from being verified. */
  blocks?: string[];
}

export interface Finding extends RawFinding {
  rule_id: string;
  severity: Severity;
}

/** One model's evaluation: the findings and, per rule id, the addresses the rule examined (null: the bundle does not say). */
export interface Evaluation {
  findings: Finding[];
  applicable: Record<string, string[]> | null;
}

export interface EngineOptions {
  /** Folder holding policy.wasm and rules.json (defaults to the package's policies/dist). */
  distDir?: string;
  /** Largest wasm memory in 64 KiB pages; past it evaluation fails closed instead of eating the machine. */
  maxMemoryPages?: number;
}

/**
 * The compiled policy, verified against its manifest before a single rule runs: a bundle whose
 * sha256 differs from rules.json is refused (exit 3), never evaluated.
 */
export class PolicyEngine {
  private constructor(
    readonly manifest: RuleManifest,
    readonly wasmSha256: string,
    private policy: LoadedPolicy,
    private readonly byPackage: Map<string, RuleInfo>,
    private readonly byId: Map<string, RuleInfo>,
    private readonly bundle: VerifiedBundle,
    private readonly maxMemoryPages: number,
  ) {}

  static async load(options: EngineOptions = {}): Promise<PolicyEngine> {
    const bundle = readVerifiedBundle(options);
    let policy: LoadedPolicy;
    try {
      policy = await loadPolicy(bundle.wasm, memoryDescriptor(options));
    } catch (error) {
      throw new EngineError(`${bundle.wasmPath}: cannot load the policy bundle: ${errorMessage(error)}`);
    }
    return PolicyEngine.from(bundle, policy, options);
  }

  /**
   * The same bundle, the same sha256 check, loaded synchronously: for cdktf construct validation,
   * which cannot await (src/cdktf).
   */
  static loadSync(options: EngineOptions = {}): PolicyEngine {
    const bundle = readVerifiedBundle(options);
    let policy: LoadedPolicy;
    try {
      policy = loadPolicySync(bundle.wasm, memoryDescriptor(options));
    } catch (error) {
      throw new EngineError(`${bundle.wasmPath}: cannot load the policy bundle: ${errorMessage(error)}`);
    }
    return PolicyEngine.from(bundle, policy, options);
  }

  private static from(bundle: VerifiedBundle, policy: LoadedPolicy, options: EngineOptions): PolicyEngine {
    const byPackage = new Map(bundle.manifest.rules.map((r) => [r.package, r]));
    const byId = new Map(bundle.manifest.rules.map((r) => [r.id, r]));
    return new PolicyEngine(bundle.manifest, bundle.sha256, policy, byPackage, byId, bundle, memoryDescriptor(options).maximum);
  }

  ruleForPackage(pkg: string): RuleInfo | undefined {
    return this.byPackage.get(pkg);
  }

  /** Evaluates every rule on one model. Any engine failure is an EngineError: the pass fails closed. */
  evaluate(model: InputModel, params: Record<string, unknown>): Finding[] {
    return this.evaluateAll(model, params).findings;
  }

  /** The findings and what each rule examined (for the evidence: pass vs not-applicable), in one evaluation. */
  evaluateAll(model: InputModel, params: Record<string, unknown>): Evaluation {
    const raw = this.evaluateRawAll(model, params);
    const findings = raw.findings.map((f) => {
      const info = this.byPackage.get(f.rule);
      if (!info) throw new EngineError(`policy bundle emitted a finding for rule package "${f.rule}", which rules.json does not list`);
      return { ...f, rule_id: info.id, severity: findingSeverity(info, f.blocks ?? [], this.byId) };
    });
    let applicable: Record<string, string[]> | null = null;
    if (raw.applicable) {
      applicable = {};
      for (const [pkg, addresses] of Object.entries(raw.applicable)) {
        const info = this.byPackage.get(pkg);
        if (!info) throw new EngineError(`policy bundle reported applicability for rule package "${pkg}", which rules.json does not list`);
        applicable[info.id] = addresses;
      }
    }
    return { findings, applicable };
  }

  /** The entrypoint's findings exactly as the Rego emits them (what native `opa eval` is compared with). */
  evaluateRaw(model: InputModel, params: Record<string, unknown>): RawFinding[] {
    return this.evaluateRawAll(model, params).findings;
  }

  private evaluateRawAll(model: InputModel, params: Record<string, unknown>): { findings: RawFinding[]; applicable: Record<string, string[]> | null } {
    // A bundle without the evaluation entrypoint (built before applicability existed) still gives findings.
    const combined = this.manifest.evaluation_entrypoint;
    const entrypoint = combined && this.hasEntrypoint(combined) ? combined : this.manifest.entrypoint;
    let result: unknown;
    try {
      const input = new TextEncoder().encode(JSON.stringify(model));
      this.ensureMemory(input.byteLength);
      this.policy.setData({ apprunner_guard: { params } });
      result = this.policy.evaluate(input.buffer, entrypoint);
    } catch (error) {
      throw new EngineError(`policy evaluation failed on ${model.source.path}: ${errorMessage(error)}`, { cause: error });
    }
    const value = (Array.isArray(result) && result.length === 1 ? (result[0] as { result?: unknown }).result : undefined) as unknown;
    const both = entrypoint === combined;
    const raw = both && value && typeof value === "object" ? (value as { findings?: unknown }).findings : value;
    const validate = validator("findings");
    if (!validate(raw)) {
      throw new EngineError(`policy evaluation on ${model.source.path} returned output that is not a findings list: ${describeFirstError(validate.errors)}`);
    }
    if (!both) return { findings: raw as RawFinding[], applicable: null };
    const applicable = (value as { applicable?: unknown }).applicable;
    const validateApplicable = validator("applicable");
    if (!validateApplicable(applicable)) {
      throw new EngineError(`policy evaluation on ${model.source.path} returned applicability that is not a map of rule packages to addresses: ${describeFirstError(validateApplicable.errors)}`);
    }
    return { findings: raw as RawFinding[], applicable: applicable as Record<string, string[]> };
  }

  private hasEntrypoint(name: string): boolean {
    const entrypoints = (this.policy as unknown as { entrypoints?: Record<string, number> }).entrypoints;
    return !!entrypoints && Object.prototype.hasOwnProperty.call(entrypoints, name);
  }

  /**
   * OPA's allocator sizes its heap from the memory the instance starts with and then grows it a few
   * pages at a time; on a large input each grow cost V8 a garbage collection (a 10,000-resource plan
   * took 48 s, nearly all GC). So a large input gets a fresh instance that starts big enough.
   * Pages never touched cost no RAM.
   */
  private ensureMemory(inputBytes: number): void {
    const pages = Math.min(this.maxMemoryPages, Math.ceil((inputBytes * WASM_BYTES_PER_INPUT_BYTE + 16 * 1024 * 1024) / WASM_PAGE));
    const current = ((this.policy as unknown as WithMemory).mem?.buffer.byteLength ?? 0) / WASM_PAGE;
    if (pages <= current) return;
    this.policy = loadPolicySync(this.bundle.wasm, { initial: pages, maximum: this.maxMemoryPages });
  }
}

/** OPA's wasm heap holds about 40 bytes per byte of input JSON (measured on the benchmark plans). */
const WASM_BYTES_PER_INPUT_BYTE = 40;
const WASM_PAGE = 65_536;

interface WithMemory {
  mem?: { buffer: ArrayBuffer };
}

/**
 * A finding that blocks other rules is as severe as the most severe of them: "cannot verify
 * AR-IAM-001" must reject under the default threshold, never pass as a medium note (fail closed).
 */
export function findingSeverity(rule: RuleInfo, blocks: string[], rulesById: Map<string, RuleInfo>): Severity {
  let severity = rule.severity;
  for (const id of blocks) {
    const blocked = rulesById.get(id);
    if (blocked && severityRank(blocked.severity) > severityRank(severity)) severity = blocked.severity;
  }
  return severity;
}

interface VerifiedBundle {
  manifest: RuleManifest;
  wasm: Buffer;
  wasmPath: string;
  sha256: string;
}

/** Reads policy.wasm and refuses it unless its sha256 is the one rules.json records. */
function readVerifiedBundle(options: EngineOptions): VerifiedBundle {
  const dir = options.distDir ?? policyDistDir;
  const manifest = loadManifest(dir);
  const wasmPath = join(dir, "policy.wasm");
  let wasm: Buffer;
  try {
    wasm = readFileSync(wasmPath);
  } catch (error) {
    throw new EngineError(`${wasmPath}: policy bundle missing (${errorMessage(error)}); reinstall apprunner-guard or run npm run policies:build`);
  }
  const sha256 = createHash("sha256").update(wasm).digest("hex");
  if (sha256 !== manifest.wasm_sha256) {
    throw new EngineError(
      `${wasmPath}: sha256 ${sha256} does not match rules.json (${manifest.wasm_sha256}); the bundle was modified, refusing to evaluate`,
    );
  }
  return { manifest, wasm, wasmPath, sha256 };
}

function memoryDescriptor(options: EngineOptions): { initial: number; maximum: number } {
  return { initial: 32, maximum: options.maxMemoryPages ?? 32_768 };
}

// The package's ESM entry re-exports only loadPolicy by name; loadPolicySync lives on the default export.
const loadPolicySync = ((opaWasm as unknown as { default?: typeof opaWasm }).default ?? opaWasm).loadPolicySync;
