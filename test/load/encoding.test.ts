// Plans written on Windows: PowerShell 5 `terraform show -json > plan.json` writes UTF-16LE with a BOM,
// `Out-File -Encoding utf8` a UTF-8 BOM. Each plan fixture, re-encoded in a temp dir, must give the
// same report (findings, lines, verdict) as the original; only the input's sha256 and size differ.
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { checkInputs } from "../../src/check.js";
import { PolicyEngine } from "../../src/evaluate/engine.js";
import { InputError } from "../../src/errors.js";
import { loadConfig } from "../../src/load/config.js";
import { loadInputs } from "../../src/load/index.js";
import { decodeText } from "../../src/load/decode.js";
import { renderers } from "../../src/report/index.js";
import { fixtures } from "../helpers/paths.js";
import { cli, ensureBuilt } from "../helpers/cli.js";

const plansDir = fixtures("plans");
const plans = readdirSync(plansDir).filter((n) => n.endsWith(".json")).sort();
const now = new Date("2026-01-01T00:00:00Z");

const encodings = {
  "utf8-bom": (text: string) => Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, "utf8")]),
  "utf16le-bom": (text: string) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, "utf16le")]),
  "utf16be-bom": (text: string) => Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(text, "utf16le").swap16()]),
} as const;

let engine: PolicyEngine;
let tmp: string;
beforeAll(async () => {
  engine = await PolicyEngine.load();
  tmp = mkdtempSync(join(tmpdir(), "int-encoding-"));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** The JSON report with the input's directory, digest, size and identity taken out: everything else must match. */
function reportOf(path: string, dir: string): unknown {
  const report = checkInputs(engine, loadInputs([path]), { config: loadConfig(undefined), now });
  const json = JSON.parse(renderers.json(report).split(dir).join("<dir>"));
  for (const input of json.inputs) {
    delete input.sha256;
    delete input.bytes;
    // The identity (path from the repository root) and the baseline ids that hash it name where the file is.
    delete input.identity;
  }
  for (const f of json.findings) delete f.baseline_id;
  return json;
}

describe("plans with a byte order mark read like the original", () => {
  test("there are plan fixtures", () => expect(plans.length).toBeGreaterThanOrEqual(10));

  describe.each(Object.keys(encodings) as (keyof typeof encodings)[])("%s", (encoding) => {
    test.each(plans)("%s", (name) => {
      const original = readFileSync(join(plansDir, name), "utf8");
      const dir = join(tmp, encoding);
      mkdirSync(dir, { recursive: true });
      const copy = join(dir, name);
      writeFileSync(copy, encodings[encoding](original));
      const expected = reportOf(join(plansDir, name), plansDir);
      expect(reportOf(copy, dir)).toEqual(expected);
      // and the lines the findings point at are real lines of the plan
      const lines = original.split("\n");
      for (const f of (expected as { findings: { location: { file: string; line: number | null }; resource: string }[] }).findings) {
        if (f.location.line !== null && f.location.file.endsWith(name)) expect(lines[f.location.line - 1]).toContain(f.resource.split(".").pop()!.replace(/\[.*$/, ""));
      }
    });
  });
});


describe("input that is not UTF-8 and has no BOM is refused, naming the encoding problem", () => {
  const bad: [string, Buffer, RegExp][] = [
    ["Latin-1 bytes", Buffer.from('{"format_version":"1.2","x":"caf\xe9"}', "latin1"), /not valid UTF-8 text \(invalid byte 0xe9 at byte 32\)/],
    ["UTF-16LE without a BOM", Buffer.from('{"format_version":"1.2"}', "utf16le"), /looks like UTF-16 without a byte order mark/],
    ["UTF-32LE with a BOM", Buffer.from([0xff, 0xfe, 0, 0, 0x7b, 0, 0, 0]), /UTF-32 \(byte order mark FF FE 00 00\)/],
    ["UTF-16LE BOM with an odd byte count", Buffer.from([0xff, 0xfe, 0x7b, 0, 0x7d]), /not valid UTF-16LE \(after its byte order mark\): odd number of bytes/],
    ["UTF-16LE BOM with a lone surrogate", Buffer.from([0xff, 0xfe, 0x7b, 0, 0x00, 0xd8, 0x7d, 0]), /not valid UTF-16LE \(after its byte order mark\) text/],
  ];
  test.each(bad)("%s: InputError", (_what, bytes, message) => {
    expect(() => decodeText("plan.json", bytes)).toThrow(InputError);
    expect(() => decodeText("plan.json", bytes)).toThrow(message);
  });

  test("the CLI exits 2 with one line naming the file and the encoding", async () => {
    ensureBuilt();
    const path = join(tmp, "latin1-plan.json");
    writeFileSync(path, bad[0]![1]);
    const run = await cli(["check", path]);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(`apprunner-guard: ${path}: not valid UTF-8 text (invalid byte 0xe9 at byte 32); save it as UTF-8, or as UTF-16 with a byte order mark\n`);
  });

  test("plain UTF-8 decodes unchanged, a BOM is dropped", () => {
    expect(decodeText("a.json", Buffer.from('{"a":"é"}'))).toBe('{"a":"é"}');
    expect(decodeText("a.json", encodings["utf16le-bom"]('{"a":"é"}\n'))).toBe('{"a":"é"}\n');
  });
});

describe("a config file saved by PowerShell", () => {
  test.each(Object.keys(encodings) as (keyof typeof encodings)[])("%s reads like the UTF-8 original", (encoding) => {
    const original = readFileSync(fixtures("reports", "config.json"), "utf8");
    const path = join(tmp, `config-${encoding}.json`);
    writeFileSync(path, encodings[encoding](original));
    expect(loadConfig(path)).toEqual(loadConfig(fixtures("reports", "config.json")));
  });

  test("Latin-1 bytes in a config: exit-2 error naming the encoding", () => {
    const path = join(tmp, "config-latin1.json");
    writeFileSync(path, Buffer.from('{"waivers":[],"x":"caf\xe9"}', "latin1"));
    expect(() => loadConfig(path)).toThrow(/not valid UTF-8 text \(invalid byte 0xe9 at byte 22\)/);
  });
});
