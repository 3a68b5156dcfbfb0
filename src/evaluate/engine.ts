import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import * as opaWasm from "@open-policy-agent/opa-wasm";
import { loadPolicy, type LoadedPolicy } from "@open-policy-agent/opa-wasm";
import { EngineError, errorMessage } from "../errors.js";
import type { InputModel } from "../normalize/index.js";
import { policyDistDir } from "../paths.js";
import { describeFirstError, validator } from "../schemas/ajv.js";
import { namedTypesOf, Partitioner } from "./partition.js";
import { loadManifest, type RuleInfo, type RuleManifest } from "./rules.js";
import { type Severity, severityRank } from "../severity.js";

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

/** The entrypoint's answer for one model: findings as the Rego emits them, applicability by rule package (null: the bundle does not say). */
interface RawEvaluation {
  findings: RawFinding[];
  applicable: Record<string, string[]> | null;
}

export interface EngineOptions {
  /** Folder holding policy.wasm and rules.json (defaults to the package's policies/dist). */
  distDir?: string;
  /** Largest wasm memory in 64 KiB pages; past it evaluation fails closed instead of eating the machine. */
  maxMemoryPages?: number;
  /**
   * Partitioned evaluation (src/evaluate/partition.ts): "auto" (default) partitions a model of more
   * than PARTITION_MIN_RESOURCES resources, "always" partitions any model (tests), "never" evaluates
   * the whole model at once. A rule with `scope: "model"` in rules.json forces "never".
   */
  partition?: "auto" | "always" | "never";
  /** Soft bound on one partition's JSON size in bytes (default 256 KiB). */
  maxPartitionBytes?: number;
}

