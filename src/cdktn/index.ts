import { Annotations, TerraformStack, type App } from "cdktn";
import { applyGuardWith, type ApprunnerGuard, type GuardFlavour, type GuardOptions } from "../cdktf/guard.js";
import { recordCreationLines } from "../cdktf/creation-lines.js";

export { ApprunnerGuard, type GuardApp, type GuardOptions } from "../cdktf/guard.js";
export { CREATION_LINES_ENV } from "../cdktf/creation-lines.js";

// Findings point at the app line that created each resource: recorded from here on, as constructs are
// created (applyGuard runs after they exist, too late to see where they came from). Off: see CREATION_LINES_ENV.
recordCreationLines();

const cdktn: GuardFlavour = {
  name: "cdktn",
  isStack: (construct): construct is TerraformStack => TerraformStack.isStack(construct),
  addWarning: (scope, message) => Annotations.of(scope).addWarning(message),
};

/**
 * `applyGuard(app)` for a CDK Terrain (`cdktn`) app, the maintained fork of cdktf: the same pass as the
 * cdktf one (see `apprunner-guard/cdktf`), over the stacks `cdktn synth` writes. Published as part of
 * `apprunner-guard/cdktn`, next to the constructs built against `cdktn` and `@cdktn/provider-aws`.
 */
export function applyGuard(app: App, options: GuardOptions = {}): ApprunnerGuard {
  return applyGuardWith(cdktn, app, options);
}
