import type { ArgumentsCamelCase, Argv, CommandModule } from "yargs";
import { EngineError, InputError } from "../../errors.js";
import { attachSources, loadInputs } from "../../load/index.js";
import { normalizeAll } from "../../normalize/index.js";
import { describeFirstError, validator } from "../../schemas/ajv.js";
import type { CliContext, CommandResult } from "../result.js";
import { maxBytesOption } from "../options.js";

interface ModelArgs {
  path: string;
  "max-bytes": number;
  source?: string;
}

/**
 * Prints the input model the rules read, for native OPA and conftest:
 *   apprunner-guard model plan.json > model.json
 *   opa eval -d policies -i model.json 'data.apprunner_guard.main.findings'
 */
export const modelCommand = (ctx: CliContext): CommandModule<object, ModelArgs> => ({
  command: "model <path>",
  describe: "Print the input model (JSON) of one plan, cdk.tf.json or *.tf.json folder, for opa eval and conftest",
  builder: (yargs: Argv) =>
    yargs
      .positional("path", { type: "string", demandOption: true, describe: "one input: a plan JSON, a cdk.tf.json, a *.tf.json folder, or a cdktf.out with one stack" })
      .option("source", {
        type: "string",
        describe: "folder of the plan's .tf configuration, found as check finds it (default: the plan's folder, else the current folder, when it holds *.tf)",
      })
      .option("max-bytes", maxBytesOption) as unknown as Argv<ModelArgs>,
  handler: async (args) => {
    ctx.running = true;
    ctx.result = await runModelCommand(args);
  },
});

export async function runModelCommand(args: ArgumentsCamelCase<ModelArgs>): Promise<CommandResult> {
  const inputs = loadInputs([args.path], { maxBytes: args["max-bytes"] });
  if (inputs.length !== 1) {
    // One model is one evaluation; several stacks are several models.
    throw new InputError(args.path, `holds ${inputs.length} inputs (${inputs.map((i) => i.stack ?? i.path).join(", ")}); a model is one input: pass one of ${inputs.map((i) => i.path).join(", ")}`);
  }
  // As check sees it: a plan read with its .tf source where one is found (values the plan does not
  // know may come from it); a cdktf stack alone also says which of its services ARNs go to stacks not in the input.
  await attachSources(inputs, { source: args.source });
  const model = normalizeAll(inputs)[0]!;
  const validate = validator("input-model");
  if (!validate(model)) throw new EngineError(`the model of ${args.path} does not match input-model.schema.json: ${describeFirstError(validate.errors)}`);
  return { stdout: JSON.stringify(model, null, 2) + "\n", outcome: "ok" };
}
