/** What bin/apprunner-guard.js needs, as the one entry point scripts/build-cli.mjs bundles into dist/cli.mjs. */
export { main } from "./main.js";
export { hideBin } from "yargs/helpers";
