import { PolicyEngine, type EngineOptions } from "./evaluate/engine.js";
import type { Severity } from "./evaluate/rules.js";
import { loadConfig, type GuardConfig } from "./load/config.js";
import { loadInputs, type LoadedInput } from "./load/index.js";
import { normalize } from "./normalize/index.js";
import { buildReport, type CheckedInput } from "./report/build.js";
import type { Report } from "./report/types.js";

export interface CheckOptions {
  paths: string[];
  configPath?: string;
  failOn?: Severity;
  maxBytes?: number;
  now?: Date;
  engine?: EngineOptions;
}

/** The whole pass, stage by stage: load → normalize → evaluate → report. */
export async function runCheck(options: CheckOptions): Promise<Report> {
  const config = loadConfig(options.configPath);
  const inputs = loadInputs(options.paths, { maxBytes: options.maxBytes });
  const engine = await PolicyEngine.load(options.engine);
  return checkInputs(engine, inputs, { config, configPath: options.configPath, failOn: options.failOn, now: options.now });
}

export interface PassOptions {
  config: GuardConfig;
  configPath?: string;
  failOn?: Severity;
  now?: Date;
}

/** Normalize, evaluate and report inputs that are already loaded (the CLI and the cdktf guard share this). */
export function checkInputs(engine: PolicyEngine, inputs: LoadedInput[], options: PassOptions): Report {
  const { config } = options;
  const parameters = { ...engine.manifest.params, ...config.params };
  const checked: CheckedInput[] = inputs.map((input) => {
    const model = normalize(input);
    const { findings, applicable } = engine.evaluateAll(model, parameters);
    return { input, model, findings, applicable };
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
  });
}
