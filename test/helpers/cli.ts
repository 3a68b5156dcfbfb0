import { execFile, execFileSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "./paths.js";

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Spawns the real binary (bin/apprunner-guard.js → dist/) from the repository root. */
export function cli(args: string[], env: Record<string, string | undefined> = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [join(repoRoot, "bin", "apprunner-guard.js"), ...args],
      { cwd: repoRoot, env: { ...process.env, NO_COLOR: undefined, FORCE_COLOR: undefined, APPRUNNER_GUARD_NOW: undefined, ...env }, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : 99) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

function newest(dir: string): number {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return latest;
}

/**
 * The binary runs dist/cli.mjs: rebuild it (tsc, the cdktn flavour of the constructs, the CLI bundle) when it is missing
 * or older than src/ or modules/ (`npm test` builds it first anyway).
 */
export function ensureBuilt(): void {
  const entry = join(repoRoot, "dist", "cli.mjs");
  const flavour = join(repoRoot, "dist", "cdktn", "modules", "index.js");
  const sources = Math.max(newest(join(repoRoot, "src")), newest(join(repoRoot, "modules")));
  if (existsSync(entry) && existsSync(flavour) && Math.min(statSync(entry).mtimeMs, statSync(flavour).mtimeMs) >= sources) return;
  execFileSync(process.execPath, [join(repoRoot, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.build.json"], { cwd: repoRoot, stdio: "inherit" });
  execFileSync(process.execPath, [join(repoRoot, "scripts", "build-flavours.mjs")], { cwd: repoRoot, stdio: "inherit" });
  execFileSync(process.execPath, [join(repoRoot, "scripts", "build-cli.mjs")], { cwd: repoRoot, stdio: "inherit" });
}