/** What the last evaluation did, for the benchmark's stage split. */
export interface EvaluationStats {
  partitions: number;
  largest_partition_bytes: number;
  /** Planning the partitions and rendering their JSON (ms). */
  partition_ms: number;
  /** The wasm calls, result parsing and the findings check (ms). */
  evaluate_ms: number;
  memory_pages: number;
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
    private readonly options: EngineOptions,
  ) {
    this.ownerTypes = new Set(manifest.rules.flatMap((r) => r.applies_to));
    this.wholeModelRules = manifest.rules.filter((r) => r.scope === "model").map((r) => r.id);
    this.namedTypes = namedTypesOf(bundle.wasm);
  }

  private compiled: object | undefined;
  private readonly ownerTypes: ReadonlySet<string>;
  private readonly wholeModelRules: string[];
  private readonly namedTypes: (type: string) => boolean;
  /** Filled by every evaluation (the benchmark reads it). */
  lastStats: EvaluationStats | undefined;

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
    return new PolicyEngine(bundle.manifest, bundle.sha256, policy, byPackage, byId, bundle, memoryDescriptor(options).maximum, options);
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

  /**
   * The entrypoint's findings exactly as the Rego emits them (what native `opa eval` is compared with),
   * evaluated partition by partition when the model is large (src/evaluate/partition.ts): the union
   * of the partitions' findings, duplicates removed, equals a whole-model evaluation.
   */
  evaluateRaw(model: InputModel, params: Record<string, unknown>): RawFinding[] {
    return this.evaluateRawAll(model, params).findings;
  }

  /**
   * Findings and applicability, whole-model or partition by partition. Partitioned, both are combined
   * as one evaluation would give them: the findings' union without duplicates, and per rule the union
   * of the addresses each partition examined, restricted to the partition's own owners (a neighbour
   * copied in for its links is judged in its own partition, never here with a partial view).
   */
  private evaluateRawAll(model: InputModel, params: Record<string, unknown>): RawEvaluation {
    const mode = this.wholeModelRules.length > 0 ? "never" : (this.options.partition ?? partitionFromEnv());
    const partitioned = mode === "always" || (mode === "auto" && countOver(model.resources, PARTITION_MIN_RESOURCES));
    const maxBytes = Math.max(1, this.options.maxPartitionBytes ?? DEFAULT_PARTITION_BYTES);
    const t0 = performance.now();
    let partitionMs = 0;
    const findings: RawFinding[] = [];
    let applicable: Map<string, Set<string>> | null = null;
    const collect = (part: RawEvaluation): void => {
      if (part.applicable === null) return;
      applicable ??= new Map();
      for (const [pkg, addresses] of Object.entries(part.applicable)) {
        let set = applicable.get(pkg);
        if (!set) applicable.set(pkg, (set = new Set()));
        for (const a of addresses) set.add(a);
      }
    };
    let count = 0;
    let largest = 0;
    try {
      this.policy.setData({ apprunner_guard: { params } });
      if (!partitioned) {
        const text = new TextEncoder().encode(JSON.stringify(model));
        largest = text.byteLength;
        count = 1;
        partitionMs = performance.now() - t0;
        const result = this.evaluateBytes(model, text.buffer as ArrayBuffer, params, null);
        for (const f of result.findings) findings.push(f);
        collect(result);
      } else {
        const partitioner = new Partitioner(model, { ownerTypes: this.ownerTypes, namedTypes: this.namedTypes, maxBytes });
        // One instance for every partition, sized up front for a partition at the bound (the largest
        // they get unless one service alone reaches more; then it is re-created once, larger).
        this.ensureMemory(maxBytes, params);
        const seen = new Set<string>();
        let t = performance.now();
        for (const part of partitioner.partitions()) {
          const t1 = performance.now();
          partitionMs += t1 - t;
          count++;
          largest = Math.max(largest, part.json.length);
          const result = this.evaluateBytes(model, part.json.buffer as ArrayBuffer, params, new Set(part.owners));
          for (const f of result.findings) {
            const key = JSON.stringify(f);
            if (seen.has(key)) continue;
            seen.add(key);
            findings.push(f);
          }
          collect(result);
          t = performance.now();
        }
      }
    } catch (error) {
      if (error instanceof EngineError) throw error;
      throw new EngineError(`policy evaluation failed on ${model.source.path}: ${errorMessage(error)}`, { cause: error });
    }
    this.lastStats = {
      partitions: count,
      largest_partition_bytes: largest,
      partition_ms: Math.round(partitionMs * 10) / 10,
      evaluate_ms: Math.round((performance.now() - t0 - partitionMs) * 10) / 10,
      memory_pages: this.memoryPages(),
    };
    const combined = applicable as Map<string, Set<string>> | null;
    return {
      findings,
      applicable: combined && Object.fromEntries([...combined].map(([pkg, set]) => [pkg, [...set].sort()])),
    };
  }

  /**
   * One wasm evaluation of one (partition) model's UTF-8 JSON, its output checked against the
   * findings and applicability schemas. `owners`: a partition's own owners, the only addresses its
   * applicability may name (null: the whole model).
   */
  private evaluateBytes(model: InputModel, input: ArrayBuffer, params: Record<string, unknown>, owners: ReadonlySet<string> | null): RawEvaluation {
    let result: unknown;
    let entrypoint: string;
    try {
      this.ensureMemory(input.byteLength, params);
      // A bundle without the evaluation entrypoint (built before applicability existed) still gives findings.
      const combined = this.manifest.evaluation_entrypoint;
      entrypoint = combined && this.hasEntrypoint(combined) ? combined : this.manifest.entrypoint;
      result = this.policy.evaluate(input, entrypoint);
    } catch (error) {
      throw new EngineError(`policy evaluation failed on ${model.source.path}: ${errorMessage(error)}`, { cause: error });
    }
    const value = (Array.isArray(result) && result.length === 1 ? (result[0] as { result?: unknown }).result : undefined) as unknown;
    const both = entrypoint === this.manifest.evaluation_entrypoint;
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
    const sets = applicable as Record<string, string[]>;
    if (owners === null) return { findings: raw as RawFinding[], applicable: sets };
    return {
      findings: raw as RawFinding[],
      applicable: Object.fromEntries(Object.entries(sets).map(([pkg, addresses]) => [pkg, addresses.filter((a) => owners.has(a))])),
    };
  }

  private hasEntrypoint(name: string): boolean {
    const entrypoints = (this.policy as unknown as { entrypoints?: Record<string, number> }).entrypoints;
    return !!entrypoints && Object.prototype.hasOwnProperty.call(entrypoints, name);
  }

  /**
   * OPA's allocator sizes its heap from the memory the instance starts with and then grows it a few
   * pages at a time; on a large input each grow cost V8 a garbage collection (a 10,000-resource plan
   * took 48 s, nearly all GC). So the instance starts big enough for the largest partition it will
   * evaluate, with margin; pages never touched cost no RAM.
   */
  private ensureMemory(inputBytes: number, params: Record<string, unknown>): void {
    const pages = Math.min(this.maxMemoryPages, pagesFor(inputBytes));
    if (pages <= this.memoryPages()) return;
    // Compiled once; a larger instance is only a new instantiation.
    this.compiled ??= new WasmModule(this.bundle.wasm);
    // opa-wasm's loadPolicySync takes a compiled WebAssembly.Module as well as bytes.
    this.policy = loadPolicySync(this.compiled as unknown as Buffer, { initial: pages, maximum: this.maxMemoryPages });
    this.policy.setData({ apprunner_guard: { params } });
  }

  private memoryPages(): number {
    return ((this.policy as unknown as WithMemory).mem?.buffer.byteLength ?? 0) / WASM_PAGE;
  }
}

