import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import * as opaWasm from "@open-policy-agent/opa-wasm";
import type { LoadedPolicy } from "@open-policy-agent/opa-wasm";
import { EngineError, errorMessage } from "../errors.js";
import type { InputModel } from "../normalize/index.js";
import { policyDistDir } from "../paths.js";
import { describeFirstError, validator } from "../schemas/ajv.js";
import { namedTypesOf, Partitioner, type ModelPartition } from "./partition.js";
import { EvaluationPool } from "./worker-pool.js";
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
  /** Partitions a worker thread evaluated (0 on one thread). */
  worker_partitions: number;
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
    let compiled: object;
    try {
      // Compiled here and instantiated synchronously: opa-wasm's async loadPolicy asks whether its
      // argument is a fetch Response, and that first touch of globalThis.Response loads Node's whole
      // fetch implementation (undici), 20–40 ms of a CLI run, for a bundle that is a file.
      compiled = await compileWasm(bundle.wasm);
      policy = loadPolicySync(compiled as unknown as Buffer, memoryDescriptor(options));
    } catch (error) {
      throw new EngineError(`${bundle.wasmPath}: cannot load the policy bundle: ${errorMessage(error)}`);
    }
    const engine = PolicyEngine.from(bundle, policy, options);
    engine.compiled = compiled;
    return engine;
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
    return this.withRuleIds(this.evaluateRawAll(model, params));
  }

  /**
   * evaluateAll, with the partitions of a large model shared between this thread and the worker
   * threads started by startWorkers (or started here): the same findings, in the same order.
   * Without workers (none started, none available, or a model evaluated in one piece) it is evaluateAll.
   */
  async evaluateAllInParallel(model: InputModel, params: Record<string, unknown>): Promise<Evaluation> {
    if (!this.partitioned(model)) return this.evaluateAll(model, params);
    this.startWorkers();
    if (!this.pool) return this.evaluateAll(model, params);
    return this.withRuleIds(await this.evaluatePartitionsInParallel(model, params, this.pool));
  }

  /**
   * Starts the worker threads for evaluateAllInParallel now, so that they boot and compile the policy
   * while the input is read. `count` defaults to workerCount() (APPRUNNER_GUARD_WORKERS, else every
   * core but one); 0 starts none.
   */
  startWorkers(count: number = workerCount()): void {
    if (this.pool || count <= 0) return;
    this.pool = EvaluationPool.start(count, { wasm: this.bundle.wasm, maxPages: this.maxMemoryPages });
  }

  /** Stops the worker threads (the engine still evaluates on its own thread afterwards). */
  async close(): Promise<void> {
    const pool = this.pool;
    this.pool = null;
    await pool?.close();
  }

  private pool: EvaluationPool | null = null;

  private withRuleIds(raw: RawEvaluation): Evaluation {
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
    const t0 = performance.now();
    const tally: PartitionTally = { count: 0, largest: 0, renderMs: 0, byWorkers: 0 };
    const combined = new CombinedEvaluation();
    try {
      this.policy.setData({ apprunner_guard: { params } });
      if (!this.partitioned(model)) {
        const text = new TextEncoder().encode(JSON.stringify(model));
        Object.assign(tally, { count: 1, largest: text.byteLength, renderMs: performance.now() - t0 });
        combined.add(this.evaluateBytes(model, text.buffer as ArrayBuffer, params, null));
      } else {
        // One instance for every partition, sized up front for a partition at the bound (the largest
        // they get unless one service alone reaches more; then it is re-created once, larger).
        this.ensureMemory(partitionInstanceBytes(this.maxPartitionBytes()), params);
        for (const part of this.measuredPartitions(model, tally)) {
          combined.add(this.evaluateBytes(model, part.json.buffer as ArrayBuffer, params, new Set(part.owners)));
        }
      }
    } catch (error) {
      if (error instanceof EngineError) throw error;
      throw new EngineError(`policy evaluation failed on ${model.source.path}: ${errorMessage(error)}`, { cause: error });
    }
    this.recordStats(tally, performance.now() - t0);
    return combined.result();
  }

  /** The model's partitions, one at a time, counted, with the time spent planning and rendering them. */
  private *measuredPartitions(model: InputModel, tally: PartitionTally): Generator<ModelPartition> {
    let t = performance.now();
    for (const part of this.partitioner(model).partitions()) {
      tally.renderMs += performance.now() - t;
      tally.count++;
      tally.largest = Math.max(tally.largest, part.json.length);
      yield part;
      t = performance.now();
    }
  }

  /**
   * The partitions rendered on this thread, each handed to a worker with room for it, else evaluated
   * here: two cores stay busy, one rendering and evaluating, one evaluating. Answers are merged in
   * partition order, as evaluateRawAll merges them.
   */
  private async evaluatePartitionsInParallel(model: InputModel, params: Record<string, unknown>, pool: EvaluationPool): Promise<RawEvaluation> {
    const t0 = performance.now();
    const tally: PartitionTally = { count: 0, largest: 0, renderMs: 0, byWorkers: 0 };
    const answers: Promise<RawEvaluation>[] = [];
    const request = {
      entrypoint: this.entrypoint(),
      pages: Math.min(this.maxMemoryPages, pagesFor(partitionInstanceBytes(this.maxPartitionBytes()))),
      data: { apprunner_guard: { params } },
      dataKey: JSON.stringify(params),
    };
    try {
      this.policy.setData({ apprunner_guard: { params } });
      this.ensureMemory(partitionInstanceBytes(this.maxPartitionBytes()), params);
      for (const part of this.measuredPartitions(model, tally)) {
        const owners = new Set(part.owners);
        const local = (): RawEvaluation => this.evaluateBytes(model, part.json.buffer as ArrayBuffer, params, owners);
        const worker = pool.idleWorker();
        if (worker) {
          const pages = Math.max(request.pages, Math.min(this.maxMemoryPages, pagesFor(part.json.length)));
          answers.push(
            pool.evaluate(worker, part.json, { ...request, pages }).then(
              (raw) => {
                tally.byWorkers++;
                return this.checkOutput(model, raw, owners);
              },
              // Whatever went wrong in the worker, this thread gives the answer (or the real error).
              () => local(),
            ),
          );
        } else {
          answers.push(Promise.resolve(local()));
        }
        // Lets the workers' answers in, so their slots free up while this thread keeps rendering.
        await new Promise((resolve) => setImmediate(resolve));
      }
      const combined = new CombinedEvaluation();
      for (const answer of await Promise.all(answers)) combined.add(answer);
      this.recordStats(tally, performance.now() - t0);
      return combined.result();
    } catch (error) {
      // Answers still in flight are settled (and ignored) rather than left as unhandled rejections.
      await Promise.allSettled(answers);
      if (error instanceof EngineError) throw error;
      throw new EngineError(`policy evaluation failed on ${model.source.path}: ${errorMessage(error)}`, { cause: error });
    }
  }

  private partitioned(model: InputModel): boolean {
    const mode = this.wholeModelRules.length > 0 ? "never" : (this.options.partition ?? partitionFromEnv());
    return mode === "always" || (mode === "auto" && countOver(model.resources, PARTITION_MIN_RESOURCES));
  }

  private maxPartitionBytes(): number {
    return Math.max(1, this.options.maxPartitionBytes ?? DEFAULT_PARTITION_BYTES);
  }

  private partitioner(model: InputModel): Partitioner {
    return new Partitioner(model, { ownerTypes: this.ownerTypes, namedTypes: this.namedTypes, maxBytes: this.maxPartitionBytes() });
  }

  private recordStats(tally: PartitionTally, totalMs: number): void {
    this.lastStats = {
      partitions: tally.count,
      worker_partitions: tally.byWorkers,
      largest_partition_bytes: tally.largest,
      partition_ms: Math.round(tally.renderMs * 10) / 10,
      evaluate_ms: Math.round((totalMs - tally.renderMs) * 10) / 10,
      memory_pages: this.memoryPages(),
    };
  }

  /** The combined entrypoint (findings and applicability) when the bundle has it, else findings only. */
  private entrypoint(): string {
    const combined = this.manifest.evaluation_entrypoint;
    return combined && this.hasEntrypoint(combined) ? combined : this.manifest.entrypoint;
  }

  /**
   * One wasm evaluation of one (partition) model's UTF-8 JSON, its output checked against the
   * findings and applicability schemas. `owners`: a partition's own owners, the only addresses its
   * applicability may name (null: the whole model).
   */
  private evaluateBytes(model: InputModel, input: ArrayBuffer, params: Record<string, unknown>, owners: ReadonlySet<string> | null): RawEvaluation {
    let result: unknown;
    try {
      this.ensureMemory(input.byteLength, params);
      result = this.policy.evaluate(input, this.entrypoint());
    } catch (error) {
      throw new EngineError(`policy evaluation failed on ${model.source.path}: ${errorMessage(error)}`, { cause: error });
    }
    return this.checkOutput(model, result, owners);
  }

  /** The entrypoint's raw output (from this thread or a worker), checked against the findings and applicability schemas. */
  private checkOutput(model: InputModel, result: unknown, owners: ReadonlySet<string> | null): RawEvaluation {
    const value = (Array.isArray(result) && result.length === 1 ? (result[0] as { result?: unknown }).result : undefined) as unknown;
    const both = this.entrypoint() === this.manifest.evaluation_entrypoint;
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

/** What an evaluation did with its partitions (lastStats). */
interface PartitionTally {
  count: number;
  largest: number;
  /** Planning and rendering the partitions on the calling thread (ms). */
  renderMs: number;
  /** Partitions a worker thread answered. */
  byWorkers: number;
}

/**
 * The partitions' answers combined as one evaluation gives them: the findings' union without
 * duplicates (a finding on a resource copied into two partitions is reported once) and per rule the
 * union of the addresses each partition examined (each restricted to its own owners by checkOutput).
 */
class CombinedEvaluation {
  private readonly findings: RawFinding[] = [];
  private readonly seen = new Set<string>();
  private applicable: Map<string, Set<string>> | null = null;

  add(part: RawEvaluation): void {
    for (const f of part.findings) {
      const key = JSON.stringify(f);
      if (this.seen.has(key)) continue;
      this.seen.add(key);
      this.findings.push(f);
    }
    if (part.applicable === null) return;
    this.applicable ??= new Map();
    for (const [pkg, addresses] of Object.entries(part.applicable)) {
      let set = this.applicable.get(pkg);
      if (!set) this.applicable.set(pkg, (set = new Set()));
      for (const a of addresses) set.add(a);
    }
  }

  result(): RawEvaluation {
    const applicable = this.applicable;
    return {
      findings: this.findings,
      applicable: applicable && Object.fromEntries([...applicable].map(([pkg, set]) => [pkg, [...set].sort()])),
    };
  }
}

/**
 * Worker threads for evaluateAllInParallel: APPRUNNER_GUARD_WORKERS when set (0: none), else every
 * core but the one the main thread keeps for rendering partitions (one on a 2-core CI runner), at most 4
 * (past that the main thread cannot render partitions as fast as workers evaluate them).
 */
export function workerCount(env: NodeJS.ProcessEnv = process.env): number {
  const set = env.APPRUNNER_GUARD_WORKERS;
  if (set !== undefined && /^\d+$/.test(set.trim())) return Math.min(16, Number(set.trim()));
  return Math.min(4, Math.max(0, availableParallelism() - 1));
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
  return { initial: Math.min(maximum, pagesFor(partitionInstanceBytes(options.maxPartitionBytes ?? DEFAULT_PARTITION_BYTES))), maximum };
}

/**
 * The partition size an instance is made for: the bound plus an eighth. The bound is soft (it is
 * checked on the JSON's length before by_type, referenced_by and the IAM section are added, so most
 * partitions end a few percent above it, 257–269 KiB for 256 KiB on the benchmark plans); sized for
 * the bound itself, the instance was re-created, with a fresh memory, at each new largest partition.
 */
function partitionInstanceBytes(maxPartitionBytes: number): number {
  return Math.ceil(maxPartitionBytes * 1.125);
}

function pagesFor(inputBytes: number): number {
  return Math.ceil((inputBytes * WASM_BYTES_PER_INPUT_BYTE + 16 * 1024 * 1024) / WASM_PAGE);
}

/** The global WebAssembly.Module and compile (this project's TypeScript lib has no DOM/WebAssembly values). */
const WasmApi = (globalThis as unknown as { WebAssembly: { Module: new (bytes: Uint8Array) => object; compile: (bytes: Uint8Array) => Promise<object> } }).WebAssembly;
const WasmModule = WasmApi.Module;
const compileWasm = (bytes: Uint8Array): Promise<object> => WasmApi.compile(bytes);

// The package's ESM entry re-exports only loadPolicy by name; loadPolicySync lives on the default export.
const loadPolicySync = ((opaWasm as unknown as { default?: typeof opaWasm }).default ?? opaWasm).loadPolicySync;
