import { existsSync } from "node:fs";
import { isAbsolute, join, relative } from "node:path";
import type { IConstruct } from "constructs";
import { InputError, errorMessage } from "../errors.js";
import { PolicyEngine, type EngineOptions } from "../evaluate/engine.js";
import { loadConfig } from "../load/config.js";
import { loadFile, loadStackDocument } from "../load/read.js";
import { DEFAULT_MAX_BYTES, type LoadedInput } from "../load/types.js";
import { checkInputs } from "../check.js";
import { NO_SERVICES_NOTE } from "../report/build.js";
import { nowFrom } from "../about.js";
import { writeReportDir } from "../report/files.js";
import type { Report } from "../report/types.js";
import type { Severity } from "../severity.js";

export interface GuardOptions {
  /**
   * Lowest severity that fails synth.
   * @default - `fail_on` from the config file, else "high" (the same default as `apprunner-guard check`)
   */
  readonly failOn?: Severity;
  /**
   * The same config file `check --config` reads: rule parameters and waivers.
   * @default - no config: default parameters, no waivers
   */
  readonly configPath?: string;
  /**
   * Where the reports go (report.json, report.sarif, report.junit.xml, report.md).
   * Relative paths are relative to the app's outdir; `false` writes none.
   * @default "apprunner-guard" (so cdktf.out/apprunner-guard/report.json)
   */
  readonly reportDir?: string | false;
  /**
   * "Today" for waiver expiry and the report's generated_at.
   * @default - APPRUNNER_GUARD_NOW when set, else the current time
   */
  readonly now?: Date;
  /**
   * Fail synth when the app synthesizes no aws_apprunner_service (the CLI's `--require-services`).
   * @default false - a run with no service is accepted, with a warning saying so
   */
  readonly requireServices?: boolean;
  /**
   * Policy bundle location and wasm memory limit.
   * @default - the bundle shipped in this package (policies/dist), sha256-checked
   */
  readonly engine?: EngineOptions;
}

/**
 * What the guard needs from an app, written structurally so that a cdktf 0.21 `App` and a CDK Terrain
 * (`cdktn`) `App` both fit without this package importing either: the two share the `constructs` base.
 */
export interface GuardApp extends IConstruct {
  readonly outdir: string;
  readonly manifest: { readonly stacks: Record<string, { readonly synthesizedStackPath: string }> };
}

/** What differs between cdktf and cdktn: how a stack is recognised and how a warning is shown. */
export interface GuardFlavour {
  readonly name: "cdktf" | "cdktn";
  isStack(construct: IConstruct): construct is IConstruct & { toTerraform(): unknown };
  addWarning(scope: IConstruct, message: string): void;
}

/**
 * One line in a cdktf app: `applyGuard(app)` before `app.synth()`. After cdktf writes every stack's
 * cdk.tf.json, the same sha256-checked wasm pass as `apprunner-guard check cdktf.out` reads those
 * files, writes the reports into the outdir and fails synth (and so `cdktf plan` / `cdktf deploy`)
 * when a finding at or above `failOn` is not waived, listing each one with its rule id.
 */
export function applyGuardWith(flavour: GuardFlavour, app: GuardApp, options: GuardOptions = {}): ApprunnerGuard {
  return new ApprunnerGuard(flavour, app, options);
}

/**
 * The guard as an app-level validation. cdktf runs app validations after every stack is synthesized
 * (stack aspects only see their own stack, and construct validation cannot await, so the policy is
 * loaded with opa-wasm's loadPolicySync).
 */
export class ApprunnerGuard {
  /** The last report, for tests and for apps that want to print something of their own. */
  report: Report | undefined;
  private engine: PolicyEngine | undefined;

  constructor(
    private readonly flavour: GuardFlavour,
    private readonly app: GuardApp,
    private readonly options: GuardOptions = {},
  ) {
    app.node.addValidation({ validate: () => this.validate() });
  }