/**
 * The worker-thread hook. Partitions are independent, so a machine with more cores could evaluate
 * them in parallel, one wasm instance per worker thread, and merge the findings exactly as the loop
 * in evaluateRaw does. Not taken here: on the 2-core machine this project is measured on, the pass
 * after load and normalize is a fraction of the wall time, and a worker pays start-up, its own wasm
 * compile and a copy of every partition (docs/benchmarks.md). This is how many workers such a pool
 * would use: every core but the one the main thread keeps for load, normalize and report.
 */
export function partitionWorkers(): number {
  return Math.max(1, availableParallelism() - 1);
}

/** A model with more resources than this is evaluated in partitions (below it, one evaluation is cheaper). */
export const PARTITION_MIN_RESOURCES = 400;
const DEFAULT_PARTITION_BYTES = 256 * 1024;

/** APPRUNNER_GUARD_PARTITION=never|always|auto: the benchmark's before/after switch (default auto). */
function partitionFromEnv(): "auto" | "always" | "never" {
  const v = process.env.APPRUNNER_GUARD_PARTITION;
  return v === "never" || v === "always" ? v : "auto";
}

function countOver(record: Record<string, unknown>, limit: number): boolean {
  let n = 0;
  for (const _ in record) if (++n > limit) return true;
  return false;
}

/**
 * OPA's wasm heap holds 39–81 bytes per byte of input JSON (measured on three plan shapes); the
 * margin covers the worst of them. Applied to the largest partition, not to the plan.
 */
const WASM_BYTES_PER_INPUT_BYTE = 96;
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
  const maximum = options.maxMemoryPages ?? 32_768;
  // Big enough for a partition at the bound from the start (pages never touched cost no RAM).
  return { initial: Math.min(maximum, pagesFor(options.maxPartitionBytes ?? DEFAULT_PARTITION_BYTES)), maximum };
}

function pagesFor(inputBytes: number): number {
  return Math.ceil((inputBytes * WASM_BYTES_PER_INPUT_BYTE + 16 * 1024 * 1024) / WASM_PAGE);
}

/** The global WebAssembly.Module (this project's TypeScript lib has no DOM/WebAssembly values). */
const WasmModule = (globalThis as unknown as { WebAssembly: { Module: new (bytes: Uint8Array) => object } }).WebAssembly.Module;

// The package's ESM entry re-exports only loadPolicy by name; loadPolicySync lives on the default export.
const loadPolicySync = ((opaWasm as unknown as { default?: typeof opaWasm }).default ?? opaWasm).loadPolicySync;
