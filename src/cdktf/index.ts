import { Annotations, TerraformStack, type App } from "cdktf";
import { applyGuardWith, type ApprunnerGuard, type GuardFlavour, type GuardOptions } from "./guard.js";
import { recordCreationLines } from "./creation-lines.js";

export { ApprunnerGuard, type GuardApp, type GuardOptions } from "./guard.js";
export { CREATION_LINES_ENV } from "./creation-lines.js";

// Findings point at the app line that created each resource: recorded from here on, as constructs are
// created (applyGuard runs after they exist, too late to see where they came from). Off: see CREATION_LINES_ENV.
recordCreationLines();

const cdktf: GuardFlavour = {
  name: "cdktf",
  isStack: (construct): construct is TerraformStack => TerraformStack.isStack(construct),
  addWarning: (scope, message) => Annotations.of(scope).addWarning(message),
};

/**
 * One line in a cdktf app: `applyGuard(app)` before `app.synth()`. After cdktf writes every stack's
 * cdk.tf.json, the same sha256-checked wasm pass as `apprunner-guard check cdktf.out` reads those
 * files, writes the reports into the outdir and fails synth (and so `cdktf plan` / `cdktf deploy`)
 * when a finding at or above `failOn` is not waived, listing each one with its rule id.
 * For a CDK Terrain (`cdktn`) app, import it from `apprunner-guard/cdktn` instead.
 */
export function applyGuard(app: App, options: GuardOptions = {}): ApprunnerGuard {
  return applyGuardWith(cdktf, app, options);
}