  /** Runs the pass on every synthesized stack; returns one error line per blocking finding (empty: accepted). */
  validate(): string[] {
    let report: Report;
    let reportPath: string | null;
    try {
      report = this.check();
      reportPath = this.writeReports(report);
    } catch (error) {
      const why = error instanceof InputError ? errorMessage(error) : `${errorMessage(error)} (the policy pass could not run, so nothing is accepted)`;
      return [`apprunner-guard: ${why}`];
    }
    this.report = report;
    const where = reportPath ? `; report: ${reportPath}` : "";
    const s = report.summary;
    if (s.services === 0) {
      if (this.options.requireServices) return [`apprunner-guard: requireServices: the app synthesizes no aws_apprunner_service, so nothing was checked${where}`];
      this.flavour.addWarning(this.app, `apprunner-guard: ${NO_SERVICES_NOTE}`);
    }
    if (s.accepted) {
      if (s.findings > 0) {
        this.flavour.addWarning(this.app, `apprunner-guard: ${s.findings} findings below ${report.fail_on}, none blocking${where}`);
      }
      return [];
    }
    const errors = report.findings
      .filter((f) => f.blocking)
      .map((f) => {
        const stack = report.inputs.find((i) => i.path === f.input)?.stack;
        const at = f.location.construct_path ?? (stack ? `${stack}/${f.resource}` : f.resource);
        // the app line that created it, when recorded (creation-lines.ts): where the fix goes
        const line = f.location.file !== f.input && f.location.line ? ` at ${f.location.file}:${f.location.line}` : "";
        return `${f.rule_id} (${f.severity}) ${f.resource} [${at}]${line}: ${f.message}`;
      });
    errors.push(
      `apprunner-guard REJECTED: ${s.blocking} blocking findings at or above ${report.fail_on}${where} ` +
        `(fix them, or waive one with an owner and expiry date in the config file; apprunner-guard explain <RULE_ID> tells how)`,
    );
    return errors;
  }

  private check(): Report {
    const config = loadConfig(this.options.configPath);
    this.engine ??= PolicyEngine.loadSync(this.options.engine);
    return checkInputs(this.engine, this.stackInputs(), {
      config,
      configPath: this.options.configPath,
      failOn: this.options.failOn,
      now: this.options.now ?? nowFrom(process.env),
    });
  }

  /** Every stack's cdk.tf.json as cdktf just wrote it, read by the CLI's own loader; HCL output is checked from memory. */
  private stackInputs(): LoadedInput[] {
    const stacks = this.app.node
      .findAll()
      .filter((c) => this.flavour.isStack(c))
      .sort((a, b) => (a.node.id < b.node.id ? -1 : a.node.id > b.node.id ? 1 : 0));
    // The stacks that may read a stack's cross-stack outputs: every stack is checked here, so all are seen.
    const dependents = (stack: IConstruct) =>
      stacks
        .filter((o) => o !== stack && ((o as unknown as { dependencies?: IConstruct[] }).dependencies ?? []).includes(stack))
        .map((o) => o.node.id)
        .sort();
    return stacks.map((stack) => {
      const entry = this.app.manifest.stacks[stack.node.id];
      const file = entry ? join(this.app.outdir, entry.synthesizedStackPath) : null;
      if (file && file.endsWith(".json") && existsSync(file))
        return { ...loadFile(display(file), { maxBytes: DEFAULT_MAX_BYTES }, stack.node.id), dependents: dependents(stack) };
      const document = (stack as unknown as { toTerraform(): Record<string, unknown> }).toTerraform();
      const path = display(file ?? join(this.app.outdir, "stacks", stack.node.id, "cdk.tf.json"));
      return { ...loadStackDocument(path, stack.node.id, document), dependents: dependents(stack) };
    });
  }

  private writeReports(report: Report): string | null {
    if (this.options.reportDir === false) return null;
    const configured = this.options.reportDir ?? "apprunner-guard";
    const dir = isAbsolute(configured) ? configured : join(this.app.outdir, configured);
    const written = writeReportDir(dir, report);
    return display(written.find((p) => p.endsWith(".md")) ?? dir);
  }
}

/** Paths in reports and messages as the user can find them: relative to the working directory when inside it. */
function display(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel && !rel.startsWith("..") && !isAbsolute(rel) ? rel : path;
}
