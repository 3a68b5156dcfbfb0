import { statSync } from "node:fs";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { PolicyEngine, type EngineOptions } from "./evaluate/engine.js";
import { loadConfig, type GuardConfig } from "./load/config.js";
import { constructWaivers } from "./load/construct-waivers.js";
import { attachSources, loadInputs, type LoadedInput } from "./load/index.js";
import { normalize, normalizeAll, type InputModel } from "./normalize/index.js";
import { priorView } from "./normalize/prior.js";
import { loadBaseline, type LoadedBaseline } from "./report/baseline.js";
import { buildReport, type CheckedInput } from "./report/build.js";
import type { Report } from "./report/types.js";
import type { Severity } from "./severity.js";

export interface CheckOptions {
  paths: string[];
  configPath?: string;
  failOn?: Severity;
  maxBytes?: number;
  now?: Date;
  engine?: EngineOptions;
  /** --changes-only, --fail-on-changes, --baseline FILE (see PassOptions). */
  changesOnly?: boolean;
  failOnChanges?: boolean;
  baselinePath?: string;
  /** --source DIR: the plans' .tf configuration (default: the plan's folder, else the current one, when they hold *.tf). */
  source?: string;
  /** false: do not look for a source at all (locations stay the plan file). */
  findSource?: boolean;
}

/** The whole pass, stage by stage: load → normalize → evaluate → report. */
export async function runCheck(options: CheckOptions): Promise<Report> {
  const config = loadConfig(options.configPath);
  const baseline = options.baselinePath === undefined ? undefined : loadBaseline(options.baselinePath);
  // The engine loads first so that, for a large input, its worker threads boot and compile the policy
  // while the input is read; an input error still comes before an engine error, as it always has.
  const engine = await PolicyEngine.load(options.engine).catch((error: unknown) => error);
  if (engine instanceof PolicyEngine && largeInput(options.paths)) engine.startWorkers();
  try {
    const inputs = loadInputs(options.paths, { maxBytes: options.maxBytes });
    if (options.findSource !== false) await attachSources(inputs, { source: options.source });
    if (!(engine instanceof PolicyEngine)) throw engine;
    return await checkInputsInParallel(engine, inputs, {
      config,
      configPath: options.configPath,
      failOn: options.failOn,
      now: options.now,
      changesOnly: options.changesOnly,
      failOnChanges: options.failOnChanges,
      baseline,
      releaseRaw: true,
      collectBetweenStages: true,
    });
  } finally {
    if (engine instanceof PolicyEngine) await engine.close();
  }
}

/** Worker threads pay only for an input large enough to be evaluated in partitions (a few MB of plan). */
const PARALLEL_INPUT_BYTES = 4 * 1024 * 1024;

/** An input from this size on is worth a full collection where its text and its document die. */
const COLLECT_INPUT_BYTES = 4 * 1024 * 1024;

function largeInput(paths: string[]): boolean {
  let bytes = 0;
  for (const path of paths) {
    try {
      const stat = statSync(path);
      if (stat.isFile()) bytes += stat.size;
    } catch {
      // loadInputs reports a missing or unreadable path.
    }
  }
  return bytes >= PARALLEL_INPUT_BYTES;
}

export interface PassOptions {
  config: GuardConfig;
  configPath?: string;
  failOn?: Severity;
  now?: Date;
  /**
   * Drop each input's file text and parsed document as soon as its model is built (the report needs
   * only path, kind, sha256 and size): peak memory is then one document plus the models, not every
   * document until the end. Only for inputs the caller does not read again (runCheck's own).
   */
  releaseRaw?: boolean;
  /** Only findings this plan introduces block (AR-META-001 always can). */
  changesOnly?: boolean;
  /** Weakened protections (the report's `changes`) at or above fail_on block too. */
  failOnChanges?: boolean;
  baseline?: LoadedBaseline;
  /**
   * With releaseRaw, a full garbage collection where the dropped text and document of an input of
   * 4 MiB or more become garbage (before normalization, before its evaluation). V8 frees a large string or a large parsed tree only at
   * its next full collection, which on a large plan comes after the next stage has already grown the
   * heap on top of it: collected where they die, peak RSS measured 274 → 221 MB on a 27 MB plan and
   * 424–480 → 350 MB on a 67 MB one, for two collections of 20–60 ms each (docs/benchmarks.md).
   */
  collectBetweenStages?: boolean;
}

