import { execFileSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterAll, expect, test } from "vitest";

const root = fileURLToPath(new URL("../../", import.meta.url));
// Inside the repo's node_modules so the compiled files resolve cdktf and @types/node like dist/ would.
const work = join(root, "node_modules", ".cache", `apprunner-guard-entry-${process.pid}`);

afterAll(() => rmSync(work, { recursive: true, force: true }));

test("package.json points main/exports at the compiled modules entry", () => {
  const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
  expect(pkg.main).toBe("./dist/modules/index.js");
  expect(pkg.exports["."].default).toBe("./dist/modules/index.js");
  expect(pkg.exports["."].types).toBe("./dist/modules/index.d.ts");
});

test("modules/ compiles with the build settings and the entry imports without the provider root", async () => {
  mkdirSync(work, { recursive: true });
  writeFileSync(
    join(work, "tsconfig.json"),
    JSON.stringify({
      extends: join(root, "tsconfig.build.json"),
      compilerOptions: { outDir: join(work, "dist"), rootDir: root, sourceMap: false },
      include: [join(root, "modules")],
      exclude: [],
    }),
  );
  execFileSync(process.execPath, [join(root, "node_modules", "typescript", "bin", "tsc"), "-p", join(work, "tsconfig.json")], {
    stdio: "pipe",
  });
  writeFileSync(join(work, "dist", "package.json"), JSON.stringify({ type: "module" }));
  const entry = pathToFileURL(join(work, "dist", "modules", "index.js")).href;
  // A fresh process, so the check is about the built files, not vitest's transform.
  const out = execFileSync(
    process.execPath,
    ["--input-type=module", "-e", `const m = await import(${JSON.stringify(entry)}); console.log(JSON.stringify(Object.keys(m).sort()));`],
    { encoding: "utf8" },
  );
  const names: string[] = JSON.parse(out.trim());
  for (const n of ["AppRunnerService", "Source", "Secret", "Cpu", "Memory", "HealthCheck", "VpcConnector", "VpcIngressConnection", "AutoScaling", "Observability", "CustomDomain", "WafProtection", "WebAclAssociation", "ServiceRole", "PolicyStatement", "Runtime"]) {
    expect(names).toContain(n);
  }
}, 60_000);

test("modules/ imports @cdktf/provider-aws only by deep path (the package root costs seconds and hundreds of MB)", () => {
  const files = readdirSync(join(root, "modules"), { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".ts"));
  expect(files.length).toBeGreaterThan(10);
  const specifiers = files.flatMap((f) =>
    [...readFileSync(join(root, "modules", f), "utf8").matchAll(/from\s+"(@cdktf\/provider-aws[^"]*)"/g)].map((m) => m[1]!),
  );
  expect(specifiers.length).toBeGreaterThan(5);
  for (const s of specifiers) expect(s).toMatch(/^@cdktf\/provider-aws\/lib\/[a-z0-9-]+\/index\.js$/);
});
