/**
 * Shared by the fail-closed tests: one engine per process, in-process runs of the whole pass on a
 * document, verdicts that can be compared across equivalent forms, and the fuzz seed / run count.
 */
import { execFile, execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PolicyEngine, type Finding } from "../../src/evaluate/engine.js";
import { loadInputs } from "../../src/load/index.js";
import { normalize, type InputModel } from "../../src/normalize/index.js";
import { repoRoot } from "./paths.js";

let enginePromise: Promise<PolicyEngine> | undefined;
export function engine(): Promise<PolicyEngine> {
  enginePromise ??= PolicyEngine.load();
  return enginePromise;
}

let scratch: string | undefined;
let counter = 0;
/** Writes a document (object or raw text) to a fresh file in one per-process temp folder. */
export function writeInput(document: unknown, name = "input.json"): string {
  scratch ??= mkdtempSync(join(tmpdir(), "arg-fc-"));
  const dir = join(scratch, String(counter++));
  mkdirSync(dir, { recursive: true });
  const path = join(dir, name);
  writeFileSync(path, typeof document === "string" || Buffer.isBuffer(document) ? document : JSON.stringify(document));
  return path;
}

export interface Evaluated {
  model: InputModel;
  findings: Finding[];
}

/** load → normalize → evaluate for one document, in-process (what runCheck does, minus the report). */
export async function evaluateDocument(document: unknown, name = "input.json"): Promise<Evaluated> {
  const e = await engine();
  const [input] = loadInputs([writeInput(document, name)]);
  const model = normalize(input!);
  return { model, findings: e.evaluate(model, e.manifest.params) };
}

/**
 * A verdict that does not depend on which policy resource a statement came from: rule id plus the
 * service/role the finding is about (`related`), or the resource when nothing is related. `rename`
 * maps addresses first (to compare a module copy with the root original).
 */
export function verdictOf(findings: Finding[], rename: (address: string) => string = (a) => a): string[] {
  const keys = new Set<string>();
  for (const f of findings) {
    const about = f.related.length > 0 ? f.related.map(rename).sort().join(",") : rename(f.resource);
    keys.add(`${f.rule_id} ${about}`);
  }
  return [...keys].sort();
}

export const ruleIds = (findings: Finding[]) => [...new Set(findings.map((f) => f.rule_id))].sort();

/** FUZZ_SEED / FUZZ_RUNS override the fixed defaults; every property prints what it used. */
export function fuzzSettings(defaultRuns: number): { seed: number; numRuns: number } {
  const seed = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : 20250601;
  const numRuns = process.env.FUZZ_RUNS ? Number(process.env.FUZZ_RUNS) : defaultRuns;
  return { seed, numRuns };
}

export function printFuzz(name: string, seed: number, cases: number): void {
  process.stdout.write(`[fuzz] ${name}: ${cases} cases, seed ${seed} (override with FUZZ_SEED / FUZZ_RUNS)\n`);
}

/** Builds dist/ once when it is missing or older than any file under src/ (the CLI runs from dist). */
export function ensureBuilt(): void {
  const main = join(repoRoot, "dist", "src", "cli", "main.js");
  const newest = (dir: string): number =>
    Math.max(
      0,
      ...readdirSync(dir).map((name) => {
        const path = join(dir, name);
        const stat = statSync(path);
        return stat.isDirectory() ? newest(path) : stat.mtimeMs;
      }),
    );
  if (existsSync(main) && statSync(main).mtimeMs >= newest(join(repoRoot, "src"))) return;
  try {
    execFileSync("npx", ["tsc", "-p", "tsconfig.build.json"], { cwd: repoRoot, stdio: "pipe" });
  } catch (error) {
    // Type errors elsewhere in the tree (work in progress) still emit JavaScript; only a missing build is fatal.
    if (!existsSync(main)) throw error;
  }
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Spawns the real binary (`node bin/apprunner-guard.js ...`) of a package root. */
export function runCli(args: string[], options: { root?: string; env?: NodeJS.ProcessEnv } = {}): Promise<CliResult> {
  const root = options.root ?? repoRoot;
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [join(root, "bin", "apprunner-guard.js"), ...args],
      { cwd: root, env: { ...process.env, NO_COLOR: "1", ...options.env }, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}