/** Normalize, evaluate and report inputs that are already loaded (the cdktf guard and tests; one thread). */
export function checkInputs(engine: PolicyEngine, inputs: LoadedInput[], options: PassOptions): Report {
  const pass = preparePass(engine, inputs, options);
  const checked = pass.models.map((model, i) => {
    const beforeModel = pass.beforeModel(i);
    const before = beforeModel ? { model: beforeModel, findings: engine.evaluate(beforeModel, pass.parameters) } : null;
    pass.release(i);
    return { input: inputs[i]!, model, ...engine.evaluateAll(model, pass.parameters), before };
  });
  return reportPass(engine, checked, pass, options);
}

/** checkInputs with large models' partitions shared with the engine's worker threads (the CLI): the same report. */
export async function checkInputsInParallel(engine: PolicyEngine, inputs: LoadedInput[], options: PassOptions): Promise<Report> {
  const pass = preparePass(engine, inputs, options);
  const checked: CheckedInput[] = [];
  for (const [i, model] of pass.models.entries()) {
    const beforeModel = pass.beforeModel(i);
    const before = beforeModel ? { model: beforeModel, findings: (await engine.evaluateAllInParallel(beforeModel, pass.parameters)).findings } : null;
    pass.release(i);
    checked.push({ input: inputs[i]!, model, ...(await engine.evaluateAllInParallel(model, pass.parameters)), before });
  }
  return reportPass(engine, checked, pass, options);
}

interface PreparedPass {
  config: GuardConfig;
  parameters: Record<string, unknown>;
  models: InputModel[];
  /**
   * A plan with a prior state is evaluated twice, before and after, with the same bundle and
   * parameters: comparing the two gives each finding its delta. Built when asked for, from the
   * input's document, so before release(i).
   */
  beforeModel(i: number): InputModel | null;
  /** Drops input i's text and document when the caller asked for it (releaseRaw). */
  release(i: number): void;
}

function preparePass(engine: PolicyEngine, inputs: LoadedInput[], options: PassOptions): PreparedPass {
  // Waivers the constructs wrote into cdktf output join the config's (after them, so config indexes stay put).
  const config = { ...options.config, waivers: [...options.config.waivers, ...constructWaivers(inputs)] };
  const parameters = { ...engine.manifest.params, ...config.params };
  // A plan's text is no longer needed once it is loaded (its address lines were found then): dropped
  // before normalization, the file's text is not held alongside the document and the model at the peak.
  // Collections pay only where a large input's text or document dies (a full collection costs about the
  // live heap; an estate of many small plans would pay one per plan for little).
  const collectFor = (input: LoadedInput): boolean => options.releaseRaw === true && options.collectBetweenStages === true && input.bytes >= COLLECT_INPUT_BYTES;
  let textDropped = false;
  if (options.releaseRaw) {
    for (const input of inputs) {
      if (input.kind !== "terraform-plan" || !input.lineOfAddress) continue;
      input.text = "";
      textDropped ||= collectFor(input);
    }
  }
  if (textDropped) collectGarbage();
  const models = normalizeAll(inputs);
  const beforeModel = (i: number): InputModel | null => {
    const prior = priorView(inputs[i]!);
    return prior ? normalize(prior) : null;
  };
  const release = (i: number): void => {
    const input = inputs[i]!;
    if (!options.releaseRaw) return;
    input.text = "";
    input.document = {};
    if (input.parts) input.parts = input.parts.map((part) => ({ path: part.path, text: "", document: {} }));
    if (collectFor(input)) collectGarbage();
  };
  return { config, parameters, models, beforeModel, release };
}

function reportPass(engine: PolicyEngine, checked: CheckedInput[], pass: PreparedPass, options: PassOptions): Report {
  return buildReport({
    checked,
    manifest: engine.manifest,
    wasmSha256: engine.wasmSha256,
    config: pass.config,
    configPath: options.configPath,
    parameters: pass.parameters,
    failOn: options.failOn ?? pass.config.fail_on ?? "high",
    now: options.now ?? new Date(),
    changesOnly: options.changesOnly,
    failOnChanges: options.failOnChanges,
    baseline: options.baseline,
  });
}

let fullCollection: (() => void) | null | undefined;

/**
 * A full garbage collection now (PassOptions.collectBetweenStages). Node exposes `gc` only to contexts
 * created after --expose-gc is set, so one small context is made for it; where V8 refuses the flag the
 * collection is skipped (memory is then as it was, the results are the same).
 */
export function collectGarbage(): void {
  if (fullCollection === undefined) {
    const exposed = (globalThis as { gc?: unknown }).gc;
    try {
      if (typeof exposed === "function") fullCollection = exposed as () => void;
      else {
        setFlagsFromString("--expose-gc");
        const gc: unknown = runInNewContext("gc");
        fullCollection = typeof gc === "function" ? (gc as () => void) : null;
      }
    } catch {
      fullCollection = null;
    }
  }
  fullCollection?.();
}
