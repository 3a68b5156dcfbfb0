import { PolicyEngine, type EngineOptions } from "./evaluate/engine.js";
import { loadConfig, type GuardConfig } from "./load/config.js";
import { constructWaivers } from "./load/construct-waivers.js";
import { attachSources, loadInputs, type LoadedInput } from "./load/index.js";
import { normalize, normalizeAll } from "./normalize/index.js";
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
  const inputs = loadInputs(options.paths, { maxBytes: options.maxBytes });
  if (options.findSource !== false) await attachSources(inputs, { source: options.source });
  const engine = await PolicyEngine.load(options.engine);
  return checkInputs(engine, inputs, {
    config,
    configPath: options.configPath,
    failOn: options.failOn,
    now: options.now,
    changesOnly: options.changesOnly,
    failOnChanges: options.failOnChanges,
    baseline,
    releaseRaw: true,
  });
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
}

/** Normalize, evaluate and report inputs that are already loaded (the CLI and the cdktf guard share this). */
export function checkInputs(engine: PolicyEngine, inputs: LoadedInput[], options: PassOptions): Report {
  // Waivers the constructs wrote into cdktf output join the config's (after them, so config indexes stay put).
  const config = { ...options.config, waivers: [...options.config.waivers, ...constructWaivers(inputs)] };
  const parameters = { ...engine.manifest.params, ...config.params };
  const models = normalizeAll(inputs);
  const checked: CheckedInput[] = inputs.map((input, i) => {
    const model = models[i]!;
    // A plan with a prior state is evaluated twice, before and after, with the same bundle and
    // parameters: comparing the two gives each finding its delta.
    const prior = priorView(input);
    const beforeModel = prior ? normalize(prior) : null;
    const before = beforeModel ? { model: beforeModel, findings: engine.evaluate(beforeModel, parameters) } : null;
    if (options.releaseRaw) {
      input.text = "";
      input.document = {};
      if (input.parts) input.parts = input.parts.map((part) => ({ path: part.path, text: "", document: {} }));
    }
    const { findings, applicable } = engine.evaluateAll(model, parameters);
    return { input, model, findings, applicable, before };
  });
  return buildReport({
    checked,
    manifest: engine.manifest,
    wasmSha256: engine.wasmSha256,
    config,
    configPath: options.configPath,
    parameters,
    failOn: options.failOn ?? config.fail_on ?? "high",
    now: options.now ?? new Date(),
    changesOnly: options.changesOnly,
    failOnChanges: options.failOnChanges,
    baseline: options.baseline,
  });
}
