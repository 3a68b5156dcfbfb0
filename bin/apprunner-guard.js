#!/usr/bin/env node
// The CLI runs from one bundled file (scripts/build-cli.mjs).
const { main, hideBin } = await import("../dist/cli.mjs");

process.exitCode = await main(hideBin(process.argv));
